// Progress of a plaque batch: polls the status URL every second until the job is done (no inline script: CSP).
(function () {
  "use strict";
  var box = document.querySelector("[data-batch-status]");
  if (!box) { return; }
  var url = box.getAttribute("data-batch-status");
  function text(selector, value) { var el = box.querySelector(selector); if (el) { el.textContent = value; } }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        box.querySelector("[data-batch-bar]").value = data.percent;
        text("[data-batch-label]", data.status_label);
        text("[data-batch-done]", data.done);
        text("[data-batch-failed]", data.failed);
        var list = box.querySelector("[data-batch-failures]");
        list.textContent = "";
        data.failures.forEach(function (failure) {
          var item = document.createElement("li");
          item.textContent = failure.name + "：" + failure.error;
          list.appendChild(item);
        });
        if (data.download) { box.querySelector("[data-batch-download]").hidden = false; }
        if (data.status !== "done" && data.status !== "failed") { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
})();
