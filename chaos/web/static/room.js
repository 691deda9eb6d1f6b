// The incident room console: live state over server-sent events, actions through /drill/*.
// Everything the server sends is drawn with textContent (never innerHTML) except fragments the
// server rendered itself with autoescaping Jinja2 templates.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const room = $("room");
  const ORIGIN_S = Number(room.dataset.originS);
  const FACILITATOR = room.dataset.facilitator === "yes";
  const CAN_ACT = room.dataset.canAct === "yes";
  const TITLE = document.title;
  // a link opened by someone already in the room: a token in it switches who this browser is. A
  // link pasted into this very tab changes only the fragment (no page load), so listen for that too.
  function followLink() {
    const linked = new URLSearchParams(location.hash.slice(1));
    if (location.hash) history.replaceState(null, "", location.pathname);
    if (!linked.get("token")) return false;
    fetch("/room/enter", {method: "POST", credentials: "same-origin", body: JSON.stringify({token: linked.get("token")}),
      headers: {"content-type": "application/json", "x-firedrill-console": "1"}}).then(() => location.reload());
    return true;
  }
  window.addEventListener("hashchange", followLink);
  if (followLink()) return;

  // ---- talking to the server ----------------------------------------------------------------
  async function send(method, path, body) {
    const r = await fetch(path, {
      method, credentials: "same-origin",
      headers: {"content-type": "application/json", "x-firedrill-console": "1"},
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const type = r.headers.get("content-type") || "";
    const doc = type.includes("json") ? await r.json().catch(() => ({})) : await r.text();
    if (!r.ok) throw new Error((doc && doc.error && doc.error.message) || `${r.status} ${r.statusText}`);
    return doc;
  }
  async function fragment(el, path, method = "GET", body) {
    el.setAttribute("aria-busy", "true");
    try { el.innerHTML = await send(method, path, body); }  // server-rendered, autoescaped
    catch (e) { el.textContent = e.message; }
    finally { el.removeAttribute("aria-busy"); }
  }
  let toastTimer;
  function toast(text, bad = false) {
    const t = $("toast");
    t.textContent = text; t.className = "toast show" + (bad ? " bad" : "");
    clearTimeout(toastTimer); toastTimer = setTimeout(() => { t.className = "toast"; }, 6000);
  }
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // ---- confirmation --------------------------------------------------------------------------
  function confirmThen(text, label, then) {
    const dlg = $("confirm");
    $("confirm-text").textContent = text;
    $("confirm-ok").textContent = label || "Do it";
    dlg.returnValue = "";
    dlg.onclose = () => { if (dlg.returnValue === "ok") then(); };
    dlg.showModal();
    $("confirm-cancel").focus();
  }

  // ---- tabs (arrow keys move between them) ------------------------------------------------------
  const tabs = Array.from(document.querySelectorAll("[role=tab]"));
  const loaders = {
    "panel-changes": () => fragment($("changes"), "/room/part/changes"),
    "panel-provider": () => fragment($("provider"), "/room/part/provider"),
    "panel-dashboard": () => charts.forEach((c) => c.resize()),
  };
  function select(tab) {
    tabs.forEach((t) => {
      const on = t === tab;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.tabIndex = on ? 0 : -1;
      $(t.getAttribute("aria-controls")).hidden = !on;
    });
    const load = loaders[tab.getAttribute("aria-controls")];
    if (load) load();
  }
  tabs.forEach((t, i) => {
    t.addEventListener("click", () => select(t));
    t.addEventListener("keydown", (ev) => {
      const step = ev.key === "ArrowRight" ? 1 : ev.key === "ArrowLeft" ? -1 : 0;
      if (!step) return;
      const next = tabs[(i + step + tabs.length) % tabs.length];
      next.focus(); select(next);
    });
  });

  // ---- dashboard charts (uPlot) ---------------------------------------------------------------
  const clock = (t) => {
    const s = ORIGIN_S + Math.round(t);
    return `${String(Math.floor(s / 3600) % 24).padStart(2, "0")}:${String(Math.floor(s / 60) % 60).padStart(2, "0")}`;
  };
  const FORMAT = {
    "%": (v) => (v === 0 ? "0%" : `${(v * 100).toFixed(v < 0.1 ? 1 : 0)}%`),
    "ms": (v) => (v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`),
    "$": (v) => (v === 0 ? "$0" : `$${Number(v.toPrecision(2))}`),  // $0.00005, not $0.000050
    "req/s": (v) => `${v.toFixed(1)}/s`,
    "tokens": (v) => `${Math.round(v)}`,
  };
  const charts = [];
  function makeChart(fig) {
    const key = fig.dataset.series, unit = fig.dataset.unit, fmt = FORMAT[unit];
    const box = fig.querySelector(".plot");
    const colour = {error_rate: "#c92a2a", p99_ms: "#1864ab", quality: "#2b8a3e", refusal_rate: "#862e9c",
      cost_per_request: "#e67700", request_rate: "#495057", avg_context_tokens: "#0b7285"}[key];
    let plot = null, data = [[], []];
    const height = () => Math.round(Math.min(240, Math.max(120, window.innerHeight * 0.18)));
    const opts = () => ({
      width: Math.max(160, box.clientWidth), height: height(), legend: {show: false}, cursor: {y: false},
      scales: {x: {time: false}, y: unit === "%" ? {range: [0, 1]} : {range: (u, lo, hi) => [0, Math.max(hi * 1.15, 1e-6)]}},
      axes: [
        {values: (u, ticks) => ticks.map(clock), stroke: "#343a40", grid: {stroke: "#e9ecef"}, size: 28},
        {values: (u, ticks) => ticks.map(fmt), stroke: "#343a40", grid: {stroke: "#e9ecef"}, size: 76},
      ],
      series: [{}, {stroke: colour, width: 2, fill: colour + "22", spanGaps: false}],
    });
    return {
      key, fmt,
      update(series) {
        data = [series.t_s || [], series[key] || []];
        if (!window.uPlot || !data[0].length) return;
        if (!plot) { box.textContent = ""; plot = new uPlot(opts(), data, box); }
        else plot.setData(data);
      },
      resize() { if (plot && box.clientWidth) plot.setSize({width: box.clientWidth, height: height()}); },
    };
  }
  document.querySelectorAll(".chart").forEach((fig) => charts.push(makeChart(fig)));
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));

  // the header and banner stay on top; what sticks below them needs their height
  const sticky = document.querySelector(".sticky");
  const measure = () => document.documentElement.style.setProperty("--sticky-h", `${sticky.offsetHeight}px`);
  window.addEventListener("resize", measure);
  measure();

  // ---- live state ---------------------------------------------------------------------------------
  let lastState = "", paged = false;
  function showState(s) {
    $("clock").textContent = s.time;
    const state = s.state;
    if (state === lastState) return;
    lastState = state;
    const badge = $("state");
    badge.textContent = state.toUpperCase();
    badge.className = `state state-${state}`;
    document.body.dataset.state = state;
    const banner = $("banner");
    if (state === "running") { banner.hidden = true; document.title = TITLE; }
    else {
      banner.hidden = false;
      banner.className = `banner banner-${state}`;
      $("banner-word").textContent = state.toUpperCase();
      $("banner-text").textContent = state === "paused"
        ? "The facilitator stopped the drill clock. Traffic, faults and the score wait until they resume."
        : "The drill is over: nothing done now counts. Time for the debrief.";
      $("banner-debrief").hidden = state !== "ended";
      $("debrief-link").hidden = !(state === "ended" || FACILITATOR);
      document.title = `${state.toUpperCase()} · ${TITLE}`;
    }
    measure();
    document.querySelectorAll("#room button.control, #declare-form button, #note-form button, #hint-button")
      .forEach((b) => { b.disabled = state === "ended"; });
  }
  function showPage(s) {
    if (!s.paged || !s.briefing || paged) return;
    paged = true;
    $("page-none").hidden = true;
    $("page-body").hidden = false;
    $("page-text").textContent = s.briefing.page;
    const ul = $("page-reports");
    ul.textContent = "";
    (s.briefing.reports || []).forEach((r) => ul.appendChild(el("li", "", r)));
    $("page-card").classList.remove("quiet");
    $("page-card").classList.add("paged");
    if (s.state === "running") toast("PAGE: " + s.briefing.page, true);  // news, not a reminder after the end
  }
  function showAlerts(s) {
    const ul = $("alerts");
    ul.textContent = "";
    if (!s.alerts.length) ul.appendChild(el("li", "muted", "none"));
    s.alerts.forEach((a) => ul.appendChild(el("li", "alert-firing",
      `${a.alert} since ${a.since}: ${a.value_shown} (threshold ${a.threshold_shown})`)));
    const c = s.controls;
    $("controls-now").textContent = `feature ${c.feature_on ? "on" : "OFF"} · fallback ${c.fallback} · model ${c.model} · ` +
      `prompt ${c.prompt} · disclaimer ${c.disclaimer ? "on" : "off"} · disabled topics ${c.disabled_topics.join(", ") || "none"} · ` +
      `index built ${c.index_built}`;
  }
  const roles = {};
  function showMembers(s) {
    const ul = $("members");
    ul.textContent = "";
    if (!s.members.length) ul.appendChild(el("li", "muted", "nobody yet"));
    s.members.forEach((m) => { roles[m.name] = m.title; ul.appendChild(el("li", "", `${m.name} — ${m.title}`)); });
    showPeople();
  }
  function showBoard(s) {
    charts.forEach((c) => {
      c.update(s.series);
      const v = s.metrics ? s.metrics[c.key] : null;
      $(`now-${c.key}`).textContent = v === null || v === undefined ? "–" : c.fmt(v);
    });
  }

  // ---- the shared timeline ------------------------------------------------------------------------
  const lastDid = {};
  let lastSeq = 0;  // entries arrive once even if the stream reconnects
  function showPeople() {
    const body = $("people");
    if (!body) return;
    body.textContent = "";
    const names = Object.keys(roles);
    if (!names.length) { const tr = el("tr"); const td = el("td", "muted", "nobody has joined yet"); td.colSpan = 4; tr.appendChild(td); body.appendChild(tr); }
    names.forEach((n) => {
      const tr = el("tr");
      const did = lastDid[n] || {text: "nothing yet", time: ""};
      [n, roles[n], did.text, did.time].forEach((v) => tr.appendChild(el("td", "", v)));
      body.appendChild(tr);
    });
  }
  function addTimeline(lines) {
    const ol = $("timeline");
    let changed = false;
    lines.forEach((e) => {
      if (e.seq <= lastSeq) return;
      lastSeq = e.seq;
      const li = el("li", `tl tl-${e.kind}`);
      li.dataset.kind = e.kind;
      li.appendChild(el("time", "", e.time));
      if (e.actor) li.appendChild(el("span", "who", roles[e.actor] ? `${e.actor} (${roles[e.actor]})` : e.actor));
      li.appendChild(el("span", "what", e.text));
      ol.appendChild(li);
      if (e.actor && e.kind !== "role") lastDid[e.actor] = {text: e.text, time: e.time};
      if (e.kind === "change" || e.kind === "action") changed = true;
      if (e.kind === "hint") $("hints") && $("hints").appendChild(el("li", "", `${e.actor}: ${e.text}`));
    });
    ol.scrollTop = ol.scrollHeight;
    if (changed) refreshChanges();
    showPeople();
  }
  async function refreshChanges() {
    if (!$("panel-changes").hidden) fragment($("changes"), "/room/part/changes");
    const pick = $("d-change");
    if (!pick) return;
    const html = await send("GET", "/room/part/changes").catch(() => "");
    const doc = new DOMParser().parseFromString(html, "text/html");
    const kept = pick.value;
    pick.textContent = "";
    pick.appendChild(new Option("—", ""));
    doc.querySelectorAll("tbody tr").forEach((tr) => {
      const cells = tr.querySelectorAll("td");
      pick.appendChild(new Option(`${cells[1].textContent} · ${cells[0].textContent} · ${cells[3].textContent}`.slice(0, 90),
        cells[1].textContent));
    });
    pick.value = kept;
  }

  // ---- the stream -------------------------------------------------------------------------------
  const source = new EventSource("/room/events");
  source.addEventListener("status", (ev) => {
    const s = JSON.parse(ev.data);
    showState(s); showPage(s); showAlerts(s); showMembers(s); showBoard(s);
  });
  source.addEventListener("timeline", (ev) => addTimeline(JSON.parse(ev.data)));
  source.addEventListener("end", () => source.close());  // the drill is over: nothing more will come
  source.addEventListener("error", () => {
    if (lastState === "ended" && source.readyState === EventSource.CLOSED) return;
    $("state").textContent = lastState === "ended" ? "ENDED (server stopped)" : "reconnecting…";
    if (lastState !== "ended") lastState = "";
  });

  // ---- acting -------------------------------------------------------------------------------------
  document.querySelectorAll("button.control").forEach((b) => b.addEventListener("click", () => {
    const pick = b.dataset.picker ? $(b.dataset.picker) : null;
    const arg = pick ? pick.value : "";
    const shown = pick ? (pick.selectedOptions[0] ? pick.selectedOptions[0].textContent : arg) : "";
    confirmThen(b.dataset.confirm.replace("{arg}", shown), b.dataset.label, () =>
      send("POST", "/drill/act", {action: b.dataset.action, arg: arg || null})
        .then((r) => toast(`${r.at} ${r.message}`), (e) => toast(e.message, true)));
  }));

  const declare = $("declare-form");
  if (declare) declare.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const f = new FormData(declare);
    const body = {};
    ["symptom", "cause", "change_id", "started", "segment"].forEach((k) => { if (f.get(k)) body[k] = f.get(k); });
    if (f.get("fraction") !== "" && f.get("fraction") !== null) body.fraction = Number(f.get("fraction")) / 100;
    const topics = f.getAll("topics");
    if (topics.length) body.topics = topics;
    if (!Object.keys(body).length) { toast("Fill in at least one field to declare.", true); return; }
    send("POST", "/drill/declare", body).then((r) => toast(`${r.at} declared`), (e) => toast(e.message, true));
  });

  const note = $("note-form");
  if (note) note.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const text = $("note-text").value.trim();
    if (!text) { $("note-text").focus(); return; }
    send("POST", "/drill/note", {text}).then(() => { $("note-text").value = ""; }, (e) => toast(e.message, true));
  });

  const hint = $("hint-button");
  if (hint) {
    const costs = hint.dataset.costs.split(",").map(Number);
    hint.addEventListener("click", () => {
      const taken = $("hints").children.length;
      const cost = costs[Math.min(taken, costs.length - 1)];
      confirmThen(`Take hint ${taken + 1} of ${costs.length}: it costs the team ${cost} points off the final score.`,
        `Take it (−${cost})`, () => send("POST", "/drill/hint").then(
          (r) => toast(r.hint ? `hint: ${r.hint}` : r.message), (e) => toast(e.message, true)));
    });
  }

  // ---- traces explorer ----------------------------------------------------------------------------
  const filters = $("trace-filters");
  filters.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const q = new URLSearchParams();
    new FormData(filters).forEach((v, k) => { if (v) q.set(k, v); });
    fragment($("traces"), `/room/part/traces?${q}`);
  });
  $("traces").addEventListener("click", async (ev) => {
    const b = ev.target.closest("[data-trace]");
    if (!b) return;
    await fragment($("trace-detail"), `/room/part/traces/${encodeURIComponent(b.dataset.trace)}`);
    $("trace-detail").focus();
  });
  $("trace-detail").addEventListener("submit", (ev) => {
    const form = ev.target.closest("form.replay");
    if (!form) return;
    ev.preventDefault();
    const f = new FormData(form);
    fragment(form.nextElementSibling, "/room/part/replay", "POST",
      {trace_id: form.dataset.traceId, prompt: f.get("prompt"), model: f.get("model")});
  });

  // ---- the facilitator ------------------------------------------------------------------------------
  document.querySelectorAll("button.fac").forEach((b) => b.addEventListener("click", () =>
    confirmThen(b.dataset.confirm, b.textContent, () =>
      send("POST", `/drill/${b.dataset.fac}`).then(() => toast(`${b.textContent}: done`), (e) => toast(e.message, true)))));
  const inject = $("inject-form");
  if (inject) {
    const typeSel = $("inject-type");
    const sets = () => inject.querySelectorAll("fieldset[data-params-for]");
    typeSel.addEventListener("change", () => sets().forEach((fs) => {
      const on = fs.dataset.paramsFor === typeSel.value;
      fs.hidden = !on; fs.disabled = !on;
    }));
    const list = (v) => v.split(",").map((s) => s.trim()).filter(Boolean);
    inject.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const params = {};
      inject.querySelector(`fieldset[data-params-for="${typeSel.value}"]`).querySelectorAll("[data-param]").forEach((i) => {
        const kind = i.dataset.kind;
        if (kind === "bool") params[i.dataset.param] = i.checked;
        else if (i.value === "") return;
        else if (kind === "number" || kind === "integer") params[i.dataset.param] = Number(i.value);
        else if (kind === "list") params[i.dataset.param] = list(i.value);
        else params[i.dataset.param] = i.value;
      });
      const target = {fraction: Number($("inject-fraction").value || 1)};
      if (list($("inject-topics").value).length) target.topics = list($("inject-topics").value);
      if (list($("inject-segments").value).length) target.segments = list($("inject-segments").value);
      const spec = {type: typeSel.value, params, target};
      confirmThen(`Inject ${spec.type} now with ${JSON.stringify(params)} on ${Math.round(target.fraction * 100)}% of matching requests. ` +
        "The debrief marks it as your injection.", "Inject", () =>
        send("POST", "/drill/inject", spec).then((r) => toast(`injected ${r.id}`), (e) => toast(e.message, true)));
    });
  }

  $("leave").addEventListener("click", () => send("POST", "/room/leave").finally(() => location.replace("/room")));
})();
