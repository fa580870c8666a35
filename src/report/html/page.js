"use strict";
// zetl-preflight's report: the content is HTML; this only filters, sorts and copies.
(function () {
  var table = document.getElementById("fleet-table");
  var filters = document.getElementById("filters");
  if (table && filters) {
    filters.hidden = false;
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var selects = filters.querySelectorAll("select");
    var shown = document.getElementById("shown");
    var apply = function () {
      var visible = 0;
      rows.forEach(function (row) {
        var keep = Array.prototype.every.call(selects, function (s) {
          if (!s.value) { return true; }
          var have = (row.getAttribute("data-" + s.name) || "").split(" ");
          return have.indexOf(s.value) >= 0;
        });
        row.classList.toggle("hidden", !keep);
        var section = document.getElementById(row.getAttribute("data-pair"));
        if (section) { section.classList.toggle("hidden", !keep); }
        if (keep) { visible += 1; }
      });
      if (shown) { shown.textContent = visible + " of " + rows.length + " shown"; }
    };
    Array.prototype.forEach.call(selects, function (s) { s.addEventListener("change", apply); });
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, column) {
      var button = th.querySelector("button");
      if (!button) { return; }
      button.addEventListener("click", function () {
        var up = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", up ? "ascending" : "descending");
        var key = function (row) { return row.cells[column].getAttribute("data-sort") || row.cells[column].textContent; };
        rows.sort(function (a, b) {
          var x = key(a), y = key(b);
          var nx = parseFloat(x), ny = parseFloat(y);
          var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
          return up ? c : -c;
        });
        rows.forEach(function (row) { table.tBodies[0].appendChild(row); });
      });
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("button.copy"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var code = document.getElementById(button.getAttribute("data-for"));
      if (!code || !navigator.clipboard) { return; }
      navigator.clipboard.writeText(code.textContent).then(function () {
        button.textContent = "Copied";
      }, function () {
        button.textContent = "Select and copy";
      });
    });
  });
})();
