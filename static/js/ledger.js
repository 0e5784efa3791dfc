// Progress of a ledger import (templates/rubrics/ledger.html): polls the status URL every second and reloads the
// page for the result once the import has finished (no inline script: CSP). The page works without it (刷新).
(function () {
  "use strict";
  var box = document.querySelector("[data-ledger-status]");
  if (!box) { return; }
  var url = box.getAttribute("data-ledger-status");
  function part(name) { return box.querySelector("[data-ledger-" + name + "]"); }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.percent === null) { part("bar").removeAttribute("value"); } else { part("bar").value = data.percent; }
        part("of").hidden = data.percent === null;
        part("label").textContent = data.status_label;
        part("done").textContent = data.done;
        part("total").textContent = data.total;
        part("error").textContent = data.error;
        part("error").hidden = !data.error;
        part("stalled").hidden = !data.stalled;
        if (data.status === "done") { window.location.reload(); return; }
        if (!data.finished) { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
