// actix-wizard's script for its pages, in three parts: drafts, revealed
// questions, the timeout warning.
//
// Drafts: keeps what a visitor typed on a step and did not send, so
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

// The timeout warning: a dialog that opens shortly before the run expires
// (the page says when, as the server last set it, not counting from the
// page's load) and offers to keep the answers. "Continue", or Escape,
// asks the server to keep the run; typing on the page since it last did
// keeps it without asking. Every tab of the same run hears of a later
// expiry through localStorage, and closes its own dialog. Once the time
// is up the dialog says the answers are gone. Without this script (or
// without JavaScript) nothing shows.
(function () {
  "use strict";
  var dialog = document.getElementById("wizard-timeout");
  if (!dialog || typeof dialog.showModal !== "function" || !window.fetch || !window.URLSearchParams) {
    return;
  }
  // htmx may run this script again with a new page: one timer at a time.
  if (window.wizardTimeoutTimer) {
    clearInterval(window.wizardTimeoutTimer);
  }
  var data = dialog.dataset;
  var warnMs = Number(data.warn) * 1000;
  var idleMs = Number(data.idle) * 1000;
  var deadline = Date.now() + Number(data.expiresIn) * 1000;
  var key = "actix-wizard-expiry:" + data.keepAlive;
  var heading = dialog.querySelector(".timeout__heading");
  var text = dialog.querySelector(".timeout__text");
  var time = dialog.querySelector(".timeout__time");
  var live = dialog.querySelector(".timeout__live");
  var button = dialog.querySelector(".timeout__continue");
  var token = document.querySelector("input[name='csrf_token']");
  var typed = false; // the visitor typed since the run was last kept
  var asking = false; // a keep-alive is on its way
  var gone = false;
  var announced = "";
  var returnTo = null;

  function shared() {
    try {
      return Number(localStorage.getItem(key)) || 0;
    } catch (e) {
      return 0;
    }
  }
  function publish() {
    try {
      if (shared() < deadline) {
        localStorage.setItem(key, String(deadline));
      }
    } catch (e) {
      // Storage refused (a private window): this tab keeps its own time.
    }
  }
  // How long is left, as the server words it: whole minutes, rounded
  // up, then seconds in the last minute.
  function words(ms) {
    var seconds = Math.max(1, Math.ceil(ms / 1000));
    var minutes = Math.ceil(seconds / 60);
    if (seconds === 1) {
      return data.second;
    }
    if (seconds < 60) {
      return data.seconds.replace("{n}", String(seconds));
    }
    return minutes === 1 ? data.minute : data.minutes.replace("{n}", String(minutes));
  }
  // What a screen reader hears again: each minute, then every 15 seconds.
  function spoken(ms) {
    return ms >= 60000 ? words(ms) : words(Math.ceil(ms / 15000) * 15000);
  }
  function open(left) {
    if (dialog.open) {
      return;
    }
    returnTo = document.activeElement;
    time.textContent = words(left);
    announced = spoken(left);
    dialog.showModal();
    heading.focus();
  }
  function close() {
    if (!dialog.open) {
      return;
    }
    dialog.close();
    live.textContent = "";
    if (returnTo && typeof returnTo.focus === "function") {
      returnTo.focus();
    }
    returnTo = null;
  }
  function expire() {
    gone = true;
    clearInterval(window.wizardTimeoutTimer);
    close();
    heading.textContent = data.goneHeading;
    text.hidden = true;
    button.hidden = true;
    var after = dialog.querySelector(".timeout__gone");
    after.hidden = false;
    dialog.setAttribute("aria-describedby", after.id);
    open(0);
  }
  function keepAlive() {
    if (asking || gone) {
      return;
    }
    asking = true;
    var body = new URLSearchParams();
    body.append("csrf_token", token ? token.value : "");
    fetch(data.keepAlive, { method: "POST", body: body, credentials: "same-origin" }).then(
      function (response) {
        asking = false;
        if (response.status === 204) {
          typed = false;
          deadline = Date.now() + idleMs;
          publish();
          close();
        } else if (response.status === 410) {
          expire();
        } else {
          typed = false; // ask the visitor instead
        }
      },
      function () {
        asking = false;
        typed = false;
      }
    );
  }
  function tick() {
    if (gone || !dialog.isConnected) {
      return;
    }
    deadline = Math.max(deadline, shared());
    var left = deadline - Date.now();
    if (left <= 0) {
      expire();
    } else if (left > warnMs) {
      close();
    } else if (typed && !dialog.open) {
      keepAlive();
    } else if (!dialog.open) {
      open(left);
    } else {
      time.textContent = words(left);
      if (spoken(left) !== announced) {
        announced = spoken(left);
        live.textContent = text.textContent;
      }
    }
  }

  button.addEventListener("click", keepAlive);
  dialog.addEventListener("cancel", function (event) {
    if (!gone) {
      event.preventDefault();
      keepAlive();
    }
  });
  document.addEventListener("input", function () {
    typed = true;
  });
  window.addEventListener("storage", function (event) {
    if (event.key === key) {
      tick();
    }
  });
  publish();
  window.wizardTimeoutTimer = setInterval(tick, 1000);
  tick();
})();
