// Portfolio pages (wide.css): on a phone a table of three columns or more is laid out as cards, one per row. This
// marks such tables (data-pmo-cards) and labels each cell with its column's heading (data-label, shown by wide.css
// before the cell's content, which it wraps in one box). The headings are read here rather than written into each
// cell of the HTML: a project page has hundreds of cells.
(function () {
  function cards(table) {
    var headings = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.replace(/\s+/g, " ").trim();
    });
    if (headings.length < 3) return; // a pair of columns fits a phone as it is
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        Array.prototype.forEach.call(row.cells, function (cell, column) {
          if (cell.hasAttribute("data-label")) return; // tables.js renders the register's rows labelled already
          cell.setAttribute("data-label", headings[column] || "");
          // the cell's content as one box, which moves below the label when it does not fit beside it
          var content = document.createElement("span");
          content.className = "pmo-cell";
          while (cell.firstChild) content.appendChild(cell.firstChild);
          cell.appendChild(content);
        });
      });
    });
    table.setAttribute("data-pmo-cards", "");
  }
  function init() {
    document.querySelectorAll("article table:not([class])").forEach(cards);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
