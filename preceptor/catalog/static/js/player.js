// Lesson player: resume at the stored position and report what was watched (CSRF-safe, same origin only).
(function () {
  "use strict";
  var video = document.getElementById("lesson-video");
  if (!video) return;
  var url = video.dataset.progressUrl;
  var token = document.querySelector('meta[name="csrf-token"]').content;
  var status = document.getElementById("player-status");
  var resume = parseFloat(video.dataset.resume || "0");
  var watched = 0;          // seconds played since the last report
  var last = null;          // the previous playback position, to tell playing from seeking
  var timer = null;
  var completed = video.dataset.completed === "1";

  function report(keepalive) {
    if (!watched && !keepalive) return;
    var body = new FormData();
    body.append("csrfmiddlewaretoken", token);
    body.append("position", video.currentTime.toFixed(2));
    body.append("watched", watched.toFixed(2));
    watched = 0;
    fetch(url, { method: "POST", body: body, credentials: "same-origin", keepalive: !!keepalive,
                 headers: { "X-CSRFToken": token } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data && data.completed && !completed) {
          completed = true;
          status.textContent = status.dataset.doneText || "Completed.";
          document.dispatchEvent(new CustomEvent("lesson:completed"));
        }
      })
      .catch(function () { /* the next report carries the time again */ });
  }

  video.addEventListener("loadedmetadata", function () {
    if (resume > 0 && resume < video.duration - 1) video.currentTime = resume;
    last = video.currentTime;
  });
  video.addEventListener("timeupdate", function () {
    var now = video.currentTime;
    if (last !== null && !video.seeking) {
      var delta = now - last;
      // Playing moves forward a little at a time; a jump is a seek and counts for nothing.
      if (delta > 0 && delta < 1.5 * Math.max(1, video.playbackRate)) watched += delta;
    }
    last = now;
  });
  video.addEventListener("seeked", function () { last = video.currentTime; });
  video.addEventListener("play", function () {
    if (!timer) timer = setInterval(function () { report(false); }, 5000);
  });
  video.addEventListener("pause", function () { clearInterval(timer); timer = null; report(true); });
  video.addEventListener("ended", function () { clearInterval(timer); timer = null; report(true); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") report(true);
  });
  window.addEventListener("pagehide", function () { report(true); });
})();
