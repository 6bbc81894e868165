// Questionnaires kept on this device (IndexedDB) until the server has them. Shared by the page
// (questionnaire.js) and the service worker (Background Sync), so either can send them.
// An item: {id: submission id, url, body (the urlencoded form), unit, filled (ISO time), state, message, code}.
// States: "queued" (sent as soon as possible) or "refused" (kept, with the server's message or the
// HTTP code of a refusal without one, until dismissed).
(function (scope) {
  "use strict";
  var DB_NAME = "skm-survei", STORE = "antrian";

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: "id" }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(STORE, mode);
        var request = work(transaction.objectStore(STORE));
        transaction.oncomplete = function () { db.close(); resolve(request.result); };
        transaction.onerror = transaction.onabort = function () { db.close(); reject(transaction.error); };
      });
    });
  }

  function all() { return withStore("readonly", function (store) { return store.getAll(); }); }
  function put(item) { return withStore("readwrite", function (store) { return store.put(item); }); }
  function remove(id) { return withStore("readwrite", function (store) { return store.delete(id); }); }

  // Each post carries the device's clock at that moment (dikirim_pada) besides the one when the form
  // was sent (diisi_pada): the server counts back the delay between them from its own clock, so a
  // device clock hours or days off still dates the answers right.
  function post(item) {
    var body = new URLSearchParams(item.body);
    body.set("dikirim_pada", new Date().toISOString());
    return fetch(item.url, {
      method: "POST", body: body.toString(), credentials: "same-origin", cache: "no-store",
      headers: { "Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded" },
    });
  }

  // The token in a cached page is good while its csrftoken cookie lives; when that is gone the
  // server answers 403, and its token address (scope.SKM_TOKEN_URL, set by the page or the worker)
  // brings a new cookie and token, even when the form itself is now closed or gone.
  // The renewed item is not stored: the page and the worker each hold a copy, and writing a stale
  // "queued" copy back could undo the other's "refused"; a later send renews again if need be.
  async function renewToken(item) {
    var response = await fetch(scope.SKM_TOKEN_URL, { credentials: "same-origin", cache: "no-store" });
    var token = (await response.json()).token;
    if (!token) throw new Error("no CSRF token");
    var body = new URLSearchParams(item.body);
    body.set("csrfmiddlewaretoken", token);
    return Object.assign({}, item, { body: body.toString() });
  }

  // The page and the worker may both find the cookie gone at once: one renewal and retry at a time,
  // so the second gets the cookie the first was given instead of replacing it under the first's post.
  function oneAtATime(work) {
    var locks = scope.navigator && scope.navigator.locks;
    return locks ? locks.request("skm-survei-token", work) : work();
  }

  async function answerOf(response) {
    try { return await response.json(); } catch (error) { return null; /* not an answer of the form's view */ }
  }

  // A client error that is not an answer of the form's view (the CSRF check, a unit that is gone...)
  // and not one that passes with time.
  function failed(response, data) {
    var code = response.status;
    return !(data && data.status) && code >= 400 && code < 500 && code !== 408 && code !== 429;
  }

  var retryAt = 0;  // after a 429, wait as the server asks: each refused attempt costs a token

  // One attempt to send an item. Resolves to "sent", "refused", "invalid" (refused as incomplete),
  // "limited" (rate limit: try later) or "queued" (no network or no answer: try later).
  async function send(item) {
    var response, data;
    try {
      response = await post(item);
      data = await answerOf(response);
      if (failed(response, data)) {  // a fresh token and one more try
        response = await oneAtATime(async function () {
          return post(await renewToken(item));
        });
        data = await answerOf(response);
      }
    } catch (error) {
      return "queued";
    }
    var status = data && data.status;
    if (status === "ok") {
      await remove(item.id);
      return "sent";
    }
    if (status === "refused" || status === "invalid") {
      item.state = "refused";
      item.message = data.message;
      await put(item);
      return status;
    }
    if (failed(response, data)) {
      // Refused again without a reason: waiting would not help. The page words it with the code.
      item.state = "refused";
      item.message = "";
      item.code = response.status;
      await put(item);
      return "refused";
    }
    if (response.status === 429) {
      retryAt = Date.now() + 1000 * (parseInt(response.headers.get("Retry-After"), 10) || 600);
      return "limited";
    }
    return "queued";
  }

  var running = null, again = false;

  // Send the queued items one at a time; resolves to {waiting: items left queued, limited: waiting for the rate limit}.
  // Asked again while sending (an item queued meanwhile, "try again"), it makes one more pass.
  function flush() {
    if (running) {
      again = true;
      return running;
    }
    running = (async function () {
      var waiting;
      do {
        again = false;
        var items = (await all()).filter(function (item) { return item.state === "queued"; });
        waiting = 0;
        for (var i = 0; i < items.length; i++) {
          if (Date.now() < retryAt) { waiting += items.length - i; break; }
          var state = await send(items[i]);
          if (state === "queued" || state === "limited") waiting += 1;
        }
      } while (again);
      return { waiting: waiting, limited: Date.now() < retryAt };
    })();
    running.then(function () { running = null; }, function () { running = null; });
    return running;
  }

  scope.SkmQueue = { all: all, put: put, remove: remove, send: send, flush: flush };
})(self);
