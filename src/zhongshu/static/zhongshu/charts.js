/* The statistics pages' charts (ECharts), drawn one way everywhere:
   - labels never clipped: the grid contains its labels, and long names are cut with "…"
     (the tooltip and the table beside the chart hold them in full);
   - no empty axes: a chart without data says so in words instead;
   - counts on whole numbers, the unit named on the value axis;
   - charts follow the width of the page. */
(function () {
  "use strict";
  var charts = [];

  function empty(data) {
    return !data || !data.length;
  }

  function init(el) {
    var chart = window.echarts.init(el);
    charts.push(chart);
    return chart;
  }

  function nothing(el, text) {
    el.classList.add("chart-empty");
    el.style.height = "auto";
    el.textContent = text || "暂无数据";
  }

  /* Horizontal bars: one per name (stage, unit, document). The unit ("小时", "工作日")
     is in the card's heading and in the tooltip; counts of days and documents are whole. */
  function bar(el, names, values, unit) {
    if (!el || !window.echarts) return;
    if (empty(names)) { nothing(el); return; }
    var whole = unit === "件" || unit === "工作日";
    el.style.height = Math.max(140, 48 + 30 * names.length) + "px";
    init(el).setOption({
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"},
                valueFormatter: function (v) { return v == null ? "—" : v + " " + (unit || ""); }},
      grid: {left: 8, right: 40, top: 8, bottom: 8, containLabel: true},
      xAxis: {type: "value", minInterval: whole ? 1 : 0, axisLabel: {hideOverlap: true}},
      yAxis: {type: "category", data: names, inverse: true,
              axisLabel: {width: 168, overflow: "truncate", ellipsis: "…", interval: 0}},
      series: [{type: "bar", data: values, barMaxWidth: 22, label: {show: true, position: "right"}}]
    });
  }

  /* Stacked columns by month, one series per kind (文种). */
  function stacked(el, categories, series, unit) {
    if (!el || !window.echarts) return;
    if (!series.length || series.every(function (s) { return empty(s.data); })) { nothing(el); return; }
    init(el).setOption({
      tooltip: {trigger: "axis"},
      legend: {type: "scroll", top: 0},
      grid: {left: 8, right: 16, top: 40, bottom: 8, containLabel: true},
      xAxis: {type: "category", data: categories, axisLabel: {hideOverlap: true}},
      yAxis: {type: "value", minInterval: 1},
      series: series.map(function (s) {
        return {name: s.name, type: "bar", stack: "n", data: s.data, barMaxWidth: 28};
      })
    });
  }

  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
  window.ZhongshuCharts = {bar: bar, stacked: stacked};
})();
