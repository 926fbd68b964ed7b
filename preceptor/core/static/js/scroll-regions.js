// A table (or a code block) wider than the screen scrolls sideways inside its own box (preceptor.css, phones).
// Someone without a mouse must be able to scroll it too (WCAG 2.1.1): while it overflows it is made focusable, so
// Tab reaches it and the arrow keys scroll it; it loses the tab stop again when it fits (a wider window).
(function () {
  "use strict";
  function mark() {
    document.querySelectorAll("table, pre").forEach(function (box) {
      var overflow = getComputedStyle(box).overflowX;
      var scrolls = (overflow === "auto" || overflow === "scroll") && box.scrollWidth > box.clientWidth;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.dataset.scrollRegion = "1";
      } else if (!scrolls && box.dataset.scrollRegion) {
        box.removeAttribute("tabindex");
        delete box.dataset.scrollRegion;
      }
    });
  }
  mark();
  var pending = 0;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(mark, 150);
  });
})();
