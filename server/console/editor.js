// The item editor's live preview and draft keeping (the console's only script).
//
// Loaded from the console itself under a CSP that allows no inline script and requests
// only to the console. As the editor types, the form is posted (debounced) to
// /console/items/preview with its CSRF token; the server renders the body by the
// sidebar's rules and the fragment replaces the preview. The typed fields are also kept
// in this browser's localStorage, so a session that ends mid-edit (token revoked,
// 12 hours) loses nothing: after signing in again the editor offers the kept draft.
"use strict";
(function () {
  const form = document.getElementById("editor");
  const preview = document.getElementById("preview");
  const target = document.getElementById("preview-body");
  const state = document.getElementById("preview-state");
  if (!form || !preview || !target || !state) {
    return;
  }
  const PREFIX = "deskmate-draft:";
  const key = PREFIX + form.dataset.draftKey;
  const DELAY_MS = 300;
  let timer = 0;
  let sent = 0;

  function fields() {
    const out = {};
    for (const el of form.querySelectorAll("input[type=text], input[type=number], textarea, select")) {
      out[el.name] = el.value;
    }
    return out;
  }

  function store(name, value) {
    try {
      if (value === null) {
        window.localStorage.removeItem(name);
      } else {
        window.localStorage.setItem(name, JSON.stringify(value));
      }
    } catch (e) {
      // Storage off or full (a body of several MB): the draft is simply not kept.
    }
  }

  function stored(name) {
    try {
      return JSON.parse(window.localStorage.getItem(name) || "null");
    } catch (e) {
      return null;
    }
  }

  async function refresh() {
    const mine = ++sent;
    const data = new URLSearchParams(new FormData(form));
    data.set("action", "preview");
    let response;
    try {
      response = await fetch(preview.dataset.url, { method: "POST", body: data, credentials: "same-origin" });
    } catch (e) {
      state.textContent = state.dataset.failed;
      return;
    }
    if (mine !== sent) {
      return; // a newer request is on its way
    }
    if (response.redirected) {
      state.textContent = state.dataset.ended; // sent to sign in: the session has ended
      return;
    }
    if (!response.ok) {
      state.textContent = state.dataset.failed;
      return;
    }
    const html = await response.text();
    if (mine === sent) {
      target.innerHTML = html; // rendered and escaped by the server
      state.textContent = "";
    }
  }

  form.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      store(key, fields());
      refresh();
    }, DELAY_MS);
  });

  // A kept draft: offered when it differs from what the page shows, else dropped.
  const now = fields();
  if (!form.dataset.draftKey.startsWith("new:")) {
    const fresh = stored(PREFIX + "new:" + (now.source || ""));
    if (fresh && fresh.id === form.dataset.draftKey) {
      store(PREFIX + "new:" + (now.source || ""), null); // that new item has been saved
    }
  }
  const kept = stored(key);
  const offer = document.getElementById("draft-restore");
  const differs = kept && Object.keys(kept).some(function (name) {
    return name in now && kept[name] !== now[name];
  });
  if (!differs) {
    store(key, null);
  } else if (offer) {
    offer.hidden = false;
    document.getElementById("draft-restore-yes").addEventListener("click", function () {
      for (const el of form.querySelectorAll("input[type=text], input[type=number], textarea, select")) {
        if (el.name in kept) {
          el.value = kept[el.name];
        }
      }
      offer.hidden = true;
      refresh();
    });
    document.getElementById("draft-restore-no").addEventListener("click", function () {
      store(key, null);
      offer.hidden = true;
    });
  }
})();
