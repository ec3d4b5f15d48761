// Recoup: keyboard shortcuts, tabs and customers' local clocks. Pages work without this file.
(function () {
  "use strict";

  function isTyping(element) {
    if (!element) return false;
    const tag = element.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || element.isContentEditable;
  }

  function searchBox() {
    return document.getElementById("global-search");
  }

  function resultLinks() {
    return Array.from(document.querySelectorAll("#search-results .account-link"));
  }

  // "/" focuses search from anywhere; Escape leaves it; arrows walk the results.
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    const box = searchBox();
    if (!box) return;
    if (event.key === "/" && !isTyping(event.target)) {
      event.preventDefault();
      box.focus();
      box.select();
      return;
    }
    if (event.target === box && event.key === "Escape") {
      box.blur();
      return;
    }
    const links = resultLinks();
    if (!links.length) return;
    const index = links.indexOf(event.target);
    if (event.key === "ArrowDown" && (event.target === box || index >= 0)) {
      event.preventDefault();
      links[Math.min(index + 1, links.length - 1)].focus();
    } else if (event.key === "ArrowUp" && index >= 0) {
      event.preventDefault();
      if (index === 0) box.focus();
      else links[index - 1].focus();
    }
  });

  // Tabs (WAI-ARIA tabs pattern); the selected tab follows the address's #fragment.
  function setUpTabs(container) {
    const tabs = Array.from(container.querySelectorAll('[role="tab"]'));
    const panels = tabs.map(function (tab) {
      return document.getElementById(tab.getAttribute("aria-controls"));
    });

    function select(index, focus) {
      tabs.forEach(function (tab, i) {
        const selected = i === index;
        tab.setAttribute("aria-selected", selected ? "true" : "false");
        tab.tabIndex = selected ? 0 : -1;
        panels[i].hidden = !selected;
      });
      if (focus) tabs[index].focus();
      history.replaceState(history.state, "", "#" + panels[index].id);
      revealNextInstallment(panels[index]);
    }

    tabs.forEach(function (tab, index) {
      tab.addEventListener("click", function (event) {
        event.preventDefault();
        select(index, false);
      });
      tab.addEventListener("keydown", function (event) {
        let next = null;
        if (event.key === "ArrowRight") next = (index + 1) % tabs.length;
        else if (event.key === "ArrowLeft") next = (index - 1 + tabs.length) % tabs.length;
        else if (event.key === "Home") next = 0;
        else if (event.key === "End") next = tabs.length - 1;
        if (next !== null) {
          event.preventDefault();
          select(next, true);
        }
      });
    });

    const wanted = panels.findIndex(function (panel) {
      return "#" + panel.id === location.hash;
    });
    const initial = wanted >= 0 ? wanted : 0;
    tabs.forEach(function (tab, i) {
      tab.setAttribute("aria-selected", i === initial ? "true" : "false");
      tab.tabIndex = i === initial ? 0 : -1;
      panels[i].hidden = i !== initial;
    });
    revealNextInstallment(panels[initial]);
  }

  // A long schedule opens scrolled to the first installment not yet due, with two before it.
  function revealNextInstallment(root) {
    const scroller = root && root.querySelector(".table-scroll");
    if (!scroller || scroller.dataset.revealed) return;
    const next = scroller.querySelector("tbody tr:not(.is-due)");
    const head = scroller.querySelector("thead");
    if (!next || !next.getClientRects().length) return;
    const offset = next.getBoundingClientRect().top - scroller.getBoundingClientRect().top + scroller.scrollTop;
    scroller.scrollTop = Math.max(0, offset - (head ? head.offsetHeight : 0) - 2 * next.offsetHeight);
    scroller.dataset.revealed = "true";
  }

  document.addEventListener("htmx:load", function (event) {
    if (event.target.id === "schedule-view") revealNextInstallment(event.target);
  });

  // The customer's wall-clock time, for deciding whether a call is reasonable now.
  function tickClocks() {
    document.querySelectorAll(".local-clock[data-zone]").forEach(function (element) {
      const zone = element.dataset.zone;
      const locale = (element.dataset.locale || "en-us").replace("_", "-");
      try {
        const time = new Intl.DateTimeFormat(locale, {
          timeZone: zone,
          weekday: "short",
          hour: "numeric",
          minute: "2-digit",
          timeZoneName: "short",
        }).format(new Date());
        element.textContent = time;
        element.title = zone;
      } catch (error) {
        element.textContent = zone;
      }
    });
  }

  function start() {
    document.querySelectorAll("[data-tabs]").forEach(setUpTabs);
    tickClocks();
    if (document.querySelector(".local-clock")) setInterval(tickClocks, 30000);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
