// Sorting and filtering for generated tables, served from this site. Tables marked data-pmo-sortable get
// header buttons that sort their rows; a form marked data-pmo-filters hides the rows that do not match.
(function () {
  var RAG = { green: 1, amber: 2, red: 3 };
  function key(cell) {
    var text = (cell.dataset.sort || cell.textContent || "").trim();
    if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return text;
    if (RAG[text.toLowerCase()]) return RAG[text.toLowerCase()];
    var number = text.replace(/[−–]/g, "-").replace(/[^0-9.\-]/g, "");
    if (number && !isNaN(parseFloat(number)) && /\d/.test(text) && !/[a-z]{3,}/i.test(text.replace(/n\/a/i, "")))
      return parseFloat(number);
    return text.toLowerCase();
  }
  function compare(a, b) {
    var numbers = typeof a === "number" && typeof b === "number";
    if (numbers) return a - b;
    return String(a).localeCompare(String(b));
  }
  function sortable(table) {
    var headers = table.querySelectorAll("thead th");
    headers.forEach(function (th, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "pmo-sort";
      while (th.firstChild) button.appendChild(th.firstChild); // keeps markup such as an <abbr> tooltip
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (other) { other.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r1, r2) {
          var order = compare(key(r1.cells[column]), key(r2.cells[column]));
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }
  function filters(form) {
    // data-pmo-filters names one table or several (ids separated by spaces); a table that keeps no row is
    // hidden, with the heading its data-pmo-heading names.
    var tables = form.dataset.pmoFilters.split(/\s+/).map(function (id) { return document.getElementById(id); })
      .filter(Boolean);
    if (!tables.length) return;
    var count = form.querySelector("output");
    var query = form.querySelector("input[type=search]");
    function apply() {
      var shown = 0;
      var words = query ? query.value.toLowerCase().split(/\s+/).filter(Boolean) : [];
      tables.forEach(function (table) {
        var kept = 0;
        // the words of a table's heading (a category of lessons) belong to each of its rows
        var heading = table.dataset.pmoHeading && document.getElementById(table.dataset.pmoHeading);
        var context = heading ? " " + heading.textContent.toLowerCase() : "";
        Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
          var keep = Array.prototype.every.call(form.querySelectorAll("select"), function (select) {
            return !select.value || row.dataset[select.name] === select.value;
          });
          if (keep && words.length) {
            var text = row.textContent.toLowerCase() + context;
            keep = words.every(function (word) { return text.indexOf(word) >= 0; });
          }
          row.hidden = !keep;
          if (keep) kept += 1;
        });
        if (tables.length > 1) {
          table.hidden = !kept;
          var title = table.dataset.pmoHeading && document.getElementById(table.dataset.pmoHeading);
          if (title) title.hidden = !kept;
        }
        shown += kept;
      });
      if (count) count.textContent = shown + " shown";
    }
    form.addEventListener("change", apply);
    form.addEventListener("input", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    apply();
  }
  function init() {
    document.querySelectorAll("table[data-pmo-sortable]").forEach(sortable);
    document.querySelectorAll("form[data-pmo-filters]").forEach(filters);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
