/* Small wrappers around the locally served ECharts, so every chart looks alike. */
(function () {
  var palette = ["#c2255c", "#206bc4", "#2fb344", "#f59f00", "#ae3ec9", "#0ca678", "#d63939", "#4263eb", "#74b816", "#f76707"];

  function mount(id) {
    var el = document.getElementById(id);
    if (!el || typeof echarts === "undefined") return null;
    var chart = echarts.init(el, null, { renderer: "svg" });
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }

  /* rows: [{label, count}] */
  window.jinguoPie = function (id, rows) {
    var chart = mount(id);
    if (!chart) return;
    chart.setOption({
      color: palette,
      tooltip: { trigger: "item", formatter: "{b}：{c}（{d}%）" },
      legend: { bottom: 0, type: "scroll" },
      series: [{
        type: "pie", radius: ["40%", "70%"], center: ["50%", "45%"], avoidLabelOverlap: true,
        label: { formatter: "{b}\n{c}" },
        data: rows.map(function (r) { return { name: r.label, value: r.count }; })
      }]
    });
  };

  /* rows: [{label, count}] */
  window.jinguoBar = function (id, rows) {
    var chart = mount(id);
    if (!chart) return;
    chart.setOption({
      color: palette,
      tooltip: { trigger: "axis" },
      grid: { left: 8, right: 8, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: rows.map(function (r) { return r.label; }) },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", data: rows.map(function (r) { return r.count; }), barMaxWidth: 36 }]
    });
  };
})();

/* Charts declared in markup: <div id=… data-jg-chart="pie|bar" data-jg-rows="<json_script id>">,
   so a panel's template needs no script of its own. */
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-jg-chart]").forEach(function (el) {
    var source = document.getElementById(el.dataset.jgRows);
    if (!source || !el.id) return;
    var draw = el.dataset.jgChart === "pie" ? window.jinguoPie : window.jinguoBar;
    draw(el.id, JSON.parse(source.textContent));
  });
});
