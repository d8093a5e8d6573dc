/* 抓大引大 charts: the project's monthly investment, the dashboard's progress vs 序时进度 and funnel, and the
   carrier map. Data comes from json_script tags named by data-source; no inline scripts (CSP). */
(function () {
  "use strict";

  function data(el) {
    var node = document.getElementById(el.dataset.source);
    return node ? JSON.parse(node.textContent) : null;
  }

  function goTo(url) {
    if (url && url.charAt(0) === "/") { window.location.href = url; }
  }

  var LIGHT_COLORS = { red: "#dc3545", yellow: "#ffc107", green: "#198754", none: "#6c757d" };

  function projectChart(el, d) {
    var chart = echarts.init(el);
    var series = [
      { name: d.labels.done, type: "bar", data: d.done, itemStyle: { color: "#0d6efd" } },
      { name: d.labels.schedule, type: "line", data: d.schedule, lineStyle: { type: "dashed" }, itemStyle: { color: "#fd7e14" } }
    ];
    chart.setOption({
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v + " 万元"; } },
      legend: { top: 0 },
      grid: { left: 60, right: 16, top: 36, bottom: 28 },
      xAxis: { type: "category", data: d.months },
      yAxis: { type: "value", name: "万元" },
      series: series
    });
    return chart;
  }

  function progressChart(el, d) {
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v + "%"; } },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 36, bottom: 28 },
      xAxis: { type: "category", data: d.months },
      yAxis: { type: "value", name: "%", axisLabel: { formatter: "{value}%" } },
      series: [
        { name: d.labels.share, type: "line", data: d.share, smooth: true, itemStyle: { color: "#0d6efd" }, areaStyle: { opacity: 0.1 } },
        { name: d.labels.elapsed, type: "line", data: d.elapsed, lineStyle: { type: "dashed" }, itemStyle: { color: "#6c757d" } }
      ]
    });
    return chart;
  }

  function funnelChart(el, d) {
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "item", formatter: "{b}：{c}" },
      series: [{ type: "funnel", sort: "none", left: "5%", width: "65%", minSize: "20%",
                 label: { formatter: "{b} {c}" }, data: d.funnel }]
    });
    chart.on("click", function (p) { goTo(p.data && p.data.url); });
    return chart;
  }

  function mapChart(el, d) {
    var chart = echarts.init(el);
    chart.showLoading();
    fetch(el.dataset.geojson, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (geo) {
        chart.hideLoading();
        echarts.registerMap("qingshanhu", geo);
        chart.setOption({
          tooltip: {
            trigger: "item",
            formatter: function (p) {
              if (p.seriesType === "map") { return p.name; }
              var x = p.data || {};
              if (p.seriesIndex === 1) { return x.name + "<br>" + x.kind + " · " + (x.theme || "") + "<br>" + d.labels.rate + " " + x.value[2] + "%"; }
              return x.name;
            }
          },
          visualMap: { seriesIndex: 1, dimension: 2, min: 0, max: 100, left: 8, bottom: 8, text: ["100%", "0%"],
                       calculable: false, inRange: { color: ["#dc3545", "#ffc107", "#198754"] } },
          geo: { map: "qingshanhu", roam: true, label: { show: true, fontSize: 11, color: "#555" },
                 itemStyle: { areaColor: "#eef3f8", borderColor: "#8aa" }, emphasis: { itemStyle: { areaColor: "#d6e4f0" } } },
          legend: { top: 4, data: [d.labels.carriers, d.labels.projects] },
          series: [
            { type: "map", map: "qingshanhu", geoIndex: 0 },
            { name: d.labels.carriers, type: "scatter", coordinateSystem: "geo", symbol: "rect", symbolSize: 18,
              itemStyle: { borderColor: "#333", borderWidth: 1 }, data: d.carriers },
            { name: d.labels.projects, type: "scatter", coordinateSystem: "geo", symbolSize: 9,
              data: d.projects.map(function (p) { return { name: p.name, value: p.value, url: p.url, itemStyle: { color: LIGHT_COLORS[p.light] || LIGHT_COLORS.none } }; }) }
          ]
        });
        chart.on("click", function (p) { goTo(p.data && p.data.url); });
        el.dataset.ready = "1";
      })
      .catch(function () { chart.hideLoading(); });
    return chart;
  }

  var RENDER = { project: projectChart, progress: progressChart, funnel: funnelChart, map: mapChart };

  function init() {
    if (typeof echarts === "undefined") { return; }
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var d = data(el);
      var render = RENDER[el.dataset.chart];
      if (d && render) { charts.push(render(el, d)); if (el.dataset.chart !== "map") { el.dataset.ready = "1"; } }
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
