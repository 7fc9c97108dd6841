/* progov — an import's progress while it runs. Without JavaScript the form posts as
 * usual and the next page says what was imported; with it, the form's region
 * (`data-progress-target`, a polite live region) shows how far the import has got,
 * asked of `data-progress-url` every second until the answer page arrives. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.getAttribute || !form.getAttribute("data-progress-url")) {
      return;
    }
    var url = form.getAttribute("data-progress-url");
    var region = document.getElementById(form.getAttribute("data-progress-target"));
    var button = form.querySelector("button[type=submit]");
    if (button) {
      // A second click would only ask again for an import already under way.
      window.setTimeout(function () { button.disabled = true; }, 0);
    }
    if (region) {
      region.textContent = "Importing…";
    }
    function ask() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (html !== null && region) {
            region.innerHTML = html;
          }
        })
        .catch(function () {});
    }
    window.setInterval(ask, 1000);
  });
})();
