// The downloaded HTML pack, opened from disk or from an e-mail with no
// server behind it: plotly.js is inlined just before this script, and each
// chart is drawn from its json_script figure, as static/js/app.js does in the
// service. A classic script (not a module), so it runs from file:// too.
(function () {
  "use strict";

  function drawCharts() {
    if (!window.Plotly) return;
    document.querySelectorAll("[data-plotly-figure]").forEach(function (el) {
      var source = document.getElementById(el.dataset.plotlyFigure);
      if (!source) return;
      var figure = JSON.parse(source.textContent);
      var config = Object.assign({ responsive: true, displaylogo: false }, figure.config || {});
      window.Plotly.newPlot(el, figure.data, figure.layout || {}, config);
    });
  }

  // Redraw at the printed page's width, so an A4 print never cuts a chart off.
  function resizeCharts() {
    if (!window.Plotly) return;
    document.querySelectorAll(".js-plotly-plot").forEach(function (el) {
      window.Plotly.Plots.resize(el);
    });
  }

  drawCharts();
  window.addEventListener("beforeprint", resizeCharts);
  window.addEventListener("afterprint", resizeCharts);
})();
