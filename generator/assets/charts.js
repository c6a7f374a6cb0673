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
        var full = spec(JSON.parse(script.textContent));
        window
          .vegaEmbed(target, full, { mode: "vega-lite", actions: false, renderer: "svg" })
          .then(function (result) { clickThrough(result.view, full.usermeta && full.usermeta.pmoFilter); })
          .catch(function (error) { console.error(error); });
      } catch (error) {
        console.error(error);
      }
    });
  }
  // A chart whose spec names a filter form: a click on a mark selects the mark's value in that form's list
  // (and any fixed values it names), so the table below shows the rows behind the mark.
  function clickThrough(view, filter) {
    if (!filter) return;
    view.addEventListener("click", function (event, item) {
      var form = document.querySelector('form[data-pmo-filters="' + filter.form + '"]');
      var value = item && item.datum && item.datum[filter.field];
      var list = form && form.querySelector('select[name="' + filter.field + '"]');
      if (!list || !value || !list.querySelector('option[value="' + value + '"]')) return;  // an empty cell
      var choices = Object.assign({}, filter.also || {});
      choices[filter.field] = value;
      Object.keys(choices).forEach(function (name) {
        var select = form.querySelector('select[name="' + name + '"]');
        if (select) select.value = choices[name];
      });
      form.dispatchEvent(new Event("change"));
      form.scrollIntoView({ block: "start" });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
