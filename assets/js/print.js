// Souk: the "Print" button of a packing slip or receipt. Without this script the browser's own
// Print menu does the same.
(function () {
  "use strict";
  var button = document.querySelector("[data-print]");
  if (!button) return;
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
})();
