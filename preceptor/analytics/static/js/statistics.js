// Visitors per day on the staff statistics page (Chart.js, vendored).
(function () {
  "use strict";
  var node = document.getElementById("chart-data");
  var canvas = document.getElementById("visitors-chart");
  if (!node || !canvas || !window.Chart) return;
  var data = JSON.parse(node.textContent);
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: canvas.dataset.visitorsLabel, data: data.visitors, backgroundColor: "#0f5c6e" },
        { label: canvas.dataset.pageviewsLabel, data: data.pageviews, backgroundColor: "#9fd3df" }
      ]
    },
    options: { responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
  });
})();
