// The monthly pack: redraw its charts at the printed page's width, so an A4
// print never cuts a chart off at the right-hand edge.
function resizePackCharts() {
  if (!window.Plotly) return;
  document.querySelectorAll(".pmo-pack .js-plotly-plot").forEach((chart) => {
    window.Plotly.Plots.resize(chart);
  });
}

window.addEventListener("beforeprint", resizePackCharts);
window.addEventListener("afterprint", resizePackCharts);
window.matchMedia("print").addEventListener("change", resizePackCharts);
