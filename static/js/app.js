// GOV.UK Frontend components, and Plotly charts drawn from json_script
// figures (no inline scripts, so the CSP can forbid them).
import { initAll } from "/static/vendor/govuk/govuk-frontend.min.js";

initAll();

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
