// Preceptor's service worker (site/views.py service_worker, decision 0041). It keeps the app's shell — the offline
// pages, the stylesheet, the scripts, the icons — and nothing a member entered or was shown: pages always come from
// the network. Lessons the member saved for offline (site/static/site/offline.js) are answered from their cache only
// when the network fails, and that cache is emptied when the member signs out.
"use strict";
const CONFIG = {{ config|safe }};
const LESSONS = "preceptor-lessons";

// A saved file, or the part of it a video element asks for with a Range header.
async function savedFile(request) {
  const kept = await (await caches.open(LESSONS)).match(request.url);
  const range = /^bytes=(\d*)-(\d*)$/.exec(request.headers.get("Range") || "");
  if (!kept || !range) {
    return kept;
  }
  const body = await kept.blob();
  let start = range[1] ? Number(range[1]) : Math.max(body.size - Number(range[2]), 0);
  let end = range[1] && range[2] ? Math.min(Number(range[2]), body.size - 1) : body.size - 1;
  if (start > end) {
    return new Response(null, { status: 416, headers: { "Content-Range": `bytes */${body.size}` } });
  }
  return new Response(body.slice(start, end + 1), {
    status: 206,
    headers: {
      "Content-Type": kept.headers.get("Content-Type") || "",
      "Content-Range": `bytes ${start}-${end}/${body.size}`,
      "Content-Length": String(end - start + 1),
      "Accept-Ranges": "bytes",
    },
  });
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CONFIG.cache)
      // Without cookies: the copies are the same for everyone and hold nothing personal.
      .then((cache) => cache.addAll(CONFIG.shell.map((url) => new Request(url, { credentials: "omit" }))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((name) => name.startsWith("preceptor-shell-") && name !== CONFIG.cache)
          .map((name) => caches.delete(name))
      ))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.method === "POST" && url.pathname === CONFIG.logout) {
    event.waitUntil(caches.delete(LESSONS));  // signing out removes the lessons saved on this device
    return;
  }
  if (request.keepalive) {
    // A report sent as the page goes away (the player's position, a reading's time). Left to the browser's own
    // fallback, Chromium drops it about two times in three once its page is gone; sent from here, the worker
    // outlives the page until it is answered (test_browser_learning).
    event.respondWith(fetch(request));
    return;
  }
  if (request.method !== "GET") {
    return;
  }
  if (request.mode === "navigate") {
    // A page: from the network; when that fails, the page's own copy if it is part of the shell (the saved
    // lessons), else the offline page.
    event.respondWith(fetch(request).catch(async () =>
      (CONFIG.shell.includes(url.pathname) && await caches.match(url.pathname)) || caches.match(CONFIG.shell[0])
    ));
    return;
  }
  if (CONFIG.shell.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((kept) => kept || fetch(request)));
    return;
  }
  if (CONFIG.lessons && url.pathname.includes("/media/")) {
    // A lesson's file: from the server, which checks access; from the device only when the network fails.
    event.respondWith(fetch(request).catch(async () => (await savedFile(request)) || Response.error()));
  }
});
