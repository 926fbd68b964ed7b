// The contact form: suggest help articles while the member types the subject (same-origin JSON, no inline
// script), show the privacy-request choice only for that topic; on the staff ticket page, insert a canned reply.
(function () {
  "use strict";
  var box = document.getElementById("help-suggestions");
  var subject = document.querySelector("[data-help-search]");
  if (box && subject) {
    var list = box.querySelector("ul");
    var timer = null;
    var last = "";
    var ask = function () {
      var query = subject.value.trim();
      if (query === last) return;
      last = query;
      if (query.length < 3) { box.hidden = true; return; }
      fetch(box.dataset.url + "?q=" + encodeURIComponent(query), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) {
          if (query !== last) return;
          list.textContent = "";
          (data.results || []).forEach(function (item) {
            var li = document.createElement("li");
            var a = document.createElement("a");
            a.href = item.url;
            a.target = "_blank";
            a.rel = "noopener";
            a.textContent = item.title;
            li.appendChild(a);
            list.appendChild(li);
          });
          box.hidden = list.children.length === 0;
        })
        .catch(function () { box.hidden = true; });
    };
    subject.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(ask, 250); });
    ask();
  }
  var topic = document.getElementById("id_topic");
  var kind = document.querySelector(".privacy-kind");
  if (topic && kind) {
    var toggle = function () { kind.hidden = topic.value !== "privacy"; };
    topic.addEventListener("change", toggle);
    toggle();
  }
  var canned = document.querySelector("[data-canned-target]");
  if (canned) {
    canned.addEventListener("change", function () {
      var target = document.getElementById(canned.dataset.cannedTarget);
      if (!target || !canned.value) return;
      target.value = target.value ? target.value + "\n\n" + canned.value : canned.value;
      canned.value = "";
      target.focus();
    });
  }
})();
