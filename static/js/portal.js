// Small enhancements, loaded as a file (CSP forbids inline script). Everything works without it.
(function () {
  "use strict";
  var root = document.documentElement;
  var KEY = "portal-font-size";

  function applyFontSize(size) {
    if (size === "medium" || !size) { root.removeAttribute("data-font-size"); } else { root.setAttribute("data-font-size", size); }
  }
  try { applyFontSize(window.localStorage.getItem(KEY)); } catch (e) { /* storage may be disabled */ }

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-font-size], [data-print]");
    if (!target) { return; }
    if (target.hasAttribute("data-print")) { window.print(); return; }
    var size = target.getAttribute("data-font-size");
    applyFontSize(size);
    try { window.localStorage.setItem(KEY, size); } catch (e) { /* ignore */ }
  });

  // A form, or the button that sends it, with data-confirm asks before it is sent (submit, publish, revoke …).
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = (button && button.getAttribute("data-confirm")) || event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });

  // Live character counter: <textarea data-maxchars="1000"> gets "已输入 n / 1000 字".
  function updateCounter(field) {
    var counter = document.getElementById(field.id + "_counter");
    if (!counter) { return; }
    var count = Array.from(field.value.replace(/\r\n/g, "\n")).length;
    var max = parseInt(field.getAttribute("data-maxchars"), 10);
    counter.textContent = counter.getAttribute("data-template").replace("{count}", count).replace("{max}", max);
    counter.classList.toggle("is-over", count > max);
  }
  document.querySelectorAll("textarea[data-maxchars]").forEach(function (field) {
    updateCounter(field);
    field.addEventListener("input", function () { updateCounter(field); });
  });
})();
