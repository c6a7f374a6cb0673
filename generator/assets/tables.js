// Sorting, filtering and downloads for generated tables, served from this site. Tables marked
// data-pmo-sortable get header buttons that sort their rows; a form marked data-pmo-filters hides the rows that
// do not match. Both keep their state in the page's address (history.replaceState, no reload), so a link or a
// reload opens the same view; a value the page does not know is ignored. An element marked data-pmo-export
// offers the rows shown as CSV and XLSX, written here from the typed rows of the JSON file it names, fetched on the
// click. A table marked data-pmo-rows too (the register) takes its rows from the JSON script that attribute names
// and renders a window of them, so that thousands of rows sort and filter without building thousands of elements.
(function () {
  var RAG = { green: 1, amber: 2, red: 3 };
  var slice = function (list) { return Array.prototype.slice.call(list); };
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
  // Text as it is compared: lower case, without accents ("García" is found by "garcia", "Sørensen" by
  // "sorensen": letters that are no letter plus accent are spelled out).
  var LETTERS = { "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ł": "l", "đ": "d", "ı": "i", "þ": "th", "ð": "d" };
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[øæœßłđıþð]/g, function (letter) { return LETTERS[letter]; });
  }

  // --- the address --------------------------------------------------------------------------------------------
  function given(name) {
    var value = new URLSearchParams(window.location.search).get(name);
    return value === null ? "" : value.slice(0, 200);
  }
  // Writes `state` (name → value, "" for none) into the address, leaving every other parameter as it is.
  function remember(state) {
    var query = new URLSearchParams(window.location.search);
    Object.keys(state).forEach(function (name) {
      if (state[name]) query.set(name, state[name]);
      else query.delete(name);
    });
    var search = query.toString();
    var url = window.location.pathname + (search ? "?" + search : "") + window.location.hash;
    if (url !== window.location.pathname + window.location.search + window.location.hash)
      history.replaceState(history.state, "", url);
  }

  // --- sorting ------------------------------------------------------------------------------------------------
  // The address names a column by its heading ("?sort=finish-desc"); with several sortable tables on a page,
  // each table's parameter carries its id.
  // The column names of the address, from the headings.
  function columnNames(headers) {
    return headers.map(function (th, column) {
      return th.dataset.pmoKey || fold(th.textContent).replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") ||
        String(column + 1);
    });
  }
  // Turns each heading into a button that calls sortBy(column, ascending) and writes the sort into the address
  // (`parameter`, or nowhere when ""); then sorts as the address asks.
  function sortButtons(headers, parameter, sortBy) {
    var names = columnNames(headers);
    function sorted(column, ascending) {
      headers.forEach(function (other) { other.setAttribute("aria-sort", "none"); });
      headers[column].setAttribute("aria-sort", ascending ? "ascending" : "descending");
      sortBy(column, ascending);
    }
    headers.forEach(function (th, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "pmo-sort";
      while (th.firstChild) button.appendChild(th.firstChild); // keeps markup such as an <abbr> tooltip
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        sorted(column, ascending);
        if (parameter) {
          var state = {};
          state[parameter] = names[column] + (ascending ? "-asc" : "-desc");
          remember(state);
        }
      });
    });
    var wanted = parameter && /^(.+)-(asc|desc)$/.exec(given(parameter));
    var column = wanted ? names.indexOf(wanted[1]) : -1;
    if (column >= 0) sorted(column, wanted[2] === "asc");
  }
  function sortable(table, alone) {
    var parameter = alone ? "sort" : table.id ? "sort-" + table.id : "";
    sortButtons(slice(table.querySelectorAll("thead th")), parameter, function (column, ascending) {
      var body = table.tBodies[0];
      var rows = slice(body.rows).map(function (row, index) {
        return { row: row, key: key(row.cells[column]), index: index };
      });
      rows.sort(function (r1, r2) {
        var order = compare(r1.key, r2.key);
        return (ascending ? order : -order) || r1.index - r2.index;
      });
      rows.forEach(function (entry) { body.appendChild(entry.row); });
    });
  }

  // --- the register: rows from JSON, a window of them in the page ----------------------------------------------
  // generator/pages/portfolio.py writes the rows (register_rows): a list per column, the columns of few values as
  // indexes into their lists. Every text from the data goes into the page as text (textContent), never as markup.
  var WINDOW = 50; // rows rendered at a time, as many as the page carries as HTML for a reader without JavaScript
  var views = {}; // table id → the view of a table whose rows are data (filters and downloads ask it)
  var collator = new Intl.Collator(undefined, { sensitivity: "variant" });
  function thousands(whole) {
    return String(Math.abs(whole)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }
  function element(name, className, text) {
    var made = document.createElement(name);
    if (className) made.className = className;
    if (text !== undefined) made.textContent = text;
    return made;
  }
  function rowsView(table) {
    var source = document.getElementById(table.dataset.pmoRows);
    if (!source) return;
    var data = JSON.parse(source.textContent);
    var count = data.id.length;
    function slug(name) { return name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, ""); }
    data.id = data.id.map(function (id, i) { return id === 0 ? slug(data.name[i]) : id; });
    data.programs.forEach(function (program) { if (program[0] === 0) program[0] = slug(program[1]); });
    var day0 = Date.parse(data.as_of);
    function isoDay(days) { return days === null ? "\u2014" : new Date(day0 + days * 86400000).toISOString().slice(0, 10); }
    var headers = slice(table.querySelectorAll("thead th"));
    var labels = headers.map(function (th) { return th.textContent.replace(/\s+/g, " ").trim(); });
    var pmoOnly = new Set(data.pmo_only);
    function money(whole) {
      if (whole === null) return "n/a";
      return (whole < 0 ? "\u2212" : "") + data.currency[0] + thousands(whole) + data.currency[1];
    }
    // What each column shows, as text: what the Find box searches and the text columns sort by.
    var shown = [
      function (i) { return data.name[i]; },
      function (i) { return data.id[i]; },
      function (i) { return data.programs[data.program[i]][1]; },
      function (i) { return data.phases[data.phase[i]][1]; },
      function (i) { return data.managers[data.manager[i]]; },
      function (i) { var rag = data.rag[i]; return rag === null ? "n/a" : data.rags[rag].replace(/^./, function (c) { return c.toUpperCase(); }); },
      function (i) { return isoDay(data.finish[i]); },
      function (i) { return isoDay(data.forecast[i]); },
      function (i) { return money(data.budget[i]); },
      function (i) { return data.complete[i] === null ? "n/a" : data.complete[i] + " %"; },
    ];
    // Sort keys: numbers and ISO dates as they are, RAG by severity, text by the reader's collation (ranked once
    // per column, so a sort compares numbers); null (n/a, no date) last going up, first going down.
    var direct = { 5: data.rag, 6: data.finish, 7: data.forecast, 8: data.budget, 9: data.complete };
    var ranks = {};
    function sortKeys(column) {
      if (direct[column]) return direct[column];
      if (!ranks[column]) {
        var texts = [];
        for (var i = 0; i < count; i++) texts.push(shown[column](i));
        var distinct = Array.from(new Set(texts)).sort(collator.compare);
        var rank = new Map(distinct.map(function (text, n) { return [text, n]; }));
        ranks[column] = texts.map(function (text) { return rank.get(text); });
      }
      return ranks[column];
    }
    var order = [];
    for (var i = 0; i < count; i++) order.push(i);
    var kept = order, limit = WINDOW, texts = null;
    var criteria = { choices: {}, words: [] };
    function sortBy(column, ascending) {
      var keys = sortKeys(column), sign = ascending ? 1 : -1;
      order = order.slice().sort(function (a, b) {
        var x = keys[a], y = keys[b];
        if (x === y) return a - b;
        if (x === null) return sign;
        if (y === null) return -sign;
        return (x < y ? -1 : 1) * sign || a - b;
      });
      select();
    }
    function rowText(i) {
      if (texts === null) texts = [];
      if (texts[i] === undefined)
        texts[i] = fold(shown.map(function (show) { return show(i); }).join(" ") + (pmoOnly.has(i) ? " pmo only" : ""));
      return texts[i];
    }
    // While the reader looks at the first rows, the browser prepares what the first sort by name and the first
    // word in the Find box need, a slice at a time, so that neither waits for it.
    var idle = window.requestIdleCallback || function (work) { return setTimeout(work, 50); };
    var prepared = 0;
    function prepare() {
      var end = Math.min(prepared + 500, count);
      for (; prepared < end; prepared++) rowText(prepared);
      if (prepared < count) idle(prepare);
      else sortKeys(0);
    }
    idle(prepare);
    var RAG_VALUES = data.rags.concat(["n/a"]);
    function matches(i) {
      var choices = criteria.choices;
      if (choices.program && data.programs[data.program[i]][0] !== choices.program) return false;
      if (choices.phase && data.phases[data.phase[i]][0] !== choices.phase) return false;
      if (choices.rag && RAG_VALUES[data.rag[i] === null ? data.rags.length : data.rag[i]] !== choices.rag)
        return false;
      if (!criteria.words.length) return true;
      var text = rowText(i);
      return criteria.words.every(function (word) { return text.indexOf(word) >= 0; });
    }
    function select() {
      kept = order.filter(matches);
      limit = WINDOW;
      render();
    }
    // A window's rows are made once and refilled when the rows are sorted or filtered: new texts cost the browser a
    // layout, new elements a style computation each as well (a window of 50 rows is some 1,250 elements).
    var TEXT_COLUMNS = [3, 4, 6, 7, 8, 9];
    function slot(parent) { return parent.appendChild(document.createTextNode("")); }
    function blank() {
      var tr = document.createElement("tr");
      var boxes = labels.map(function (label) {
        var td = tr.appendChild(document.createElement("td"));
        td.setAttribute("data-label", label); // layout.js's labels and box, for the cards of a phone
        return td.appendChild(element("span", "pmo-cell"));
      });
      var name = boxes[0].appendChild(element("a"));
      var programLink = element("a");
      var rag = boxes[5].appendChild(element("span"));
      tr.pmoParts = {
        name: name, nameText: slot(name), space: document.createTextNode(" "),
        badge: element("span", "pmo-only", "pmo only"),
        id: slot(boxes[1].appendChild(element("code"))),
        program: boxes[2], programLink: programLink, programLinkText: slot(programLink),
        programText: document.createTextNode(""),
        rag: rag, ragText: slot(rag),
        texts: TEXT_COLUMNS.map(function (column) { return slot(boxes[column]); }),
      };
      return tr;
    }
    function fill(tr, i) {
      var parts = tr.pmoParts, id = data.id[i];
      tr.dataset.pmoId = id;
      parts.name.setAttribute("href", data.up + "projects/" + id + "/");
      parts.nameText.nodeValue = data.name[i];
      var only = pmoOnly.has(i);
      if (only && !parts.badge.parentNode) parts.name.after(parts.space, parts.badge);
      if (!only && parts.badge.parentNode) { parts.space.remove(); parts.badge.remove(); }
      parts.id.nodeValue = id;
      var program = data.programs[data.program[i]];
      if (program[2]) {
        parts.programLink.setAttribute("href", data.up + "programs/" + program[0] + "/");
        parts.programLinkText.nodeValue = program[1];
      } else parts.programText.nodeValue = program[1];
      var programShown = program[2] ? parts.programLink : parts.programText;
      if (parts.program.firstChild !== programShown) parts.program.replaceChildren(programShown);
      var rag = data.rag[i], ragClass = "pmo-rag pmo-rag-" + (rag === null ? "none" : data.rags[rag]);
      if (parts.rag.className !== ragClass) parts.rag.className = ragClass;
      parts.ragText.nodeValue = shown[5](i);
      TEXT_COLUMNS.forEach(function (column, n) { parts.texts[n].nodeValue = shown[column](i); });
      return tr;
    }
    var more = document.getElementById("pmo-register-more");
    var output = null; // the filter form's count, when the page has one
    // The rows kept up to `limit` (all of them when `everything`), from row `from` on (a "Show more" leaves the rows
    // before it as they are). The page's own rows, which a reader without JavaScript sees, are replaced at first.
    function render(everything, from) {
      var body = table.tBodies[0];
      if (!body.pmoRows) { body.replaceChildren(); body.pmoRows = true; }
      var end = everything ? kept.length : Math.min(limit, kept.length);
      var n = from || 0, rows = body.rows;
      for (; n < end && n < rows.length; n++) fill(rows[n], kept[n]);
      var fragment = document.createDocumentFragment();
      for (; n < end; n++) fragment.appendChild(fill(blank(), kept[n]));
      body.appendChild(fragment);
      while (rows.length > end) body.deleteRow(-1);
      var label = end === kept.length ? end + " shown" : end + " of " + kept.length + " shown";
      if (output) output.textContent = label;
      if (more) showMore(end);
    }
    function showMore(end) {
      more.replaceChildren();
      more.hidden = end >= kept.length;
      if (more.hidden) return;
      var step = Math.min(WINDOW, kept.length - end);
      var button = element("button", "pmo-download", "Show " + step + " more");
      button.type = "button";
      button.addEventListener("click", function () {
        limit += WINDOW;
        render(false, end);
        // the button gone (every row shown): the keyboard goes on from the first new row
        var next = table.tBodies[0].rows[end];
        if (more.hidden && next) next.querySelector("a").focus();
        else more.querySelector("button").focus();
      });
      more.append(end + " of " + kept.length + " rows shown. ", button);
    }
    // Printing puts every row kept on paper, then the window again.
    window.addEventListener("beforeprint", function () { render(true); });
    window.addEventListener("afterprint", function () { render(); });
    sortButtons(headers, "sort", sortBy);
    views[table.id] = {
      filter: function (choices, words, count) {
        criteria = { choices: choices, words: words };
        output = count;
        select();
        return kept.length;
      },
      ids: function () { return kept.map(function (i) { return data.id[i]; }); },
    };
    render();
  }

  // --- filtering ----------------------------------------------------------------------------------------------
  var texts = new WeakMap();
  // The words a row shows, folded, once per row: without the reasons of n/a, read only by screen readers.
  function rowText(row) {
    var text = texts.get(row);
    if (text === undefined) {
      var parts = [];
      var walker = document.createTreeWalker(row, NodeFilter.SHOW_TEXT);
      while (walker.nextNode()) {
        var parent = walker.currentNode.parentElement;
        if (!(parent && parent.closest(".pmo-na-why"))) parts.push(walker.currentNode.nodeValue);
      }
      text = fold(parts.join(" "));
      texts.set(row, text);
    }
    return text;
  }
  function filters(form) {
    // data-pmo-filters names one table or several (ids separated by spaces); a table that keeps no row is
    // hidden, with the heading its data-pmo-heading names.
    var tables = form.dataset.pmoFilters.split(/\s+/).map(function (id) { return document.getElementById(id); })
      .filter(Boolean);
    if (!tables.length) return;
    var count = form.querySelector("output");
    var query = form.querySelector("input[type=search]");
    var selects = slice(form.querySelectorAll("select"));
    function apply() {
      var shown = 0;
      var words = query ? fold(query.value).split(/\s+/).filter(Boolean) : [];
      var choices = {};
      selects.forEach(function (select) { choices[select.name] = select.value; });
      tables.forEach(function (table) {
        if (views[table.id]) {
          shown += views[table.id].filter(choices, words, tables.length === 1 ? count : null);
          return;
        }
        var kept = 0;
        // the words of a table's heading (a category of lessons) belong to each of its rows
        var heading = table.dataset.pmoHeading && document.getElementById(table.dataset.pmoHeading);
        var context = heading ? " " + fold(heading.textContent) : "";
        slice(table.tBodies[0].rows).forEach(function (row) {
          var keep = selects.every(function (select) {
            return !select.value || row.dataset[select.name] === select.value;
          });
          if (keep && words.length) {
            var text = rowText(row) + context;
            keep = words.every(function (word) { return text.indexOf(word) >= 0; });
          }
          row.hidden = !keep;
          if (keep) kept += 1;
        });
        if (tables.length > 1) {
          table.hidden = !kept;
          if (heading) heading.hidden = !kept;
        }
        shown += kept;
      });
      if (count && !(tables.length === 1 && views[tables[0].id])) count.textContent = shown + " shown";
    }
    function state() {
      var choices = {};
      selects.forEach(function (select) { choices[select.name] = select.value; });
      if (query && query.name) choices[query.name] = query.value.trim() ? query.value : "";
      return choices;
    }
    // The address's choices: only a value one of the lists offers (compared as text, never put into a selector
    // or the page's markup); the search box takes any text, as its value.
    selects.forEach(function (select) {
      var wanted = given(select.name);
      var known = slice(select.options).some(function (option) { return option.value === wanted; });
      select.value = known ? wanted : "";
    });
    if (query && query.name) query.value = given(query.name);
    var pending = 0;
    function typed() {
      apply();
      clearTimeout(pending); // typing: one address per pause, not one per key
      pending = setTimeout(function () { remember(state()); }, 150);
    }
    function changed() { // a list chosen, or the box left (a click on a link): the address at once
      clearTimeout(pending);
      apply();
      remember(state());
    }
    form.addEventListener("change", changed);
    form.addEventListener("input", typed);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    apply();
    remember(state()); // drops what the lists do not know
  }

  // --- downloads of the rows shown ----------------------------------------------------------------------------
  // The cells as generator/export.py writes them: the same columns, values and formula guard.
  function pythonNumber(x) {
    // repr() of a Python number: integers in full, scientific notation below 1e-4 with a two-digit exponent
    if (Number.isInteger(x)) return Math.abs(x) < 1e21 ? String(x) : BigInt(x).toString();
    if (Math.abs(x) >= 1e-4) return String(x);
    var parts = x.toExponential().split("e");
    var exponent = Math.abs(parseInt(parts[1], 10));
    return parts[0] + "e" + (parts[1].charAt(0) === "-" ? "-" : "+") + (exponent < 10 ? "0" : "") + exponent;
  }
  function csvText(data, rows) {
    function cell(value, column) {
      if (value === null || value === undefined) return "";
      if (typeof value === "boolean") return value ? "true" : "false";
      if (typeof value === "number") return pythonNumber(value);
      var text = String(value);
      // a spreadsheet reads a cell starting with = + - @ tab or CR as a formula: an apostrophe makes it text
      if (data.kinds[column] === "text" && text && data.formula_start.indexOf(text.charAt(0)) >= 0) text = "'" + text;
      return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
    }
    var lines = rows.map(function (row) { return row.map(cell).join(","); });
    return [data.columns.join(",")].concat(lines).join("\r\n") + "\r\n";
  }

  var XML_UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g; // not allowed in XML: U+FFFD
  function xml(text) {
    return String(text).replace(XML_UNSAFE, "\ufffd").replace(/&/g, "&amp;").replace(/</g, "&lt;")
      .replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }
  function letters(column) {
    var name = "";
    for (var n = column + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
    return name;
  }
  var MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
  var RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
  var PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships";
  var BUILT_IN = { "0": 1, "0.00": 2, "#,##0": 3 }; // Excel's own number formats; the others get ids from 164
  // A workbook of one sheet, as export.to_xlsx writes it: a bold, frozen header row with an autofilter, typed
  // cells (text is always text, never a formula), dates as dates, undefined left empty.
  // This mirrors generator/xlsx_writer.py part for part, byte for byte (tests/test_xlsx_writer.py runs both):
  // change one, change the other.
  function workbook(data, rows, sheet) {
    var styles = { bold: 1 };
    var formats = [], custom = [];
    Object.keys(data.formats).forEach(function (kind) {
      var code = data.formats[kind];
      var id = BUILT_IN[code] || 164 + custom.length;
      if (!BUILT_IN[code]) custom.push('<numFmt numFmtId="' + id + '" formatCode="' + xml(code) + '"/>');
      styles[kind] = 2 + formats.length;
      formats.push('<xf numFmtId="' + id + '" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>');
    });
    var widths = data.columns.map(function (name) { return name.length + 2; });
    function cell(value, column, row) {
      if (value === null || value === undefined) return "";
      var kind = data.kinds[column], ref = ' r="' + letters(column) + row + '"';
      var style = styles[kind] ? ' s="' + styles[kind] + '"' : "";
      var shown = String(value);
      if (typeof value === "number") shown = value.toLocaleString("en-US", { maximumFractionDigits: 6 });
      // characters, as Python counts them (an emoji is one, not two)
      widths[column] = Math.max(widths[column], Array.from(shown).length);
      if (typeof value === "boolean") return "<c" + ref + ' t="b"><v>' + (value ? 1 : 0) + "</v></c>";
      if (typeof value === "number") return "<c" + ref + style + "><v>" + pythonNumber(value) + "</v></c>";
      if (kind === "date") {
        var day = Date.UTC(+value.slice(0, 4), +value.slice(5, 7) - 1, +value.slice(8, 10)) / 86400000 + 25569;
        return "<c" + ref + style + "><v>" + day + "</v></c>";
      }
      if (shown.length > 32767) shown = Array.from(shown).slice(0, 32767).join(""); // Excel's most in a cell
      return "<c" + ref + ' t="inlineStr"><is><t xml:space="preserve">' + xml(shown) + "</t></is></c>";
    }
    var header = data.columns.map(function (name, column) {
      return "<c" + ' r="' + letters(column) + '1" s="1" t="inlineStr"><is><t>' + xml(name) + "</t></is></c>";
    }).join("");
    var body = rows.map(function (values, index) {
      return '<row r="' + (index + 2) + '">' + values.map(function (v, c) { return cell(v, c, index + 2); }).join("") +
        "</row>";
    }).join("");
    var last = letters(data.columns.length - 1);
    var cols = widths.map(function (width, column) {
      var n = column + 1;
      return '<col min="' + n + '" max="' + n + '" width="' + Math.min(Math.max(width + 2, 8), 50) + '" customWidth="1"/>';
    }).join("");
    var head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
    var range = "$A$1:$" + last + "$" + (rows.length + 1);
    var stamp = data.as_of + "T00:00:00Z"; // the properties' times are as_of's, never the clock
    return [
      ["[Content_Types].xml", head + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/docProps/core.xml" ' +
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>' +
        '<Override PartName="/xl/workbook.xml" ' +
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
        '<Override PartName="/xl/worksheets/sheet1.xml" ' +
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
        '<Override PartName="/xl/styles.xml" ' +
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'],
      ["_rels/.rels", head + '<Relationships xmlns="' + PACKAGE + '"><Relationship Id="rId1" Type="' + RELS +
        '/officeDocument" Target="xl/workbook.xml"/><Relationship Id="rId2" Type="' + PACKAGE +
        '/metadata/core-properties" Target="docProps/core.xml"/></Relationships>'],
      ["docProps/core.xml", head + '<cp:coreProperties ' +
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ' +
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ' +
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>' + xml(data.title) + "</dc:title>" +
        '<dc:creator>pmo-portfolio</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">' + stamp +
        '</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">' + stamp +
        "</dcterms:modified></cp:coreProperties>"],
      ["xl/workbook.xml", head + '<workbook xmlns="' + MAIN + '" xmlns:r="' + RELS + '"><sheets><sheet name="' +
        xml(sheet) + '" sheetId="1" r:id="rId1"/></sheets><definedNames><definedName name="_xlnm._FilterDatabase" ' +
        'localSheetId="0" hidden="1">\'' + xml(sheet.replace(/'/g, "''")) + "'!" + range +
        "</definedName></definedNames></workbook>"],
      ["xl/_rels/workbook.xml.rels", head + '<Relationships xmlns="' + PACKAGE + '"><Relationship Id="rId1" Type="' +
        RELS + '/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="' + RELS +
        '/styles" Target="styles.xml"/></Relationships>'],
      ["xl/styles.xml", head + '<styleSheet xmlns="' + MAIN + '"><numFmts count="' + custom.length + '">' +
        custom.join("") + '</numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/>' +
        '<sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/>' +
        '</fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/>' +
        '<top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" ' +
        'fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="' + (2 + formats.length) + '"><xf numFmtId="0" ' +
        'fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" ' +
        'xfId="0" applyFont="1"/>' + formats.join("") + '</cellXfs><cellStyles count="1"><cellStyle ' +
        'name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'],
      ["xl/worksheets/sheet1.xml", head + '<worksheet xmlns="' + MAIN + '" xmlns:r="' + RELS + '"><dimension ref="A1:' +
        last + (rows.length + 1) + '"/><sheetViews>' +
        '<sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' +
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews><cols>' + cols +
        '</cols><sheetData><row r="1">' + header + "</row>" + body + '</sheetData><autoFilter ref="A1:' + last +
        (rows.length + 1) + '"/></worksheet>'],
    ];
  }

  // A zip archive of stored (uncompressed) files, each with its CRC-32, all dated `day` (YYYY-MM-DD).
  var CRC = [];
  for (var n = 0; n < 256; n++) {
    var c = n;
    for (var k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    CRC[n] = c >>> 0;
  }
  function crc32(bytes) {
    var crc = 0xffffffff;
    for (var i = 0; i < bytes.length; i++) crc = CRC[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
    return (crc ^ 0xffffffff) >>> 0;
  }
  function zip(files, day) {
    var encoder = new TextEncoder();
    var date = ((Math.max(+day.slice(0, 4), 1980) - 1980) << 9) | (+day.slice(5, 7) << 5) | +day.slice(8, 10);
    var parts = [], directory = [], offset = 0;
    function record(size, fields) { // fields: [bytes, value] pairs, little-endian
      var view = new DataView(new ArrayBuffer(size)), at = 0;
      fields.forEach(function (field) {
        if (field[0] === 4) view.setUint32(at, field[1], true);
        else view.setUint16(at, field[1], true);
        at += field[0];
      });
      return new Uint8Array(view.buffer);
    }
    files.forEach(function (file) {
      var name = encoder.encode(file[0]), data = encoder.encode(file[1]), crc = crc32(data);
      var common = [[2, 20], [2, 0], [2, 0], [2, 0], [2, date], [4, crc], [4, data.length], [4, data.length],
        [2, name.length], [2, 0]];
      parts.push(record(30, [[4, 0x04034b50]].concat(common)), name, data);
      directory.push(record(46, [[4, 0x02014b50], [2, 20]].concat(common, [[2, 0], [2, 0], [2, 0], [4, 0],
        [4, offset]])), name);
      offset += 30 + name.length + data.length;
    });
    var size = directory.reduce(function (total, part) { return total + part.length; }, 0);
    var end = record(22, [[4, 0x06054b50], [2, 0], [2, 0], [2, files.length], [2, files.length], [4, size],
      [4, offset], [2, 0]]);
    return parts.concat(directory, [end]);
  }

  function save(parts, type, name) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob(parts, { type: type }));
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 60000);
  }
  function exporter(box) {
    var table = document.getElementById(box.dataset.pmoExport);
    var view = table && views[table.id];
    if (!view || !box.dataset.pmoSource) return;
    var name = box.dataset.pmoName || "table";
    var typed = null; // the typed rows, fetched once, on the first click: a visit never loads them
    function load() {
      typed = typed || fetch(box.dataset.pmoSource).then(function (response) {
        if (!response.ok) throw new Error(response.status + " " + response.statusText);
        return response.json();
      }).then(function (data) {
        var id = data.columns.indexOf("id"), byId = new Map();
        data.rows.forEach(function (row) { byId.set(row[id], row); });
        return { data: data, byId: byId };
      });
      typed.catch(function () { typed = null; }); // a failed fetch is tried again on the next click
      return typed;
    }
    box.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-pmo-format]");
      if (!button) return;
      var ids = view.ids();
      load().then(function (found) {
        var data = found.data;
        var rows = ids.map(function (id) { return found.byId.get(id); }).filter(Boolean);
        if (button.dataset.pmoFormat === "csv")
          save([csvText(data, rows)], "text/csv;charset=utf-8", name + ".csv");
        else
          save(zip(workbook(data, rows, "Register"), data.as_of),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name + ".xlsx");
      }, function (error) {
        button.title = "Not downloaded: " + error.message;
      });
    });
    box.hidden = false;
  }

  function init() {
    var tables = document.querySelectorAll("table[data-pmo-sortable]:not([data-pmo-rows])");
    tables.forEach(function (table) { sortable(table, tables.length === 1); });
    document.querySelectorAll("table[data-pmo-rows]").forEach(rowsView);
    document.querySelectorAll("form[data-pmo-filters]").forEach(filters);
    document.querySelectorAll("[data-pmo-export]").forEach(exporter);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
