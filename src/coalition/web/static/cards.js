/* Tables as cards on phones: every body cell gets the text of its column's header as
 * data-label (unless the page wrote one), and the table is marked data-cards, so that the CSS
 * of coalition.css lays each row out as a card at phone width with every column labelled.
 * Without JavaScript, tables keep their horizontal scroll: nothing is hidden either way. */
(function () {
  "use strict";
  function label(table) {
    if (table.classList.contains("no-cards") || !table.tHead) return;
    var heads = table.tHead.rows[table.tHead.rows.length - 1];
    if (!heads) return;
    var names = [];
    Array.prototype.forEach.call(heads.cells, function (cell) {
      var span = cell.colSpan || 1;
      var copy = cell.cloneNode(true);  /* a glossary "?" link is not part of the name */
      Array.prototype.forEach.call(copy.querySelectorAll(".term-help"), function (e) { e.remove(); });
      for (var k = 0; k < span; k++) names.push(copy.textContent.trim());
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var col = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (!cell.hasAttribute("data-label") && (cell.colSpan || 1) === 1 && names[col]) {
            cell.setAttribute("data-label", names[col]);
          }
          col += cell.colSpan || 1;
        });
      });
    });
    keepSemantics(table);
    table.setAttribute("data-cards", "");
  }
  /* Laid out as blocks, a table loses its table semantics in browsers' accessibility trees;
   * explicit roles keep rows, row headers and cells announced as such in card layout. */
  function keepSemantics(table) {
    table.setAttribute("role", "table");
    Array.prototype.forEach.call(table.querySelectorAll(":scope > thead, :scope > tbody, :scope > tfoot"), function (g) {
      g.setAttribute("role", "rowgroup");
    });
    Array.prototype.forEach.call(table.rows, function (row) {
      row.setAttribute("role", "row");
      Array.prototype.forEach.call(row.cells, function (cell) {
        if (cell.hasAttribute("role")) return;
        if (cell.tagName === "TD") cell.setAttribute("role", "cell");
        else cell.setAttribute("role", cell.closest("thead") ? "columnheader" : "rowheader");
      });
    });
  }
  function all(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("table"), label);
  }
  all(document);
  /* Tables that arrive later (htmx swaps, the map's table view) are labelled too. */
  new MutationObserver(function (changes) {
    changes.forEach(function (change) {
      change.addedNodes.forEach(function (node) {
        if (node.nodeType !== 1) return;
        if (node.tagName === "TABLE") label(node);
        else if (node.querySelectorAll) all(node);
        var table = node.closest ? node.closest("table") : null;
        if (table) label(table);
      });
    });
  }).observe(document.body, { childList: true, subtree: true });
})();
