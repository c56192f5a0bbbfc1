// Souk: a drop's opening time becomes a live countdown in the visitor's own time zone. Without
// this script the page still shows the time in UTC.
(function () {
  "use strict";
  var el = document.querySelector("time[data-countdown]");
  if (!el) return;
  var at = Date.parse(el.getAttribute("datetime"));
  if (isNaN(at)) return;
  var waited = false;
  var live = document.createElement("span");
  // The paragraph is a status region: the ticking seconds are not read out every second.
  live.setAttribute("aria-hidden", "true");
  live.className = "countdown";
  el.textContent = new Date(at).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
  el.parentNode.insertBefore(live, el.nextSibling);
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function tick() {
    var left = Math.floor((at - Date.now()) / 1000);
    if (left <= 0) {
      // Reload once, so "Add to cart" appears; never in a loop if this device's clock runs fast.
      if (waited) location.reload();
      return;
    }
    waited = true;
    var d = Math.floor(left / 86400), h = Math.floor((left % 86400) / 3600);
    var m = Math.floor((left % 3600) / 60), s = left % 60;
    live.textContent = " · in " + (d ? d + "d " : "") + pad(h) + ":" + pad(m) + ":" + pad(s);
    setTimeout(tick, 1000);
  }
  tick();
})();
