// Lesson player: resume at the stored position and report what was watched (CSRF-safe, same origin only).
(function () {
  "use strict";
  var video = document.getElementById("lesson-video");
  if (!video) return;
  var url = video.dataset.progressUrl;
  var token = document.querySelector('meta[name="csrf-token"]').content;
  var status = document.getElementById("player-status");
  var resume = parseFloat(video.dataset.resume || "0");
  var watch = window.preceptorWatch(video);  // seconds really played (watch.js)
  var timer = null;
  var completed = video.dataset.completed === "1";

  var reported = null;      // the position the last report carried
  function report(keepalive) {
    var position = video.currentTime.toFixed(2);
    // Nothing new to say: no time watched, and (when leaving or pausing) the same place as last time.
    if (!watch.pending() && (!keepalive || position === reported)) return;
    reported = position;
    var sent = watch.take();
    var body = new FormData();
    body.append("csrfmiddlewaretoken", token);
    body.append("position", position);
    body.append("watched", sent.toFixed(2));
    // A report the server did not store gives its time back to the next one.
    function giveBack() {
      watch.giveBack(sent);
      if (sent && video.paused) setTimeout(function () { report(false); }, 5000);  // no timer runs to send it
      sent = 0;
      return null;
    }
    fetch(url, { method: "POST", body: body, credentials: "same-origin", keepalive: !!keepalive,
                 headers: { "X-CSRFToken": token } })
      .then(function (r) { return r.ok ? r.json() : giveBack(); })
      .then(function (data) {
        if (data && data.completed && !completed) {
          completed = true;
          status.textContent = status.dataset.doneText || "Completed.";
          document.dispatchEvent(new CustomEvent("lesson:completed", { detail: data }));
        }
      })
      .catch(giveBack);
  }

  function start() {
    if (resume > 0 && resume < video.duration - 1) video.currentTime = resume;
    watch.mark();
  }
  video.addEventListener("play", function () {
    if (!timer) timer = setInterval(function () { report(false); }, 5000);
  });
  video.addEventListener("pause", function () { clearInterval(timer); timer = null; report(true); });
  video.addEventListener("ended", function () { clearInterval(timer); timer = null; report(true); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") report(true);
  });
  window.addEventListener("pagehide", function () { report(true); });
  // The metadata may have arrived before this script ran: then start from here.
  if (video.readyState >= 1) start(); else video.addEventListener("loadedmetadata", start);
  video.dataset.playerReady = "1";  // listening from here on: what plays now is counted
})();
