// Lessons saved for offline viewing (decision 0041): "Save for offline" on a lesson keeps its video, captions and
// transcript in Cache Storage ("preceptor-lessons"); /offline/saved/ lists them with their size, plays them without
// a network and removes them. The time watched there is kept in the same store until the device is online, then
// sent as the lesson page's player sends it. The service worker (sw.js) answers from this cache only when the
// network fails, and empties it when the member signs out.
"use strict";
(() => {
  const LESSONS = "preceptor-lessons";
  const META = "/offline/saved/lesson/";  // + "<course>/<lesson>": the lesson's title, files and transcript (JSON)
  const PENDING = "/offline/saved/watched/";  // + "<course>/<lesson>": time watched here and not yet sent (JSON)
  const MOST_PER_REPORT = 3600;  // seconds: what the server's progress form accepts at once
  if (!("caches" in window) || !("serviceWorker" in navigator)) {
    return;  // nothing to offer: the button stays hidden
  }
  const json = (value) => new Response(JSON.stringify(value), { headers: { "Content-Type": "application/json" } });

  const megabytes = (bytes) => `${(bytes / 1048576).toFixed(1)} MB`;

  async function lessonSave(box) {
    const status = box.querySelector("[data-offline-status]");
    const button = box.querySelector("button");
    button.disabled = true;
    status.textContent = box.dataset.savingText;
    try {
      const cache = await caches.open(LESSONS);
      const files = [box.dataset.video, box.dataset.captions].filter(Boolean);
      let size = 0;
      for (const url of files) {
        const response = await fetch(url, { credentials: "same-origin" });
        if (!response.ok || response.redirected) {
          throw new Error(`${url}: ${response.status}`);
        }
        const body = await response.blob();
        size += body.size;
        await cache.put(url, new Response(body, { headers: { "Content-Type": response.headers.get("Content-Type") || "" } }));
      }
      const transcript = document.querySelector(".transcript .prose");
      const meta = {
        key: box.dataset.key, title: box.dataset.title, course: box.dataset.course, lessonUrl: box.dataset.lessonUrl,
        video: box.dataset.video, videoType: box.dataset.videoType, captions: box.dataset.captions || "",
        captionsLanguage: box.dataset.captionsLanguage || "", transcript: transcript ? transcript.innerText : "",
        progressUrl: box.dataset.progressUrl, size, savedAt: new Date().toISOString(),
      };
      await cache.put(META + meta.key, json(meta));
      status.textContent = `${box.dataset.savedText} (${megabytes(size)})`;
    } catch (error) {
      status.textContent = box.dataset.failedText;
      button.disabled = false;
    }
  }

  async function savedLessons() {
    const cache = await caches.open(LESSONS);
    const found = [];
    for (const request of await cache.keys()) {
      if (new URL(request.url).pathname.startsWith(META)) {
        found.push(await (await cache.match(request)).json());
      }
    }
    return found.sort((a, b) => a.title.localeCompare(b.title));
  }

  async function lessonRemove(meta) {
    const cache = await caches.open(LESSONS);
    await Promise.all([meta.video, meta.captions, META + meta.key].filter(Boolean).map((url) => cache.delete(url)));
  }

  // Watched time kept on the device: one entry per lesson, its seconds added up, so that the server's clock (the
  // time since the member's last report) weighs the whole stretch at once. Reads and writes run one after another.
  let watchedQueue = Promise.resolve();
  function watchedDo(step) {
    watchedQueue = watchedQueue.then(step).catch(() => { /* kept for the next try */ });
    return watchedQueue;
  }

  function watchedKeep(meta, seconds, position) {
    if (!meta.progressUrl || !seconds) {
      return watchedQueue;
    }
    return watchedDo(async () => {
      const cache = await caches.open(LESSONS);
      const kept = await cache.match(PENDING + meta.key);
      const entry = kept ? await kept.json() : { lessonUrl: meta.lessonUrl, progressUrl: meta.progressUrl, watched: 0 };
      entry.watched += seconds;
      entry.position = position;
      await cache.put(PENDING + meta.key, json(entry));
    });
  }

  // Online, each lesson's kept time is sent with a fresh form token from the lesson's page, which also says whether
  // the member may still open it: if not, the time is dropped (it earns nothing). Kept until the server stored it.
  function watchedSend() {
    if (!navigator.onLine) {
      return watchedQueue;
    }
    return watchedDo(async () => {
      if (!(await caches.has(LESSONS))) {
        return;  // nothing saved on this device (opening the store would create it)
      }
      const cache = await caches.open(LESSONS);
      for (const request of await cache.keys()) {
        if (!new URL(request.url).pathname.startsWith(PENDING)) {
          continue;
        }
        const entry = await (await cache.match(request)).json();
        const page = await fetch(entry.lessonUrl, { credentials: "same-origin", cache: "no-store" });
        if (page.redirected || [401, 403, 404, 410].includes(page.status)) {
          await cache.delete(request);
          continue;
        }
        const token = page.ok && new DOMParser().parseFromString(await page.text(), "text/html")
          .querySelector('meta[name="csrf-token"]');
        if (!token) {
          return;  // try again later
        }
        const sent = Math.min(entry.watched, MOST_PER_REPORT);
        const body = new FormData();
        body.append("csrfmiddlewaretoken", token.content);
        body.append("position", entry.position.toFixed(2));
        body.append("watched", sent.toFixed(2));
        const answer = await fetch(entry.progressUrl, {
          method: "POST", body, credentials: "same-origin", headers: { "X-CSRFToken": token.content },
        });
        if (!answer.ok) {
          return;
        }
        entry.watched -= sent;
        await (entry.watched > 0.01 ? cache.put(request, json(entry)) : cache.delete(request));
      }
    });
  }

  // Online, each saved lesson is asked for again (its first byte): a lesson the member may no longer open (the
  // membership ended, the lesson was withdrawn) is removed from the device. Offline, nothing is removed.
  async function savedCheck() {
    if (!navigator.onLine) {
      return;
    }
    for (const meta of await savedLessons()) {
      let response;
      try {
        response = await fetch(meta.video, { headers: { Range: "bytes=0-0" }, credentials: "same-origin", cache: "no-store" });
      } catch (error) {
        return;  // the network is away after all
      }
      if (response.redirected || [401, 403, 404, 410].includes(response.status)) {
        await lessonRemove(meta);
      }
    }
  }

  async function savedList(root) {
    const list = root.querySelector("[data-saved-list]");
    const empty = root.querySelector("[data-saved-empty]");
    const total = root.querySelector("[data-saved-total]");
    const player = root.querySelector("[data-saved-player]");
    const lessons = await savedLessons();
    list.replaceChildren();
    empty.hidden = lessons.length > 0;
    total.textContent = lessons.length ? `${root.dataset.totalText} ${megabytes(lessons.reduce((sum, l) => sum + l.size, 0))}` : "";
    for (const meta of lessons) {
      const item = document.createElement("li");
      item.className = "card saved-lesson";
      const title = document.createElement("h2");
      title.textContent = meta.title;
      const about = document.createElement("p");
      about.className = "small muted";
      about.textContent = `${meta.course} · ${megabytes(meta.size)}`;
      const play = document.createElement("button");
      play.type = "button";
      play.className = "btn btn-primary btn-small";
      play.textContent = root.dataset.playText;
      play.addEventListener("click", () => savedPlay(player, meta));
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "btn btn-secondary btn-small";
      remove.textContent = root.dataset.removeText;
      remove.addEventListener("click", async () => { await lessonRemove(meta); player.hidden = true; savedList(root); });
      const actions = document.createElement("div");
      actions.className = "form-actions";
      actions.append(play, remove);
      item.append(title, about, actions);
      list.append(item);
    }
  }

  // The saved player counts what is really played (watch.js) and keeps it every few seconds, on pause and when the
  // page is hidden; online, it is sent at once.
  let playing = null;  // the saved lesson in the player
  let watch = null;
  function watchedTake() {
    if (playing && watch) {
      const video = document.querySelector("[data-saved-player] video");
      watchedKeep(playing, watch.take(), video.currentTime).then(watchedSend);
    }
  }

  function savedPlay(player, meta) {
    const video = player.querySelector("video");
    if (!watch && window.preceptorWatch) {
      watch = window.preceptorWatch(video);
      video.addEventListener("pause", watchedTake);
      video.addEventListener("ended", watchedTake);
      video.addEventListener("loadedmetadata", () => watch.mark());
      setInterval(() => { if (!video.paused) watchedTake(); }, 5000);
      document.addEventListener("visibilitychange", () => { if (document.visibilityState === "hidden") watchedTake(); });
    }
    watchedTake();  // what was played of the lesson before belongs to that lesson
    playing = meta;
    video.replaceChildren();
    const source = document.createElement("source");
    source.src = meta.video;
    source.type = meta.videoType;
    video.append(source);
    if (meta.captions) {
      const track = document.createElement("track");
      Object.assign(track, { kind: "captions", src: meta.captions, srclang: meta.captionsLanguage, label: "Captions" });
      video.append(track);
    }
    player.querySelector("[data-saved-title]").textContent = meta.title;
    player.querySelector("[data-saved-transcript]").textContent = meta.transcript;
    player.hidden = false;
    video.load();
    video.focus();
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-offline-save]").forEach(async (box) => {
      box.hidden = false;
      box.querySelector("button").addEventListener("click", () => lessonSave(box));
      const cache = await caches.open(LESSONS);
      if (await cache.match(META + box.dataset.key)) {
        box.querySelector("[data-offline-status]").textContent = box.dataset.savedText;
      }
    });
    const root = document.querySelector("[data-saved-lessons]");
    if (root) {
      savedList(root).then(savedCheck).then(() => savedList(root));
    }
    watchedSend();  // on any page: the device may have been offline since the time was kept
  });
  window.addEventListener("online", watchedSend);
})();
