// The counter kiosk's idle guard: a form left half filled must not wait for the next respondent.
// After data-idle-seconds without a touch it asks "Masih mengisi?"; without an answer it loads a
// fresh, empty form. A pristine form has nothing to clear, so the clock starts at the first touch.
(function () {
  "use strict";
  var form = document.getElementById("kuesioner");
  var dialog = document.getElementById("masih-mengisi");
  if (!form || !dialog) return;
  var idle = (parseInt(form.dataset.idleSeconds, 10) || 90) * 1000;
  var grace = Math.min(30000, Math.max(5000, idle / 3));
  var button = dialog.querySelector("button");
  var waiting = null, clearing = null;

  function fresh() {
    location.replace(location.pathname);  // a new page: no answer of this respondent survives
  }

  function ask() {
    dialog.hidden = false;
    button.focus();
    clearing = setTimeout(fresh, grace);
  }

  function touched() {
    if (!dialog.hidden) return;
    clearTimeout(waiting);
    waiting = setTimeout(ask, idle);
  }

  button.addEventListener("click", function () {
    clearTimeout(clearing);
    dialog.hidden = true;
    touched();
  });
  ["pointerdown", "keydown", "input"].forEach(function (name) {
    document.addEventListener(name, touched, { capture: true, passive: true });
  });
  // Sent (or queued): the form was reset for the next respondent, who has not touched it yet.
  form.addEventListener("reset", function () { clearTimeout(waiting); });
})();
