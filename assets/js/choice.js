// Souk: on a product page, each tap on a size, colour… chip shows that variant at once: price,
// stock, photo, SKU, the per-order limit and the WhatsApp link, and "Add to cart" is turned off
// for a combination that is sold out or not made. The chips are inputs of the add-to-cart form
// itself, so without this script what is added is still exactly what is chosen.
(function () {
  "use strict";
  var data = document.getElementById("variants");
  var form = document.querySelector("form[data-choice]");
  if (!data || !form) return;
  var variants = JSON.parse(data.textContent);
  var $ = function (css) { return document.querySelector(css); };
  var price = $(".buy .price"), stock = $(".buy .stock"), sku = $(".buy .sku"), limit = $(".buy .limit");
  var ask = $("a.ask"), qty = form.querySelector("#qty"), add = form.querySelector("button.primary");
  var gallery = $(".gallery");
  var photos = gallery ? Array.prototype.slice.call(gallery.querySelectorAll("img")) : [];
  var chips = Array.prototype.slice.call(form.querySelectorAll("input.chip"));
  // Only the options the form asks about decide the variant, as on the server.
  var named = [0, 1, 2].filter(function (i) { return form.querySelector('input[name="o' + (i + 1) + '"]'); });
  var show = form.querySelector("button.show");
  if (show) show.hidden = true;

  function chosen() {
    return [0, 1, 2].map(function (i) {
      var el = form.querySelector('input[name="o' + (i + 1) + '"]:checked');
      return el ? el.value : "";
    });
  }
  function matches(v, values, except) {
    return named.every(function (i) { return i === except || v.options[i] === values[i]; });
  }
  function photoId(img) {
    var m = /\/img\/(\d+)\//.exec(img.getAttribute("src") || "");
    return m ? Number(m[1]) : 0;
  }

  function update(tapped) {
    var values = chosen();
    var v = variants.filter(function (w) { return matches(w, values, -1); })[0];
    if (price) {
      while (price.firstChild) price.removeChild(price.firstChild);
      if (v) {
        var now = document.createElement("span");
        now.className = "now";
        now.textContent = v.price;
        price.appendChild(now);
        if (v.was) {
          var was = document.createElement("s");
          was.className = "was";
          was.textContent = v.was;
          price.appendChild(document.createTextNode(" "));
          price.appendChild(was);
        }
      }
    }
    if (stock) {
      var text = v ? v.stock : "Not made in this combination: choose another.";
      stock.textContent = text;
      stock.className = "stock " + (v ? v.level : "out");
      stock.hidden = !text;
    }
    if (sku) sku.textContent = v ? "SKU " + v.sku : "";
    if (limit) {
      limit.textContent = v ? v.limit : "";
      limit.hidden = !(v && v.limit);
    }
    if (qty && v) qty.max = v.max;
    if (add) add.disabled = !(v && v.sellable);
    if (ask && v && v.ask) ask.href = v.ask;
    if (gallery && v && v.images.length) {
      var first = photos.filter(function (img) { return v.images.indexOf(photoId(img)) >= 0; });
      first.concat(photos.filter(function (img) { return first.indexOf(img) < 0; }))
        .forEach(function (img) { gallery.appendChild(img); });
    }
    chips.forEach(function (chip) {
      var i = Number(chip.name.slice(1)) - 1;
      var soldOut = !variants.some(function (w) {
        return w.options[i] === chip.value && w.sellable && matches(w, values, i);
      });
      var label = form.querySelector('label[for="' + chip.id + '"]');
      if (!label) return;
      label.classList.toggle("sold-out", soldOut);
      var note = label.querySelector(".visually-hidden");
      if (soldOut && !note) {
        note = document.createElement("span");
        note.className = "visually-hidden";
        note.textContent = " (sold out)";
        label.appendChild(note);
      } else if (!soldOut && note) {
        label.removeChild(note);
      }
    });
    if (tapped && v && window.history.replaceState) {
      // The address names the variant shown, so a shared or reloaded link opens it.
      var params = new URLSearchParams(location.search);
      ["o1", "o2", "o3", "product", "quantity", "variant"].forEach(function (k) { params.delete(k); });
      params.set("variant", v.sku);
      history.replaceState(null, "", location.pathname + "?" + params.toString());
    }
  }

  form.addEventListener("change", function (e) {
    if (e.target.classList.contains("chip")) update(true);
  });
  update(false);
})();
