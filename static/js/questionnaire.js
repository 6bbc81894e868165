// Progressive enhancement of the questionnaire; without it the form posts as a plain page.
// The form is sent with fetch and kept on the device (survey-queue.js) until the server has it,
// so a respondent without signal loses nothing; a service worker keeps the form for offline use.
// The "survey closed" page runs it too: what waits on the device is still shown and sent there.
(function () {
  "use strict";
  // A form shown again with errors: the summary is read first and leads to each field, whose
  // question (a radio group's legend, above its first choice) comes into view with it.
  var summary = document.getElementById("kuesioner-errors");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!field) return;
      event.preventDefault();
      (field.closest("fieldset, [id^=div_id_]") || field).scrollIntoView({ block: "start" });
      field.focus({ preventScroll: true });
    });
  }
  var box = document.getElementById("antrian");
  if (!box || !window.SkmQueue || !window.indexedDB || !window.fetch || !window.URLSearchParams) return;
  var form = document.getElementById("kuesioner");
  var text = box.dataset;
  var button = form && form.querySelector("[type=submit]");
  var SYNC_TAG = "skm-survei-kirim";
  var registration = null;
  var busy = false, limited = false, sentNotice = false, note = "";
  // Ids seen queued here (or sent again): one gone from the store was sent, by this page or the
  // worker; one refused stays until sent or dismissed.
  var awaiting = {};
  var lastShown = "";
  self.SKM_TOKEN_URL = text.tokenUrl;  // where the queue gets a fresh CSRF token

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;  // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80;  // RFC 4122 variant
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function setField(name, value) {
    if (form.elements[name]) form.elements[name].value = value;  // an older cached page may lack one
  }

  // Each opening of the form is one questionnaire: a cached page carries an old server-made id.
  function openForm() {
    form.elements.submission_id.value = newId();
    setField("diisi_pada", "");
    setField("dikirim_pada", "");
    setField("dibuka_pada", new Date().toISOString());  // the filling duration, on the clock of diisi_pada
  }

  // Posted as a page after all: it carries the device's clock now too (see survey-queue.js post).
  function postAsPage() {
    setField("dikirim_pada", new Date().toISOString());
    form.submit();
  }

  function alertBox(kind, strong, message) {
    var row = document.createElement("div");
    row.className = "alert alert-" + kind;
    if (strong) {
      var head = document.createElement("strong");
      head.textContent = strong;
      row.appendChild(head);
      row.appendChild(document.createTextNode(": "));
    }
    row.appendChild(document.createTextNode(message));
    return row;
  }

  async function render() {
    var items = await window.SkmQueue.all();
    var kept = {};
    items.forEach(function (item) {
      kept[item.id] = true;
      if (item.state === "queued") awaiting[item.id] = true;
    });
    Object.keys(awaiting).forEach(function (id) {
      if (!kept[id]) {
        sentNotice = true;
        delete awaiting[id];
      }
    });
    // Rebuilt only when something changed: the worker reports every attempt, and a list redrawn
    // under the respondent's finger would swallow the tap on its buttons.
    var shown = JSON.stringify([note, sentNotice, limited, items.map(function (item) {
      return [item.id, item.state, item.message, item.code];
    })]);
    if (shown === lastShown) return;
    lastShown = shown;
    box.replaceChildren();
    if (note) box.appendChild(alertBox("danger", "", note));
    if (sentNotice) box.appendChild(alertBox("success", "", text.textSent));
    items.forEach(function (item) {
      var refused = item.state === "refused";
      var row = refused
        ? alertBox("danger", text.textRefused, item.message || text.textFailed.replace("{code}", item.code))
        : alertBox("warning", "", limited ? text.textLimited : text.textQueued);
      row.dataset.state = item.state;
      var detail = document.createElement("div");
      detail.className = "small";
      detail.textContent = item.unit + " · " + text.textFilled + " " + new Date(item.filled).toLocaleString(document.documentElement.lang || undefined);
      row.appendChild(detail);
      if (refused) {
        var dismiss = document.createElement("button");
        dismiss.type = "button";
        dismiss.className = "btn btn-sm btn-outline-danger mt-2";
        dismiss.textContent = text.textDismiss;
        dismiss.addEventListener("click", function () {
          delete awaiting[item.id];  // dismissed, not sent
          window.SkmQueue.remove(item.id).then(render);
        });
        row.appendChild(dismiss);
        if (!item.message) {
          // Refused without the form's own answer (a proxy, a captive portal...): may pass later.
          var again = document.createElement("button");
          again.type = "button";
          again.className = "btn btn-sm btn-outline-primary mt-2 ms-2";
          again.textContent = text.textRetry;
          again.addEventListener("click", function () {
            item.state = "queued";
            awaiting[item.id] = true;  // so that its sending is reported
            window.SkmQueue.put(item).then(flushAndRender);
          });
          row.appendChild(again);
        }
      }
      box.appendChild(row);
    });
    box.hidden = !box.childElementCount;
  }

  async function flushAndRender() {
    try {
      limited = (await window.SkmQueue.flush()).limited;
    } catch (error) { /* the store is unavailable: nothing was queued here */ }
    await render();
  }

  function askForSync() {
    if (registration && registration.sync) registration.sync.register(SYNC_TAG).catch(function () {});
  }

  async function submit() {
    busy = true;
    button.disabled = true;
    note = "";
    form.elements.diisi_pada.value = new Date().toISOString();
    var item = {
      id: form.elements.submission_id.value, url: form.action, body: new URLSearchParams(new FormData(form)).toString(),
      unit: text.unit, filled: form.elements.diisi_pada.value, state: "queued",
    };
    try {
      await window.SkmQueue.put(item);
    } catch (error) {
      postAsPage();  // no storage on this device (e.g. private browsing): post it as without JavaScript
      return;
    }
    var state = await window.SkmQueue.send(item);
    if (state === "sent") {
      location.assign(text.thanksUrl);
      return;
    }
    if (state === "invalid") {
      // The server's own page names each problem and keeps what was filled in.
      await window.SkmQueue.remove(item.id);
      postAsPage();
      return;
    }
    limited = state === "limited";
    if (state !== "refused") askForSync();
    // Stored on the device (or refused with a reason): the form is free for the next respondent.
    form.reset();
    openForm();
    busy = false;
    button.disabled = false;
    await render();
    box.scrollIntoView({ block: "start" });
  }

  if (form) form.addEventListener("submit", function (event) {
    if (!form.checkValidity()) {
      if (navigator.onLine) return;  // the server's page names every missing answer, as without JavaScript
      event.preventDefault();
      note = text.textIncomplete;
      form.reportValidity();
      render();
      return;
    }
    event.preventDefault();
    if (!busy) submit();
  });

  // Shown again from the back-forward cache (Back after sending, on a device the next respondent
  // uses): nothing of the previous respondent may be there, not even as the values a page re-shown
  // with errors carries as its defaults, so form.reset() alone is not enough. The page is also
  // served with Cache-Control: no-store and autocomplete="off", so that without JavaScript the
  // browser brings a fresh form instead.
  function clearForm() {
    form.reset();
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.type === "radio" || field.type === "checkbox") {
        field.checked = false;
      } else if (field.tagName === "SELECT") {
        var blank = Array.prototype.findIndex.call(field.options, function (option) { return option.value === ""; });
        field.selectedIndex = blank >= 0 ? blank : 0;
      } else if (field.tagName === "TEXTAREA" || ["text", "number", "email", "tel", "search"].indexOf(field.type) >= 0) {
        field.value = "";
      }
      field.classList.remove("is-invalid");
    });
    Array.prototype.forEach.call(form.querySelectorAll(".invalid-feedback"), function (feedback) { feedback.hidden = true; });
    var errors = document.getElementById("kuesioner-errors");
    if (errors) errors.hidden = true;
    openForm();
    busy = false;
    button.disabled = false;
    note = "";
  }

  if (form) {
    openForm();
    window.addEventListener("pageshow", function (event) {
      if (!event.persisted) return;
      clearForm();
      flushAndRender();
    });
  }
  window.addEventListener("online", flushAndRender);
  setInterval(flushAndRender, 60000);
  flushAndRender();

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "queue-changed") render();
    });
    var loaded = new Promise(function (resolve) {
      if (document.readyState === "complete") resolve();
      else window.addEventListener("load", resolve);
    });
    navigator.serviceWorker.register(text.serviceWorker)
      .then(function () { return Promise.all([navigator.serviceWorker.ready, loaded]); })
      .then(function (ready) {
        registration = ready[0];
        // What this page loaded, under the names Django gave it (hashed in production).
        var urls = [location.pathname];
        performance.getEntriesByType("resource").forEach(function (entry) {
          var url = new URL(entry.name);
          var wanted = url.origin === location.origin && ["link", "css", "script"].indexOf(entry.initiatorType) >= 0;
          if (wanted && urls.indexOf(url.pathname) < 0) urls.push(url.pathname);  // addAll refuses duplicates
        });
        registration.active.postMessage({ type: "precache", urls: urls });
      })
      .catch(function () { /* no worker: the form still works online */ });
  }
})();
