"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const copy = $("copy-pm");
  if (copy) copy.addEventListener("click", async () => {
    try { await navigator.clipboard.writeText($("postmortem").textContent); copy.textContent = "Copied"; }
    catch (e) { const r = document.createRange(); r.selectNodeContents($("postmortem"));
      getSelection().removeAllRanges(); getSelection().addRange(r); copy.textContent = "Selected: press Ctrl+C"; }
  });
  const form = $("eval-form");
  if (form) form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = Object.fromEntries(new FormData(form).entries());
    $("eval-result").textContent = "adding and verifying…";
    const r = await fetch("/room/eval", {method: "POST", credentials: "same-origin",
      headers: {"content-type": "application/json", "x-firedrill-console": "1"}, body: JSON.stringify(body)});
    const doc = await r.json().catch(() => ({}));
    if (!r.ok) { $("eval-result").textContent = (doc.error && doc.error.message) || r.statusText; return; }
    location.reload();
  });
})();
