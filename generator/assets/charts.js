// Draws each chart of the page with vega-embed, served from this site, from the JSON spec beside it.
(function () {
  function draw() {
    document.querySelectorAll("script.pmo-chart-spec").forEach(function (script) {
      var target = document.getElementById(script.dataset.for);
      if (!target || target.dataset.drawn) return;
      target.dataset.drawn = "1";
      window
        .vegaEmbed(target, JSON.parse(script.textContent), { mode: "vega-lite", actions: false, renderer: "svg" })
        .catch(function (error) { console.error(error); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
