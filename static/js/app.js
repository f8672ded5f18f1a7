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
    try { data = await response.json(); } catch (_) { /* no body */ }
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
        const event = JSON.parse(message.data);
        if (event.seq <= last) return;
        last = event.seq;
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

  function ms(value) {
    if (value === null || value === undefined) return "–";
    return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`;
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
    return node ? JSON.parse(node.textContent) : {};
  }

  function json(value) { return JSON.stringify(value, null, 2); }

  return { api, follow, announce, statusBadge, ms, el, pageData, json };
})();

// Times the server wrote in UTC (<time data-local datetime="…">) shown in the reader's own
// zone; buttons with data-copy put the text of the element they name on the clipboard.
document.addEventListener("DOMContentLoaded", () => {
  for (const node of document.querySelectorAll("time[data-local]")) {
    const when = new Date(node.getAttribute("datetime"));
    if (!Number.isNaN(when.getTime())) {
      node.title = node.textContent;
      node.textContent = when.toLocaleString();
    }
  }
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
