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
})();
