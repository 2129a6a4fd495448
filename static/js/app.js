// GOV.UK Frontend components, and Plotly charts drawn from json_script
// figures (no inline scripts, so the CSP can forbid them).
import { initAll } from "/static/vendor/govuk/govuk-frontend.min.js";

// Tab links are real links (?tab=updates#updates), so that without JavaScript
// each tab opens as the page's active tab. GOV.UK tabs find a tab by an exact
// "#id" href and open the first tab when the address has no hash: give them
// the hash alone, and the hash of the tab the server rendered as selected.
document.querySelectorAll('[data-module="govuk-tabs"]').forEach((tabs) => {
  const links = tabs.querySelectorAll("a.govuk-tabs__tab");
  links.forEach((link) => link.setAttribute("href", link.hash));
  const selected = tabs.querySelector(".govuk-tabs__list-item--selected a.govuk-tabs__tab");
  if (!window.location.hash && selected && selected !== links[0]) {
    history.replaceState(history.state, "", selected.hash);
  }
});

initAll();

// Copy-forward: a value carried from last month loses its mark once changed.
document.querySelectorAll("[data-carried-mark]").forEach((mark) => {
  const field = document.getElementById(mark.closest("label").htmlFor);
  if (field) field.addEventListener("input", () => mark.remove(), { once: true });
});

function drawCharts(root) {
  const charts = root.querySelectorAll("[data-plotly-figure]");
  if (!charts.length || !window.Plotly) return;
  charts.forEach((el) => {
    const source = document.getElementById(el.dataset.plotlyFigure);
    if (!source) return;
    const figure = JSON.parse(source.textContent);
    const config = Object.assign({ responsive: true, displaylogo: false }, figure.config || {});
    window.Plotly.newPlot(el, figure.data, figure.layout || {}, config).then(() => {
      if (el.dataset.plotlyClickUrl) {
        el.on("plotly_click", (event) => {
          const point = event.points && event.points[0];
          const url = point && point.customdata && point.customdata[0];
          if (url) window.location.href = url;
        });
      }
    });
  });
}

function loadPlotlyThenDraw(root) {
  if (!root.querySelector("[data-plotly-figure]")) return;
  if (window.Plotly) return drawCharts(root);
  const script = document.createElement("script");
  script.src = "/static/vendor/plotly/plotly.min.js";
  script.onload = () => drawCharts(document);
  document.head.appendChild(script);
}

loadPlotlyThenDraw(document);
document.body.addEventListener("htmx:afterSwap", (event) => loadPlotlyThenDraw(event.target));
document.body.addEventListener("htmx:afterSwap", (event) => initAll({ scope: event.target }));
