// Questionnaires kept on this device (IndexedDB) until the server has them. Shared by the page
// (questionnaire.js) and the service worker (Background Sync), so either can send them.
// An item: {id: submission id, url, body (the urlencoded form), unit, filled (ISO time), state, message}.
// States: "queued" (sent as soon as possible) or "refused" (kept, with the server's message, until dismissed).
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

  function post(item) {
    return fetch(item.url, {
      method: "POST", body: item.body, credentials: "same-origin", cache: "no-store",
      headers: { "Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded" },
    });
  }

  // The token in a cached page is good while its csrftoken cookie lives; when that is gone the
  // server answers 403, and a fresh copy of the form brings a new cookie and token.
  async function renewToken(item) {
    var html = await (await fetch(item.url, { credentials: "same-origin", cache: "no-store" })).text();
    var match = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(html);
    if (!match) throw new Error("no CSRF token in the form");
    var body = new URLSearchParams(item.body);
    body.set("csrfmiddlewaretoken", match[1]);
    item.body = body.toString();
    await put(item);
  }

  var retryAt = 0;  // after a 429, wait as the server asks: each refused attempt costs a token

  // One attempt to send an item. Resolves to "sent", "refused", "invalid" (refused as incomplete),
  // "limited" (rate limit: try later) or "queued" (no network or no answer: try later).
  async function send(item) {
    var response, data = null;
    try {
      response = await post(item);
      if (response.status === 403) {
        await renewToken(item);
        response = await post(item);
      }
    } catch (error) {
      return "queued";
    }
    try { data = await response.json(); } catch (error) { /* not an answer of the form's view */ }
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
    if (response.status === 429) {
      retryAt = Date.now() + 1000 * (parseInt(response.headers.get("Retry-After"), 10) || 600);
      return "limited";
    }
    return "queued";
  }

  var running = null;

  // Send the queued items one at a time; resolves to {waiting: items left queued, limited: waiting for the rate limit}.
  function flush() {
    if (running) return running;
    running = (async function () {
      var items = (await all()).filter(function (item) { return item.state === "queued"; });
      var waiting = 0;
      for (var i = 0; i < items.length; i++) {
        if (Date.now() < retryAt) { waiting += items.length - i; break; }
        var state = await send(items[i]);
        if (state === "queued" || state === "limited") waiting += 1;
      }
      return { waiting: waiting, limited: Date.now() < retryAt };
    })();
    running.then(function () { running = null; }, function () { running = null; });
    return running;
  }

  scope.SkmQueue = { all: all, put: put, remove: remove, send: send, flush: flush };
})(self);
