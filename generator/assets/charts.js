// Draws each chart of the page with vega-embed, served from this site. A page carries only the chart's name,
// title, data and overrides as JSON; the Vega-Lite template of that name comes once for the whole site from
// chart-templates.js (window.PMO_CHART_TEMPLATES), and the inline keys go on top of it.
// Colors of text, axes, grid and the templates' named styles follow Material's palette (light "default" or dark
// "slate"); switching the palette redraws every chart in the other one.
(function () {
  var LIGHT = {
    text: "#212121", muted: "#424242", grid: "#e0e0e0", line: "#9e9e9e",
    band: "#e8eaf6", baseline: "#616161", today: "#3949ab",
  };
  var DARK = {
    text: "#e8eaf6", muted: "#c5cae9", grid: "#3b4050", line: "#6f7587",
    band: "#2c3142", baseline: "#b0b4c4", today: "#9fa8da",
  };
  var views = (window.PMO_CHARTS = {}); // chart id -> Vega view, for the tests and the console

  function dark() {
    return document.body.getAttribute("data-md-color-scheme") === "slate";
  }
  // The Vega-Lite config of a palette: the templates name styles (pmo-ink, pmo-today, …) instead of colors.
  function config(c) {
    var background = getComputedStyle(document.body).backgroundColor || "#ffffff";
    var axis = {
      labelColor: c.muted, titleColor: c.text, gridColor: c.grid, domainColor: c.line, tickColor: c.line,
    };
    return {
      background: "transparent",
      title: { color: c.text },
      axis: axis,
      legend: { labelColor: c.muted, titleColor: c.text },
      view: { stroke: c.grid },
      style: {
        "pmo-ink": { color: c.text, fill: c.text },
        "pmo-label": { color: c.text, fill: c.text, fontSize: 11 },
        "pmo-today": { color: c.today },
        "pmo-band": { color: c.band, fill: c.band },
        "pmo-baseline": { fill: c.baseline, color: c.baseline },
        "pmo-gap": { stroke: background },
      },
    };
  }
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
    var scheme = dark() ? "slate" : "default";
    var options = { mode: "vega-lite", actions: false, renderer: "svg", config: config(dark() ? DARK : LIGHT) };
    document.querySelectorAll("script.pmo-chart-spec").forEach(function (script) {
      var target = document.getElementById(script.dataset.for);
      if (!target || target.dataset.drawn === scheme) return;
      target.dataset.drawn = scheme;
      try {
        var full = spec(JSON.parse(script.textContent));
        if (views[target.id]) views[target.id].finalize();
        window
          .vegaEmbed(target, full, options)
          .then(function (result) {
            views[target.id] = result.view;
            clickThrough(result.view, full.usermeta && full.usermeta.pmoFilter);
          })
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
  function start() {
    draw();
    // Material's palette toggle sets data-md-color-scheme on the body.
    new MutationObserver(draw).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
