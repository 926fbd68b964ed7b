// Registers the service worker (/sw.js) that makes Preceptor installable and shows an offline page (decision 0041).
"use strict";
if ("serviceWorker" in navigator) {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js").catch(() => {
      // Not installable here (a private window, an old browser): the site works as before.
    });
  });
}
