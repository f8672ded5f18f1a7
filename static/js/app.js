// What every page shares: API calls (session + CSRF), following an execution's events with
// resume after a reconnect, announcing changes to screen readers, small formatting helpers.
"use strict";
const RE = (() => {
  function csrf() {
    const cookie = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
    return cookie ? decodeURIComponent(cookie.split("=")[1]) : "";
  }

  async function api(path, { method = "GET", body, form } = {}) {
    const headers = { Accept: "application/json", "X-CSRFToken": csrf() };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(`/api/v1/${path}`, {
      method, headers, credentials: "same-origin",
      body: form || (body === undefined ? undefined : JSON.stringify(body)),
    });
    let data = null;
    try { data = parse(await response.text()); } catch (_) { /* no body */ }
    if (!response.ok) {
      const error = new Error((data && data.error && data.error.message) || response.statusText);
      error.status = response.status;
      error.detail = (data && data.error) || {};
      throw error;
    }
    return data;
  }

  // Every event once, in order; reconnects with ?after=<last seq> until execution_completed.
  function follow(executionId, onEvent, onEnd, after = 0) {
    let last = after, retry = 500, socket = null, stopped = false, ended = false;
    function open() {
      const scheme = location.protocol === "https:" ? "wss" : "ws";
      socket = new WebSocket(`${scheme}://${location.host}/ws/executions/${executionId}/?after=${last}`);
      socket.onopen = () => { retry = 500; setLive(true); };
      socket.onmessage = (message) => {
        const event = parse(message.data);
        if (event.seq <= last) return;
        last = event.seq;
        if (WAITS_CHANGE.has(event.type)) approvalsSoon();
        onEvent(event);
      };
      socket.onclose = (close) => {
        if (stopped || close.code === 4000) { setLive("ended"); ended = true; if (onEnd) onEnd(); return; }
        if (close.code >= 4400 && close.code < 4500) { setLive("refused"); return; }
        setLive(false);
        setTimeout(open, retry);
        retry = Math.min(retry * 2, 8000);
      };
    }
    open();
    return { stop() { stopped = true; if (socket) socket.close(); },
      get last() { return last; }, get ended() { return ended; } };
  }

  // The navigation's count of what waits on the user (approvals), kept current without a
  // reload: read again every APPROVALS_EVERY_MS while the page is shown, when it is shown
  // again, at once when a followed run starts or stops waiting, and after a decision taken
  // on this page (approval.js). One small read of GET /api/v1/approvals/.
  const APPROVALS_EVERY_MS = 10000;
  const WAITS_CHANGE = new Set(["step_waiting", "step_completed", "step_failed", "step_cancelled",
    "execution_completed"]);
  let approvalsTimer = null;

  function approvalsSoon(delay = 300) {
    clearTimeout(approvalsTimer);
    approvalsTimer = setTimeout(refreshApprovals, delay);
  }

  async function refreshApprovals() {
    const link = document.getElementById("nav-approvals");
    if (!link) return;
    clearTimeout(approvalsTimer);
    approvalsTimer = setTimeout(refreshApprovals, APPROVALS_EVERY_MS);
    if (document.hidden) return;
    let count;
    try { count = (await api("approvals/")).length; } catch (_) { return; }  // next time
    const badge = link.querySelector(".badge");
    const before = badge ? Number(badge.textContent) : 0;
    if (count === before) return;
    if (!count) { badge.remove(); return; }
    const shown = badge || link.appendChild(el("span", { class: "badge warning" }));
    shown.textContent = String(count);
    shown.setAttribute("aria-label", `${count} waiting for you`);
    if (count > before) announce(`${count} approval${count === 1 ? "" : "s"} waiting for you`);
  }

  function setLive(state) {
    const badge = document.getElementById("live-badge");
    const labels = { true: "● live", false: "○ reconnecting…", ended: "■ finished: all events shown",
      refused: "✖ live updates refused" };
    if (badge) { badge.textContent = labels[state]; badge.dataset.live = state; }
  }

  function announce(text) {
    const region = document.getElementById("announcer");
    if (!region) return;
    region.textContent = "";
    setTimeout(() => { region.textContent = text; }, 30);
  }

  const ICONS = { succeeded: "✔", failed: "✖", running: "▶", queued: "…", pending: "·",
    retrying: "↻", skipped: "⤼", cancelled: "■", paused: "❚❚", waiting: "✎" };

  function statusBadge(status) {
    const span = document.createElement("span");
    span.className = `badge ${status}`;
    span.textContent = `${ICONS[status] || ""} ${status}`;
    return span;
  }

  // The one formatter of durations and times: "480 ms", "41.4 s", "2 min 3 s", "1 h 5 min";
  // a moment in the reader's own zone with how long ago it was.
  function duration(value) {
    if (value === null || value === undefined || value === "" || !Number.isFinite(Number(value))) return "–";
    const millis = Number(value);
    if (millis < 1000) return `${Math.round(millis)} ms`;
    if (millis < 59950) return `${(millis / 1000).toFixed(1)} s`;
    const seconds = Math.round(millis / 1000);
    if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
    const hours = Math.floor(seconds / 3600);
    return hours < 48 ? `${hours} h ${Math.floor((seconds % 3600) / 60)} min` : `${Math.floor(hours / 24)} d ${hours % 24} h`;
  }

  function ago(when, now = Date.now()) {
    const seconds = Math.round((now - when.getTime()) / 1000);
    const future = seconds < 0, size = Math.abs(seconds);
    if (size < 10) return "just now";
    const [amount, unit] = size < 60 ? [size, "s"] : size < 3600 ? [Math.floor(size / 60), "min"]
      : size < 86400 ? [Math.floor(size / 3600), "h"] : [Math.floor(size / 86400), size < 172800 ? "day" : "days"];
    return future ? `in ${amount} ${unit}` : `${amount} ${unit} ago`;
  }

  function when(value) {
    if (!value) return "–";
    const date = value instanceof Date ? value : new Date(value);
    if (Number.isNaN(date.getTime())) return String(value);
    const sameDay = date.toDateString() === new Date().toDateString();
    const local = sameDay ? date.toLocaleTimeString() : date.toLocaleString([], { dateStyle: "medium", timeStyle: "medium" });
    return `${local} (${ago(date)})`;
  }

  // A <time> element showing `when`, its ISO value kept for machines and the tooltip.
  function timeNode(value) {
    const node = document.createElement("time");
    node.setAttribute("datetime", value || "");
    node.dataset.local = "";
    node.textContent = when(value);
    if (value) node.title = new Date(value).toISOString();
    return node;
  }

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (value !== undefined && value !== null && value !== false) node.setAttribute(key, value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function pageData() {
    const node = document.getElementById("page-data");
    return node ? parse(node.textContent) : {};
  }

  // JSON as the server wrote it, integers included: JSON.parse alone reads an integer past
  // 2**53 as the nearest double (63999968000004000000000000 shows as 6.3999968000004e+25).
  // Such literals are read as BigInt instead: a scan that steps over strings finds them and
  // hands them to the reviver under a mark no string can carry (a fresh one each time); the
  // text is scanned only when it has a run of 16 digits, so almost never. Writing back is
  // BigInt.prototype.toJSON below, so every JSON.stringify on the page writes the digits.
  const TOKENS = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
  function parse(text) {
    if (!/\d{16}/.test(text)) return JSON.parse(text);
    const id = Math.random().toString(36).slice(2), mark = `\u0000${id}:`;
    const marked = text.replace(TOKENS, (token) => (token[0] !== '"' && /^-?\d+$/.test(token)
      && !Number.isSafeInteger(Number(token)) ? `"\\u0000${id}:${token}"` : token));
    return JSON.parse(marked, (_, value) => (typeof value === "string" && value.startsWith(mark)
      ? BigInt(value.slice(mark.length)) : value));
  }

  // A number typed into a field: an integer past 2**53 kept whole, as parse() reads one.
  function number(text) {
    const value = Number(text);
    return /^\s*-?\d+\s*$/.test(text) && !Number.isSafeInteger(value) ? BigInt(text.trim()) : value;
  }

  function json(value, indent = 2) { return JSON.stringify(value, null, indent); }

  // Server-rendered pages mark what this formatter should show: <time data-local datetime>
  // and <span data-ms>; "3 min ago" is kept current while the page is open.
  function formatMarked(root = document) {
    for (const node of root.querySelectorAll("time[data-local]")) {
      const value = node.getAttribute("datetime");
      if (!value) continue;
      if (!node.title) node.title = new Date(value).toISOString();
      node.textContent = when(value);
    }
    for (const node of root.querySelectorAll("[data-ms]")) node.textContent = duration(node.dataset.ms);
  }

  return { api, follow, announce, statusBadge, ICONS, ms: duration, duration, ago, when, timeNode,
    formatMarked, el, pageData, json, parse, number, refreshApprovals, approvalsSoon,
    APPROVALS_EVERY_MS };
})();

// JSON.stringify's own hook for a type it cannot write: a BigInt (an integer parse() kept
// whole) is written as its digits, raw, where the browser has JSON.rawJSON (every current
// browser since 2025, Chromium since 114); in an older one as a string of its digits.
if (!BigInt.prototype.toJSON) {
  Object.defineProperty(BigInt.prototype, "toJSON", { configurable: true, writable: true,
    value() { return JSON.rawJSON ? JSON.rawJSON(this.toString()) : this.toString(); } });
}

// Times and durations the server wrote, shown by the one formatter; the approvals count kept
// current; buttons with data-copy put the text of the element they name on the clipboard.
document.addEventListener("DOMContentLoaded", () => {
  RE.formatMarked();
  setInterval(() => RE.formatMarked(), 30000);
  RE.approvalsSoon(RE.APPROVALS_EVERY_MS);  // the server wrote the count just now
  document.addEventListener("visibilitychange", () => { if (!document.hidden) RE.refreshApprovals(); });
  for (const button of document.querySelectorAll("button[data-copy]")) {
    button.addEventListener("click", async () => {
      const source = document.getElementById(button.dataset.copy);
      try {
        await navigator.clipboard.writeText(source.textContent);
        RE.announce("Copied");
        button.textContent = "Copied ✓";
      } catch (_) {
        window.getSelection().selectAllChildren(source);  // the user copies it by hand
      }
    });
  }
});
