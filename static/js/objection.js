// The public objection form and its receipt (issue 13), loaded as a file (CSP forbids inline script).
// Its messages come from the page (data-* attributes, translated there). Everything works without it: every field
// is shown, the CAPTCHA is the one drawn with the page, and the receipt's codes and link are plain text to copy.
(function () {
  "use strict";

  // Fields for one kind of objector (data-objector-only="organisation" or "person") are shown only when that kind
  // is chosen. A hidden field is also disabled, so nothing in it (a seal chosen before switching) is sent.
  function objectorFields(form) {
    var radios = form.querySelectorAll('input[name="objector_type"]');
    var inputs = form.querySelectorAll("[data-objector-only]");
    if (!radios.length || !inputs.length) { return; }
    // A field the server found wrong stays in sight, whatever kind is chosen, until the kind is changed.
    var keep = Array.prototype.filter.call(inputs, function (input) {
      return input.closest(".field--error") !== null;
    });

    function update() {
      var checked = form.querySelector('input[name="objector_type"]:checked');
      var kind = checked ? checked.value : "";
      inputs.forEach(function (input) {
        var group = input.closest(".field") || input;
        var show = !kind || input.getAttribute("data-objector-only") === kind || keep.indexOf(input) !== -1;
        group.hidden = !show;
        input.disabled = !show;
      });
    }

    radios.forEach(function (radio) {
      radio.addEventListener("change", function () { keep = []; update(); });
    });
    window.addEventListener("pageshow", function (event) { if (event.persisted) { update(); } });  // back button
    update();
  }

  // 换一张: a new challenge from simple-captcha's refresh view (GET, asked as XMLHttpRequest as it requires).
  function captchaRefresh(box) {
    var button = box.querySelector("[data-captcha-refresh]");
    var image = box.querySelector("[data-captcha-image]");
    var status = box.querySelector("[data-captcha-status]");
    var field = box.parentNode;
    var key = field.querySelector('input[type="hidden"][name$="_0"]');
    var answer = field.querySelector('input[type="text"][name$="_1"]');
    if (!button || !image || !key || !window.fetch) { return; }
    button.hidden = false;

    button.addEventListener("click", function () {
      button.disabled = true;
      fetch(box.getAttribute("data-refresh-url"), {
        headers: { "X-Requested-With": "XMLHttpRequest", "Accept": "application/json" },
        credentials: "same-origin",
        cache: "no-store"
      }).then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      }).then(function (data) {
        key.value = data.key;
        image.src = data.image_url;
        var audio = box.querySelector("[data-captcha-audio]");
        if (audio && data.audio_url) { audio.href = data.audio_url; }
        if (answer) { answer.value = ""; answer.focus(); }
        status.textContent = button.getAttribute("data-done");
      }).catch(function () {
        status.textContent = button.getAttribute("data-failed");
      }).then(function () {
        button.disabled = false;
      });
    });
  }

  // Copy buttons on the receipt: the clipboard when the browser allows it, otherwise the text is selected on the
  // page and the status says to copy it by hand (the text is always on the page, visible).
  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copyButton(button) {
    var group = button.closest("[data-copy-group]");
    var status = group && group.querySelector("[data-copy-status]");
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    if (!group || !status || !target) { return; }
    group.hidden = false;

    function copied() {
      status.textContent = button.getAttribute("data-copied");
      status.classList.remove("is-fallback");
    }
    function fallback() {
      selectText(target);
      var done = false;
      try { done = document.execCommand("copy"); } catch (e) { done = false; }
      if (done) { copied(); return; }
      status.textContent = button.getAttribute("data-fallback");
      status.classList.add("is-fallback");
    }

    button.addEventListener("click", function () {
      var text = button.getAttribute("data-copy-text") || target.textContent.trim();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(copied, fallback);
      } else {
        fallback();
      }
    });
  }

  document.querySelectorAll("[data-objection-form]").forEach(objectorFields);
  document.querySelectorAll("[data-captcha]").forEach(captchaRefresh);
  document.querySelectorAll("[data-copy-target]").forEach(copyButton);
})();
