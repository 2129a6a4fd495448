// A table box that scrolls sideways (.pmo-table-wrap in pmo.css) becomes a
// region named by its table's caption, which the keyboard can focus to
// scroll, with its first column kept in view (.pmo-table-wrap--scrolls). One
// that fits stays plain. Each box is watched for size changes (the window,
// a font or a chart drawn late, a table swapped in by htmx), so its state is
// never stale. A classic script, so the downloaded pack inlines it too
// (pmo/reports.py OFFLINE_PAGE_SCRIPTS) and it runs from file://.
(function () {
  "use strict";

  function mark(box) {
    var scrolls = box.scrollWidth > box.clientWidth;
    box.classList.toggle("pmo-table-wrap--scrolls", scrolls);
    box.style.setProperty("--pmo-box-width", box.clientWidth + "px");
    // A box the server made a region already keeps what the server said.
    if (box.dataset.pmoRegion === undefined) {
      box.dataset.pmoRegion = box.hasAttribute("tabindex") ? "server" : "";
    }
    if (box.dataset.pmoRegion === "server") return;
    if (scrolls && box.dataset.pmoRegion !== "script") {
      var caption = box.querySelector("caption");
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", (caption && caption.textContent.trim()) || "Table");
      box.dataset.pmoRegion = "script";
    } else if (!scrolls && box.dataset.pmoRegion === "script") {
      ["tabindex", "role", "aria-label"].forEach(function (name) {
        box.removeAttribute(name);
      });
      box.dataset.pmoRegion = "";
    }
  }

  var observer = window.ResizeObserver
    ? new ResizeObserver(function (entries) {
        entries.forEach(function (entry) {
          var box = entry.target.closest(".pmo-table-wrap");
          if (box) mark(box);
        });
      })
    : null;

  function watch(root) {
    root.querySelectorAll(".pmo-table-wrap").forEach(function (box) {
      mark(box);
      if (!observer) return;
      [box, box.querySelector("table")].forEach(function (el) {
        if (el && !el.dataset.pmoWatched) {
          el.dataset.pmoWatched = "1";
          observer.observe(el);
        }
      });
    });
  }

  watch(document);
  document.addEventListener("htmx:afterSwap", function () {
    watch(document);
  });
})();
