// Lesson page: when the video's progress reports complete the lesson ("lesson:completed", sent by player.js with
// the server's answer), the course outline beside it says so at once: the "n of m lessons done" line, the
// progress bar and this lesson's tick; on the last lesson the main button becomes the course's next step. The
// server counts and decides; this only shows its numbers and its (translated) text.
(function () {
  "use strict";
  document.addEventListener("lesson:completed", function (event) {
    var data = event.detail || {};
    var line = document.querySelector("[data-lessons-done]");
    if (line && data.lessons_done_text) line.textContent = data.lessons_done_text;
    var bar = document.querySelector(".lesson-sidebar progress");
    if (bar && typeof data.percent === "number") {
      bar.value = data.percent;
      bar.textContent = data.percent + "%";
    }
    // On the last lesson the page's one main button becomes the course's next step (e.g. the post-test).
    var step = data.next_step;
    var button = document.querySelector("main a.btn-primary");
    if (step && step.url && step.label && button) {
      button.href = step.url;
      button.textContent = step.label;
    }
    var current = document.querySelector(".lesson-sidebar .outline-lesson.is-current");
    if (!current || current.classList.contains("is-done")) return;
    current.classList.add("is-done");
    var state = current.querySelector(".lesson-state");
    if (state) state.textContent = "✓";
    var link = current.querySelector("a");
    var outline = current.closest("[data-completed-text]");
    if (!link || !outline) return;
    // As the page would render it: "(completed)" for screen readers, in place of a "Free" mark.
    var mark = link.querySelector(".badge, .visually-hidden");
    if (mark) mark.remove();
    var hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = "(" + outline.dataset.completedText + ")";
    link.appendChild(hidden);
  });
})();
