// Souk: the checkout's "To pay" follows the form (issue 11). When the way of delivery, the address
// or the discount code change, or "Apply code" is pressed, the server prices the form as typed
// (POST /checkout/quote, which places nothing) and the totals, the note on the delivery fee and
// the code's message are shown at once. Without this script "Apply code" reloads the page with
// the same; placing always prices the order again on the server.
(function () {
  "use strict";
  var form = document.querySelector("form.checkout");
  var lines = document.getElementById("quote-lines");
  var total = document.getElementById("quote-total");
  var note = document.getElementById("quote-note");
  var code = document.getElementById("f-discount_code");
  if (!form || !lines || !total || !note || !code || !window.fetch || !window.URLSearchParams) return;
  var asked = 0, timer = 0;
  var address = { city: 1, region: 1, postal_code: 1 };

  function codeMessage(message) {
    var field = code.closest(".field");
    var id = "f-discount_code-error";
    var p = document.getElementById(id);
    if (message) {
      if (!p) {
        p = document.createElement("p");
        p.className = "error";
        p.id = id;
        field.appendChild(p);
      }
      p.textContent = message;
      code.setAttribute("aria-invalid", "true");
      code.setAttribute("aria-describedby", id);
      field.classList.add("invalid");
    } else {
      if (p) p.parentNode.removeChild(p);
      code.removeAttribute("aria-invalid");
      code.removeAttribute("aria-describedby");
      field.classList.remove("invalid");
    }
  }

  function show(q) {
    while (lines.firstChild) lines.removeChild(lines.firstChild);
    q.lines.forEach(function (l) {
      var dt = document.createElement("dt"), dd = document.createElement("dd");
      dt.textContent = l.label;
      dd.textContent = l.value;
      lines.appendChild(dt);
      lines.appendChild(dd);
    });
    total.textContent = q.total;
    note.textContent = q.note || "";
    note.hidden = !q.note;
    codeMessage(q.discount_error);
  }

  function refresh() {
    clearTimeout(timer);
    var mine = ++asked;
    var body = new URLSearchParams(new FormData(form));
    body.delete("apply");
    fetch("/checkout/quote", {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
      // Only the answer to the latest question is shown.
      .then(function (q) { if (mine === asked) show(q); })
      .catch(function () {});
  }

  form.addEventListener("change", function (e) {
    var name = e.target && e.target.name;
    if (name === "delivery" || name === "discount_code" || address[name]) refresh();
  });
  // An address is priced while it is typed, after a pause; a code only when it is applied or left.
  form.addEventListener("input", function (e) {
    if (e.target && address[e.target.name]) {
      clearTimeout(timer);
      timer = setTimeout(refresh, 400);
    }
  });
  // "Apply code", or Enter in a field (this form's first button): priced here, nothing is sent.
  form.addEventListener("submit", function (e) {
    if (e.submitter && e.submitter.name === "apply") {
      e.preventDefault();
      refresh();
    }
  });
})();
