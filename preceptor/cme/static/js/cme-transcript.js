// Credits per year on the member's CME transcript (Chart.js, vendored).
(function () {
  "use strict";
  var node = document.getElementById("credits-data");
  var canvas = document.getElementById("credits-chart");
  if (!node || !canvas || !window.Chart) return;
  var data = JSON.parse(node.textContent);
  var colours = ["#0f5c6e", "#d9822b", "#9fd3df"];
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: data.datasets.map(function (set, i) {
        return { label: set.label, data: set.data, backgroundColor: colours[i % colours.length], maxBarThickness: 56 };
      })
    },
    options: { responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { stepSize: 0.25, callback: function (v) { return Number(v).toFixed(2); } } } } }
  });
})();
