// Lesson page: tell the server that the member opened this lesson, so that it becomes their place in the course
// ("continue where you left off"). A POST from here rather than a write on the page's GET: loading a page (a
// prefetch, a link checker, the back button) changes nothing.
(function () {
  "use strict";
  var article = document.querySelector("[data-opened-url]");
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (!article || !meta) return;
  var body = new FormData();
  body.append("csrfmiddlewaretoken", meta.content);
  fetch(article.dataset.openedUrl, { method: "POST", body: body, credentials: "same-origin",
                                     headers: { "X-CSRFToken": meta.content } })
    .catch(function () { /* "Mark as done" records the place too */ });

  // A reading's time is measured on the server (decision 0020): while the page is visible it says so every 15 s,
  // and once more when it is hidden. The report carries no number; the server counts the time between reports.
  var timeUrl = article.dataset.timeUrl;
  if (!timeUrl) return;
  function report() {
    var beat = new FormData();
    beat.append("csrfmiddlewaretoken", meta.content);
    fetch(timeUrl, { method: "POST", body: beat, credentials: "same-origin", keepalive: true,
                     headers: { "X-CSRFToken": meta.content } })
      .catch(function () { /* the next report counts the time since the last one that arrived, up to 30 s */ });
  }
  var timer = null;
  function beat() {
    if (document.visibilityState === "visible") {
      if (timer === null) timer = window.setInterval(report, 15000);
    } else if (timer !== null) {
      window.clearInterval(timer);
      timer = null;
      report();
    }
  }
  document.addEventListener("visibilitychange", beat);
  beat();
})();
