// actix-wizard: keeps what a visitor typed on a step and did not send, so
// that a reload or a closed tab does not lose it. It saves the form as the
// step's draft after a short pause in typing, and when the page is hidden
// or left, as a beacon (nothing waits for it). Never a password: those
// fields are left out here, and the server keeps no secret in a draft.
// Without this script (or without JavaScript) nothing changes.
(function () {
  "use strict";
  var marker = document.querySelector("form input[name='wizard_revision']");
  var form = marker && marker.form;
  if (!form || !navigator.sendBeacon || !window.FormData || !window.URLSearchParams || !window.URL) {
    return;
  }
  var PAUSE_MS = 1500; // after the last keystroke
  var LIMIT = 15000; // bytes: under the server's body limit
  var typed = false; // something changed since the page was shown
  var sending = false; // the visitor sent the form: no draft may follow
  var sent = null; // the last body saved
  var timer = null;
  // Not `form.action`: the buttons are named "action", and a named control
  // shadows the form's property.
  var target = new URL(form.getAttribute("action") || location.href, location.href).href;

  function body() {
    var data = new FormData(form);
    var secrets = form.querySelectorAll("input[type='password']");
    for (var i = 0; i < secrets.length; i++) {
      data.delete(secrets[i].name);
    }
    data.delete("action");
    var params = new URLSearchParams();
    data.forEach(function (value, name) {
      if (typeof value === "string") {
        params.append(name, value);
      }
    });
    params.append("action", "draft");
    return params.toString();
  }

  function save() {
    clearTimeout(timer);
    timer = null;
    if (!typed || sending) {
      return;
    }
    var text = body();
    if (text === sent || text.length > LIMIT) {
      return;
    }
    var blob = new Blob([text], { type: "application/x-www-form-urlencoded" });
    if (navigator.sendBeacon(target, blob)) {
      sent = text;
      form.setAttribute("data-draft-saved", String(text.length));
    }
  }

  form.addEventListener("input", function () {
    typed = true;
    clearTimeout(timer);
    timer = setTimeout(save, PAUSE_MS);
  });
  form.addEventListener("submit", function () {
    sending = true;
    clearTimeout(timer);
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      save();
    }
  });
  window.addEventListener("pagehide", save);
})();

// Questions revealed by an answer: what an option reveals is shown
// beneath it only while it is chosen. Without this script (or without
// JavaScript) every revealed question stays shown beneath its option.
(function () {
  "use strict";
  var inputs = document.querySelectorAll("input[data-aria-controls]");
  if (!inputs.length) {
    return;
  }
  function sync() {
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      var target = document.getElementById(input.getAttribute("data-aria-controls"));
      if (!target) {
        continue;
      }
      input.setAttribute("aria-controls", target.id);
      target.classList.toggle("choice__conditional--hidden", !input.checked);
    }
  }
  // A radio's change does not fire on the one it unchecks: every choice
  // of the page syncs them all.
  var choices = document.querySelectorAll("input[type='radio'], input[type='checkbox']");
  for (var j = 0; j < choices.length; j++) {
    choices[j].addEventListener("change", sync);
  }
  sync();
})();
