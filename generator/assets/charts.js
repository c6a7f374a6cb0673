// Draws each chart of the page with vega-embed, served from this site. A page carries only the chart's name,
// title, data and overrides as JSON; the Vega-Lite template of that name comes once for the whole site from
// chart-templates.js (window.PMO_CHART_TEMPLATES), and the inline keys go on top of it.
(function () {
  function spec(inline) {
    var templates = window.PMO_CHART_TEMPLATES || {};
    var template = templates[inline.template];
    if (!template) throw new Error("no chart template named " + inline.template);
    var merged = JSON.parse(JSON.stringify(template)); // a copy: two charts of a page share one template
    Object.keys(inline).forEach(function (key) {
      if (key !== "template") merged[key] = inline[key];
    });
    return merged;
  }
  function draw() {
    document.querySelectorAll("script.pmo-chart-spec").forEach(function (script) {
      var target = document.getElementById(script.dataset.for);
      if (!target || target.dataset.drawn) return;
      target.dataset.drawn = "1";
      try {
        window
          .vegaEmbed(target, spec(JSON.parse(script.textContent)), { mode: "vega-lite", actions: false, renderer: "svg" })
          .catch(function (error) { console.error(error); });
      } catch (error) {
        console.error(error);
      }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
