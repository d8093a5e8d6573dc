// 诉求看板: two charts from the same rows as the tables (data in #appeal-chart-data); a click opens the rows.
document.addEventListener("DOMContentLoaded", function () {
  var node = document.getElementById("appeal-chart-data");
  if (!node || typeof echarts === "undefined") { return; }
  var data = JSON.parse(node.textContent);
  function bar(id, series, horizontal, max) {
    var el = document.getElementById(id);
    if (!el || !series.labels.length) { if (el) { el.hidden = true; } return; }
    var chart = echarts.init(el);
    var cat = {type: "category", data: series.labels, axisLabel: {interval: 0, fontSize: 10}};
    var val = {type: "value", max: max};
    chart.setOption({
      title: {text: series.title, textStyle: {fontSize: 13}},
      grid: {left: horizontal ? 110 : 40, right: 16, top: 32, bottom: horizontal ? 24 : 60},
      tooltip: {trigger: "axis"},
      xAxis: horizontal ? val : Object.assign({}, cat, {axisLabel: {interval: 0, rotate: 30, fontSize: 10}}),
      yAxis: horizontal ? cat : val,
      series: [{type: "bar", data: series.values, itemStyle: {color: "#b71c1c"}}]
    });
    chart.on("click", function (params) {
      var link = series.links[params.dataIndex];
      if (link) { window.location.href = link; }
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  bar("chart-channel", data.channel, false);
  bar("chart-unit", data.unit, true, 100);
});
