// The questionnaire's service worker (loaded by /survei/sw.js after survey-queue.js): keeps each
// unit's form and its assets for offline use and sends queued questionnaires on Background Sync.
"use strict";
var CACHE = "skm-survei-v1";
var SYNC_TAG = "skm-survei-kirim";
var FORM_PATH = /^[^/]+\/$/;  // /survei/<kode>/ relative to the scope

// The page shown for a navigation that neither the network nor the cache can answer, with the
// stylesheets it links (the worker may be installed before any form stored them).
async function storeOfflinePage() {
  var cache = await caches.open(CACHE);
  var response = await fetch(new Request(self.SKM_OFFLINE_URL, { cache: "reload" }));
  if (!response.ok) throw new Error("offline page: " + response.status);
  var html = await response.clone().text();
  var sheets = [];
  html.replace(/<link rel="stylesheet" href="([^"]+)"/g, function (tag, href) { sheets.push(href); });
  await cache.put(self.SKM_OFFLINE_URL, response);
  await cache.addAll(sheets.filter(function (href, i) { return sheets.indexOf(href) === i; }));
}

self.addEventListener("install", function (event) {
  self.skipWaiting();
  // Without it the worker still keeps forms: installing must not fail over this page.
  event.waitUntil(storeOfflinePage().catch(function () {}));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("skm-survei-") === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

// The page names what it loaded (the form, its stylesheets, fonts and scripts, with the
// addresses Django gave them): the first visit is not yet under this worker.
self.addEventListener("message", function (event) {
  if (event.data && event.data.type === "precache") {
    event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(event.data.urls); }));
  }
});

function isForm(url) {
  return url.href.indexOf(self.registration.scope) === 0 && FORM_PATH.test(url.href.slice(self.registration.scope.length));
}

// A page: the network first (a form's fresh questions and token); without it, the stored copy of a
// form, or else the page that says what works offline (never the browser's own error).
async function pageFirstFromNetwork(request, form) {
  var cache = await caches.open(CACHE);
  try {
    var response = await fetch(request);
    if (form && response.ok) await cache.put(request.url, response.clone());
    return response;
  } catch (error) {
    var stored = (form && await cache.match(request.url, { ignoreVary: true })) ||
      await cache.match(self.SKM_OFFLINE_URL, { ignoreVary: true });
    if (stored) return stored;
    throw error;
  }
}

// Static assets: the stored copy at once, refreshed behind it (in production a changed file has a
// new name anyway; while developing, the next load shows the change).
async function assetFromCache(request) {
  var cache = await caches.open(CACHE);
  var fresh = fetch(request).then(function (response) {
    if (response.ok) cache.put(request, response.clone());
    return response;
  });
  var stored = await cache.match(request, { ignoreVary: true });
  if (stored) {
    fresh.catch(function () { /* offline: the stored copy serves */ });
    return stored;
  }
  return fresh;
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(pageFirstFromNetwork(request, isForm(url) && !url.search));
  } else if (url.pathname.indexOf(self.SKM_STATIC_URL) === 0) {
    event.respondWith(assetFromCache(request));
  }
});

async function notifyPages() {
  var pages = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  pages.forEach(function (page) { page.postMessage({ type: "queue-changed" }); });
}

self.addEventListener("sync", function (event) {
  if (event.tag !== SYNC_TAG) return;
  event.waitUntil(self.SkmQueue.flush().then(function (outcome) {
    return notifyPages().then(function () {
      // A rejected sync is retried by the browser later.
      if (outcome.waiting) throw new Error("questionnaires still waiting");
    });
  }));
});
