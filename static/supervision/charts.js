// 作风督查 dashboard: findings by unit as a stacked bar chart (data from a json_script block; no inline JS).
(function () {
  "use strict";
  function draw() {
    var el = document.getElementById("unit-chart");
    var src = document.getElementById("unit-chart-data");
    if (!el || !src || typeof echarts === "undefined") return;
    var data = JSON.parse(src.textContent || "{}");
    if (!data.units || !data.units.length) { el.style.display = "none"; return; }
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 40, right: 10, bottom: 60, top: 30 },
      xAxis: { type: "category", data: data.units, axisLabel: { rotate: 30 } },
      yAxis: { type: "value", minInterval: 1 },
      series: data.series.map(function (s) {
        return { name: s.name, type: "bar", stack: "all", data: s.data, itemStyle: { color: s.color } };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw); else draw();
})();
