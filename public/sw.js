/*
 * Message Hub's service worker.
 *
 * - Precaches the offline shell (offline.html, the manifest, the icons).
 * - Caches /_next/static/* (content-hashed, identical for everyone) as the
 *   app loads them, so a return visit starts fast.
 * - Navigations go to the network; when it is unreachable, the offline page
 *   is served instead, and it shows the last inbox snapshot a page saved.
 * - NEVER caches /api/, /socket.io/ or any page HTML: those carry a user's
 *   data and are fetched with their credentials.
 * - Shows web pushes and opens their URL on click.
 *
 * Pages talk to it with postMessage:
 *   {type: "save-offline-data", name: "last-inbox", data}  keeps a snapshot
 *   {type: "clear-offline-data"}                            forgets them (sign-out)
 */
const VERSION = "v1";
const SHELL_CACHE = `mh-shell-${VERSION}`;
const STATIC_CACHE = "mh-static";
const DATA_CACHE = "mh-offline-data";
const OFFLINE_URL = "/offline.html";
const PRECACHE = [OFFLINE_URL, "/manifest.webmanifest", "/icons/icon.svg", "/icons/icon-192.png", "/icons/icon-512.png", "/icons/maskable-512.png", "/icons/badge-96.png"];
const DATA_NAMES = ["last-inbox"];
const MAX_SNAPSHOT_BYTES = 512 * 1024;
const MAX_STATIC_ENTRIES = 150;

function precacheShell() {
  return caches.open(SHELL_CACHE).then((cache) => cache.addAll(PRECACHE.map((url) => new Request(url, { credentials: "omit", cache: "reload" }))));
}

self.addEventListener("install", (event) => {
  event.waitUntil(precacheShell().then(() => self.skipWaiting()));
});

// A new deploy can change offline.html or the icons without changing this
// file, so the first successful navigation after the worker starts refreshes
// the precache in the background.
let shellRefreshed = false;
function refreshShell() {
  if (shellRefreshed) return Promise.resolve();
  shellRefreshed = true;
  return precacheShell().catch(() => {
    shellRefreshed = false;
  });
}

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name.startsWith("mh-shell-") && name !== SHELL_CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

/** A response that is safe to keep: ours, complete, and not marked private or personal. */
function cacheable(response) {
  if (!response || response.status !== 200 || response.type !== "basic") return false;
  const control = response.headers.get("cache-control") || "";
  return !/no-store|private/i.test(control) && !response.headers.has("set-cookie");
}

async function trimStatic(cache) {
  const keys = await cache.keys();
  await Promise.all(keys.slice(0, Math.max(0, keys.length - MAX_STATIC_ENTRIES)).map((key) => cache.delete(key)));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/") || url.pathname.startsWith("/socket.io")) return;

  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request).then(
        (response) => {
          event.waitUntil(refreshShell());
          return response;
        },
        async () => (await caches.match(OFFLINE_URL, { cacheName: SHELL_CACHE })) || Response.error(),
      ),
    );
    return;
  }

  if (url.pathname.startsWith("/_next/static/")) {
    event.respondWith(
      caches.open(STATIC_CACHE).then(async (cache) => {
        const hit = await cache.match(request);
        if (hit) return hit;
        const response = await fetch(request);
        if (cacheable(response)) {
          await cache.put(request, response.clone());
          void trimStatic(cache);
        }
        return response;
      }),
    );
    return;
  }

  if (PRECACHE.includes(url.pathname)) {
    // Fresh when online, the precached copy when not.
    event.respondWith(fetch(request).catch(async () => (await caches.match(url.pathname, { cacheName: SHELL_CACHE })) || Response.error()));
  }
});

self.addEventListener("message", (event) => {
  const message = event.data || {};
  if (message.type === "save-offline-data" && DATA_NAMES.includes(message.name)) {
    const body = JSON.stringify(message.data);
    if (body.length > MAX_SNAPSHOT_BYTES) return;
    event.waitUntil(
      caches.open(DATA_CACHE).then((cache) => cache.put(`/offline-data/${message.name}`, new Response(body, { headers: { "content-type": "application/json" } }))),
    );
  } else if (message.type === "clear-offline-data") {
    event.waitUntil(caches.delete(DATA_CACHE));
  }
});

/** Only paths inside the hub are opened; anything else falls back to the inbox. */
function safeTarget(value) {
  try {
    const url = new URL(typeof value === "string" ? value : "/inbox", self.location.origin);
    return url.origin === self.location.origin ? url.pathname + url.search + url.hash : "/inbox";
  } catch {
    return "/inbox";
  }
}

self.addEventListener("push", (event) => {
  let payload = {};
  try {
    payload = event.data ? event.data.json() : {};
  } catch {
    payload = { body: event.data ? event.data.text() : "" };
  }
  const title = typeof payload.title === "string" && payload.title ? payload.title : "Message Hub";
  event.waitUntil(
    self.registration.showNotification(title, {
      body: typeof payload.body === "string" ? payload.body : "",
      tag: typeof payload.tag === "string" ? payload.tag : undefined,
      icon: "/icons/icon-192.png",
      badge: "/icons/badge-96.png",
      data: { url: safeTarget(payload.url) },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = safeTarget(event.notification.data && event.notification.data.url);
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(async (windows) => {
      const exact = windows.find((client) => new URL(client.url).pathname + new URL(client.url).search === target);
      if (exact) return exact.focus();
      for (const client of windows) {
        try {
          // Only a window this worker controls can be navigated; others throw.
          const navigated = await client.navigate(target);
          if (navigated) return navigated.focus();
        } catch {
          // Try the next window, or open one.
        }
      }
      return self.clients.openWindow(target);
    }),
  );
});
