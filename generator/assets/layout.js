// Labels each cell of a wide page's tables with its column heading (data-label), which pmo.css shows before the
// cell when a phone lays the table out as cards, one card per row. The headings' text is read here rather than
// written into every cell: a project page has hundreds of cells.
(function () {
  function label(table) {
    var headings = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.replace(/\s+/g, " ").trim();
    });
    if (headings.length < 3) return; // a pair of columns fits a phone as it is
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        Array.prototype.forEach.call(row.cells, function (cell, column) {
          if (headings[column]) cell.setAttribute("data-label", headings[column]);
        });
      });
    });
  }
  function init() {
    if (!document.querySelector('meta[name="pmo-layout"][content="wide"]')) return;
    document.querySelectorAll("article table:not([class])").forEach(label);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
