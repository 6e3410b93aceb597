// Progressive enhancement: hovering or focusing a figure in the text
// highlights the table cell it comes from. Without JavaScript the link still
// jumps to the cell, and :target highlights it.
(function () {
  "use strict";
  function toggle(event, on) {
    var link = event.target.closest ? event.target.closest("[data-cell]") : null;
    if (!link) return;
    var cell = document.getElementById(link.getAttribute("data-cell"));
    if (cell) cell.classList.toggle("linked", on);
  }
  ["mouseover", "focusin"].forEach(function (type) {
    document.addEventListener(type, function (e) { toggle(e, true); });
  });
  ["mouseout", "focusout"].forEach(function (type) {
    document.addEventListener(type, function (e) { toggle(e, false); });
  });
})();
