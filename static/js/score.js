// The reviewer's score sheet (templates/review/score.html). Loaded as a file (CSP forbids inline script); the page
// works without it.
//
// 1. Comments grow as the reviewer types: CSS `field-sizing: content` does it where the browser supports it
//    (static/css/score.css); elsewhere the height follows the text here.
// 2. A live total, computed the way the server computes a sheet's total (the rubric engine, rubrics/engine.py, called
//    by review/services/sheets.py sheet_result): the judged items summed, the bonus (优先评定) items summed and
//    capped at the rubric's cap (the form's data-bonus-cap), required items' 符合/不符合 add no points. A gate without a choice or a scored
//    criterion without points is still missing; an empty bonus counts 0. Points are added as whole hundredths, so
//    the sum is exact as the server's Decimals are. The line says "未保存" while the page differs from what was
//    saved: the total the server shows after saving stays the authority.
(function () {
  "use strict";
  var form = document.getElementById("score-sheet");
  if (!form) { return; }

  var sizesItself = window.CSS && CSS.supports && CSS.supports("field-sizing", "content");
  function grow(area) {
    area.style.height = "auto";
    var style = window.getComputedStyle(area);
    var borders = (parseFloat(style.borderTopWidth) || 0) + (parseFloat(style.borderBottomWidth) || 0);
    area.style.height = (area.scrollHeight + borders) + "px";  // box-sizing: border-box (portal.css)
  }
  if (!sizesItself) {
    Array.prototype.forEach.call(form.querySelectorAll("textarea[data-autogrow]"), function (area) {
      grow(area);
      area.addEventListener("input", function () { grow(area); });
    });
  }

  var live = document.getElementById("live-total");
  if (!live) { return; }  // a submitted sheet: only the saved total is shown
  var valueOut = document.getElementById("live-total-value");
  var noteOut = document.getElementById("live-total-note");
  var unsavedTag = document.getElementById("live-total-unsaved");
  var explain = document.getElementById("live-total-explain");
  var unsaved = form.getAttribute("data-unsaved") === "1";  // shown again after a refused save: none of it is saved

  // "35", "35.5", ".25" → 3500, 3550, 25 hundredths; null when empty; NaN for what the server's form refuses
  // (a sign, more than two decimal places, an exponent …).
  function hundredths(text) {
    text = (text || "").trim();
    if (text === "") { return null; }
    var match = /^(\d*)(?:\.(\d{0,2}))?$/.exec(text);
    if (!match || (match[1] === "" && !match[2])) { return NaN; }
    return parseInt(match[1] || "0", 10) * 100 + parseInt(((match[2] || "") + "00").slice(0, 2), 10);
  }
  function format(value) {
    var cents = String(value % 100);
    return Math.floor(value / 100) + "." + (cents.length < 2 ? "0" + cents : cents);
  }

  var cap = hundredths(form.getAttribute("data-bonus-cap")) || 0;
  var criteria = [];  // in the sheet's order: {code, kind, inputs}
  var byCode = {};
  Array.prototype.forEach.call(form.querySelectorAll("[data-score-kind]"), function (input) {
    var code = input.getAttribute("data-code");
    var kind = input.getAttribute("data-score-kind");
    var key = code + "|" + kind;  // a required item that is also judged has both a 符合/不符合 and a points input
    if (!byCode[key]) {
      byCode[key] = { code: code, kind: kind, inputs: [] };
      criteria.push(byCode[key]);
    }
    byCode[key].inputs.push(input);
  });

  function compute() {
    var scored = 0, bonus = 0, missing = [], invalid = [];
    function miss(code) { if (missing.indexOf(code) < 0) { missing.push(code); } }
    criteria.forEach(function (criterion) {
      if (criterion.kind === "gate") {
        if (!criterion.inputs.some(function (input) { return input.checked; })) { miss(criterion.code); }
        return;
      }
      var input = criterion.inputs[0];
      var points = input.disabled ? 0 : hundredths(input.value);  // a disabled bonus is sent as 0 by the form
      if (input.validity && input.validity.badInput) { points = NaN; }
      if (points === null) {
        if (criterion.kind === "scored") { miss(criterion.code); }
        return;
      }
      if (isNaN(points) || points > hundredths(input.getAttribute("data-max"))) {
        invalid.push(criterion.code);
        return;
      }
      if (criterion.kind === "bonus") { bonus += points; } else { scored += points; }
    });
    return { total: scored + Math.min(bonus, cap), missing: missing, invalid: invalid };
  }

  function snapshot() {
    return Array.prototype.map.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.type === "submit") { return ""; }
      if (el.type === "radio" || el.type === "checkbox") { return el.checked ? el.name + "=" + el.value : ""; }
      return el.name + "=" + el.value;
    }).join("\n");
  }
  var saved = snapshot();

  function show() {
    var result = compute();
    noteOut.classList.toggle("is-invalid", result.invalid.length > 0);
    if (result.invalid.length) {
      valueOut.textContent = "—";
      noteOut.textContent = live.getAttribute("data-invalid").replace("{codes}", result.invalid.join("、"));
    } else {
      valueOut.textContent = format(result.total);
      noteOut.textContent = result.missing.length
        ? live.getAttribute("data-missing").replace("{count}", result.missing.length).replace("{codes}", result.missing.join("、"))
        : live.getAttribute("data-complete");
    }
    unsavedTag.hidden = !unsaved && snapshot() === saved;
  }

  form.addEventListener("input", show);
  form.addEventListener("change", show);
  live.hidden = false;
  if (explain) { explain.hidden = false; }
  show();
})();
