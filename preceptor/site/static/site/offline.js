// Lessons saved for offline viewing (decision 0041): "Save for offline" on a lesson keeps its video, captions and
// transcript in Cache Storage ("preceptor-lessons"); /offline/saved/ lists them with their size, plays them without
// a network and removes them. The service worker (sw.js) answers from this cache only when the network fails, and
// empties it when the member signs out.
"use strict";
(() => {
  const LESSONS = "preceptor-lessons";
  const META = "/offline/saved/lesson/";  // + "<course>/<lesson>": the lesson's title, files and transcript (JSON)
  if (!("caches" in window) || !("serviceWorker" in navigator)) {
    return;  // nothing to offer: the button stays hidden
  }

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
        size, savedAt: new Date().toISOString(),
      };
      await cache.put(META + meta.key, new Response(JSON.stringify(meta), { headers: { "Content-Type": "application/json" } }));
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

  function savedPlay(player, meta) {
    const video = player.querySelector("video");
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
  });
})();
