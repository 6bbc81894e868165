// Bar chart of the nine unsur values; the table below it carries the same figures without JavaScript.
(function () {
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var canvas = document.getElementById("unsur-chart");
  if (!canvas || !window.Chart || !data.values.length) { if (canvas) canvas.remove(); return; }
  new Chart(canvas, {
    type: "bar",
    data: { labels: data.labels, datasets: [{ label: "IKM", data: data.values, backgroundColor: "#0b4f8a" }] },
    options: { scales: { y: { min: 0, max: 100 } }, plugins: { legend: { display: false } } },
  });
})();
