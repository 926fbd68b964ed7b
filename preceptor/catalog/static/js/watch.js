// Counts the seconds of a video really played, for the lesson player (player.js) and for the lessons saved on the
// device (site/offline.js). Playing moves forward no faster than the clock times the rate, however late the event
// comes (a busy machine); a jump beyond that is a seek and counts for nothing. The server, too, believes no more
// than its own clock allows (catalog.services.progress_record).
window.preceptorWatch = function (video) {
  "use strict";
  var watched = 0;  // seconds played and not yet taken
  var last = null;  // the previous playback position and when it was read, to tell playing from seeking
  var lastAt = 0;
  function mark() { last = video.currentTime; lastAt = performance.now(); }
  video.addEventListener("timeupdate", function () {
    var now = video.currentTime;
    if (last !== null && !video.seeking) {
      var delta = now - last;
      var allowed = (performance.now() - lastAt) / 1000 * Math.max(1, video.playbackRate) + 0.5;
      if (delta > 0 && delta <= allowed) watched += delta;
    }
    mark();
  });
  video.addEventListener("seeking", function () { last = null; });
  video.addEventListener("seeked", mark);
  return {
    mark: mark,  // counting starts from the current position (after the player moved it to where the member was)
    pending: function () { return watched; },
    take: function () { var seconds = watched; watched = 0; return seconds; },
    giveBack: function (seconds) { watched += seconds; },  // a report that was not stored
  };
};
