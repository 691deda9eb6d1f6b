// The join page: the link's secret is in the fragment (#code=… or #token=…), which the browser
// never sends to a server; it is traded here, in a POST body, for an HttpOnly cookie.
"use strict";
(function () {
  // a link pasted into this very tab changes only the fragment (no page load): load it properly
  window.addEventListener("hashchange", () => location.reload());
  const params = new URLSearchParams(location.hash.slice(1));
  const code = params.get("code") || "";
  const token = params.get("token") || "";
  if (location.hash) history.replaceState(null, "", location.pathname);  // keep the secret out of history
  const $ = (id) => document.getElementById(id);
  const error = $("join-error");

  async function post(path, body) {
    const r = await fetch(path, {
      method: "POST", credentials: "same-origin",
      headers: {"content-type": "application/json", "x-firedrill-console": "1"},
      body: JSON.stringify(body),
    });
    const doc = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error((doc.error && doc.error.message) || r.statusText);
    return doc;
  }
  const go = () => location.replace("/room");
  const fail = (e) => { error.textContent = e.message; };

  if (token) { post("/room/enter", {token}).then(go, fail); return; }
  if (!code) { $("code-missing").hidden = false; $("code-field").hidden = false; }
  const theCode = () => code || $("join-code").value.trim();

  $("join-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const role = document.querySelector("input[name=role]:checked");
    const name = $("join-name").value.trim();
    if (!name) { error.textContent = "Type your name: the timeline shows it next to what you do."; $("join-name").focus(); return; }
    $("join-button").disabled = true;
    post("/room/join", {code: theCode(), name, role: role ? role.value : ""}).then(go, (e) => {
      $("join-button").disabled = false; fail(e);
    });
  });
  $("watch-button").addEventListener("click", () => post("/room/enter", {token: theCode()}).then(go, fail));
  $("token-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    post("/room/enter", {token: $("token-input").value.trim()}).then(go, fail);
  });
  $("join-name").focus();
})();
