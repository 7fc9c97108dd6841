/* progov — the little JavaScript the UI shell needs. Everything works without it.
 *
 * - The menu button collapses the main navigation on narrow screens.
 * - After HTMX swaps a tab region, focus stays on the tab that was activated
 *   (htmx keeps focus on an element with the same id); when nothing is focused,
 *   the new panel's heading receives focus so screen readers announce it.
 */
(function () {
  "use strict";

  function initNav() {
    var button = document.querySelector(".nav-toggle");
    var nav = document.getElementById("site-nav");
    if (!button || !nav) {
      return;
    }
    button.hidden = false;
    nav.classList.add("is-collapsible");

    function setOpen(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("is-open", open);
    }

    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        button.focus();
      }
    });
  }

  function initTabs() {
    document.body.addEventListener("htmx:afterSettle", function (event) {
      var target = event.detail && event.detail.target;
      if (!target || target.id !== "tabs") {
        return;
      }
      var active = document.activeElement;
      if (active && active !== document.body && target.contains(active)) {
        return;
      }
      var heading = target.querySelector("#panel-heading");
      if (heading) {
        heading.setAttribute("tabindex", "-1");
        heading.focus({ preventScroll: true });
      }
    });
  }

  function init() {
    initNav();
    initTabs();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
