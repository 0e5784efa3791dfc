// Keeps a copy of the application form in this browser while the user types, so nothing is lost when the
// session times out, the network drops or the user leaves for the upload form. Each copy remembers which saved
// version of the draft it was typed on (data-saved-at); once the server holds a newer version the copy is dropped.
// No clocks are compared, so a browser with a wrong clock loses nothing either.
(function () {
  "use strict";
  var form = document.getElementById("application-form");
  if (!form || !window.localStorage) { return; }
  var key = "draft:" + form.getAttribute("data-draft-key");
  var savedAt = form.getAttribute("data-saved-at") || "";
  var banner = document.getElementById("draft-restore");

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && el.type !== "file" && el.type !== "submit" && el.type !== "hidden";
    });
  }
  function snapshot() {
    var values = {};
    fields().forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) { values[el.name + "=" + el.value] = true; }
      } else {
        values[el.name] = el.value;
      }
    });
    return values;
  }
  function restore(values) {
    fields().forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = Boolean(values[el.name + "=" + el.value]);
      } else if (Object.prototype.hasOwnProperty.call(values, el.name)) {
        el.value = values[el.name];
        el.dispatchEvent(new Event("input", { bubbles: true }));
      }
    });
  }
  function store() {
    try {
      window.localStorage.setItem(key, JSON.stringify({ base: savedAt, values: snapshot() }));
    } catch (e) { /* storage full or disabled: the server copy still exists */ }
  }

  function differs(values) {
    return JSON.stringify(values) !== JSON.stringify(snapshot());
  }
  var kept = null;
  try { kept = JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { kept = null; }
  if (kept && kept.base === savedAt && differs(kept.values)) {
    restore(kept.values);
    if (banner) { banner.hidden = false; }
  } else if (kept && kept.base !== savedAt) {
    window.localStorage.removeItem(key);
  }
  var timer = null;
  form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(store, 400); });
  form.addEventListener("change", store);
  if (banner) {
    banner.addEventListener("click", function (event) {
      if (event.target.hasAttribute("data-draft-discard")) {
        window.localStorage.removeItem(key);
        window.location.reload();
      }
    });
  }
})();
