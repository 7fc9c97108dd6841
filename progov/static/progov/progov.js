/* progov — the little JavaScript the UI shell needs. Everything works without it.
 *
 * - The menu button collapses the main navigation on narrow screens.
 * - After HTMX swaps a tab region, focus stays on the tab that was activated
 *   (htmx keeps focus on an element with the same id); when nothing is focused,
 *   the new panel's heading receives focus so screen readers announce it.
 * - After HTMX swaps any other region (a write on the agenda, papers, register, report,
 *   forward look…), focus goes to what changed: the region's error summary if the answer
 *   has one, else its first field marked invalid; else, unless htmx kept the focus on a
 *   control of the region, its status message, else its heading. Regions that only refresh because another write changed them
 *   (`data-refresh-region`, see core.pages.changed) never take focus.
 * - A table too wide for the screen scrolls inside its `.table-wrap`: the wrapper then
 *   becomes a named, focusable region (so the keyboard can scroll it) and shows a cue
 *   at the edge that more is hidden; recomputed on resize (once a frame) and after each
 *   swap.
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

  function focusOn(element) {
    if (!/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(element.tagName)) {
      element.setAttribute("tabindex", "-1");
    }
    element.focus();
  }

  function spoken(element) {
    return element && element.textContent.trim() !== "" ? element : null;
  }

  function initRegions() {
    document.body.addEventListener("htmx:afterSettle", function (event) {
      var target = event.detail && event.detail.target;
      if (!target || !target.id || target.id === "tabs") {
        return;
      }
      // After an outerHTML swap the target is the old element: find the new one.
      var region = document.getElementById(target.id);
      if (!region || region.hasAttribute("data-refresh-region")) {
        return;
      }
      var error =
        spoken(region.querySelector(".error-summary, [role='alert']")) ||
        region.querySelector("[aria-invalid='true']");
      var active = document.activeElement;
      // htmx keeps the focus on a control whose id the new content has (the next-month
      // link): leave it there, unless the answer reports an error.
      var kept = active && active !== document.body && region.contains(active);
      var goal =
        error ||
        (kept ? null : spoken(region.querySelector("[role='status']"))) ||
        (kept ? null : region.querySelector("h2, h3"));
      if (goal) {
        focusOn(goal);
      }
    });
  }

  function markScrollable(root) {
    var wraps = (root || document).querySelectorAll(".table-wrap");
    Array.prototype.forEach.call(wraps, function (wrap) {
      var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      wrap.classList.toggle("is-scrollable", scrolls);
      if (scrolls) {
        var caption = wrap.querySelector("caption");
        var name = caption ? caption.textContent.trim() : "Table";
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", name + " (scrolls sideways)");
      } else if (wrap.getAttribute("role") === "region") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }

  // The width the wrappers were last measured at, on <html data-scrollables-at>: a test
  // (or a script) that resizes the window waits for it rather than for a guessed delay.
  function markAll() {
    markScrollable(document);
    document.documentElement.setAttribute("data-scrollables-at", String(window.innerWidth));
  }

  function initScrollables() {
    markAll();
    // Once per frame however many resize events a drag or a rotation sends.
    var pending = false;
    window.addEventListener("resize", function () {
      if (pending) {
        return;
      }
      pending = true;
      window.requestAnimationFrame(function () {
        pending = false;
        markAll();
      });
    });
    document.body.addEventListener("htmx:afterSettle", function () {
      markScrollable(document);
    });
  }

  // A page answered with a refused form: the summary of its errors takes the focus, so a
  // keyboard or screen-reader user starts from what to fix (each error links to its field).
  function initErrorSummary() {
    var summary = document.querySelector("main .error-summary");
    if (summary) {
      focusOn(summary);
    }
  }

  // A link to a collapsed action ("Move", "Mark held" in the meeting bar) opens it.
  function openTargetDetails(hash) {
    var target = hash && hash.length > 1 ? document.getElementById(hash.slice(1)) : null;
    if (target && target.tagName === "DETAILS") {
      target.open = true;
      var summary = target.querySelector("summary");
      if (summary) {
        summary.focus();
      }
    }
  }

  function initDetailsTargets() {
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[href^='#']");
      if (link) {
        openTargetDetails(link.getAttribute("href"));
      }
    });
    openTargetDetails(window.location.hash);
  }

  function init() {
    initErrorSummary();
    initDetailsTargets();
    initNav();
    initTabs();
    initRegions();
    initScrollables();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
