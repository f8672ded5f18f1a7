// Screen 7: the console. What is already stored comes from the API (a first page, then one
// stream of JSON lines; filtered and searched by the server, so every match is reachable however many lines there
// are); only what is new arrives over the socket, and only while the run goes on. Rows are
// rendered for the visible window alone, so 100,000 lines scroll like 100.
"use strict";
(() => {
  const { api, el } = RE;
  const { execution_id: id } = RE.pageData();
  const RANK = { debug: 10, info: 20, warning: 30, error: 40 };
  const TERMINAL = ["succeeded", "failed", "cancelled"];
  const FIRST_PAGE = 1000, ROW = 19, OVERSCAN = 30;
  const consoleNode = document.getElementById("console");
  const level = document.getElementById("level");
  const stepFilter = document.getElementById("step-filter");
  const search = document.getElementById("search");
  const follow = document.getElementById("follow");
  const count = document.getElementById("log-count");
  const initialStep = new URLSearchParams(location.search).get("step");
  const spacer = el("div", { class: "spacer" });
  const rows = el("div", { class: "rows" });
  consoleNode.replaceChildren(spacer, rows);
  level.value = "debug";

  let lines = [], lastSeq = 0, loading = 0, complete = false, stream = null, ended = false;
  let drawn = { from: -1, to: -1 }, ours = false, waiting = [];

  // The same rule the server applies (LogFilter: min_level, step, search), for live lines.
  function matches(line) {
    if (RANK[line.level] < RANK[level.value]) return false;
    if (stepFilter.value && line.step_id !== stepFilter.value) return false;
    return !search.value || line.message.toLowerCase().includes(search.value.toLowerCase());
  }

  function row(line, index) {
    const message = el("span", { class: "msg" });
    const term = search.value;
    if (term) {  // highlight every match, case-insensitively
      const lower = line.message.toLowerCase(), needle = term.toLowerCase();
      let from = 0, at;
      while ((at = lower.indexOf(needle, from)) >= 0) {
        message.append(line.message.slice(from, at), el("mark", {}, line.message.slice(at, at + term.length)));
        from = at + term.length;
      }
      message.append(line.message.slice(from));
    } else message.textContent = line.message;
    const node = el("div", { class: `line ${line.level}`, "data-seq": line.seq },
      el("span", { class: "ts" }, new Date(line.timestamp).toLocaleTimeString([], { hour12: false }) + line.timestamp.slice(19, 23)), " ",
      el("span", { class: "lvl" }, line.level.toUpperCase().padEnd(7)), " ",
      el("span", { class: "step" }, `[${line.step_id || "-"}]`), " ", message);
    node.style.top = `${index * ROW}px`;
    return node;
  }

  // Draw the rows in view (and a margin); called on scroll, resize and new lines.
  function draw(force = false) {
    spacer.style.height = `${lines.length * ROW}px`;
    const from = Math.max(0, Math.floor(consoleNode.scrollTop / ROW) - OVERSCAN);
    const to = Math.min(lines.length, Math.ceil((consoleNode.scrollTop + consoleNode.clientHeight) / ROW) + OVERSCAN);
    if (!force && from === drawn.from && to === drawn.to) return;
    drawn = { from, to };
    const fragment = document.createDocumentFragment();
    for (let i = from; i < to; i++) fragment.append(row(lines[i], i));
    rows.replaceChildren(fragment);
  }

  function showCount() {
    const what = `${level.value !== "debug" || stepFilter.value || search.value ? "matching " : ""}line${lines.length === 1 ? "" : "s"}`;
    count.textContent = `${lines.length.toLocaleString()} ${what}${complete ? "" : " (loading…)"}`
      + (ended ? "" : stream ? " · live" : "");
  }

  function toBottom() {
    ours = true;
    consoleNode.scrollTop = consoleNode.scrollHeight;
    requestAnimationFrame(() => { ours = false; });
  }

  function add(batch) {
    if (!batch.length) return;
    lines.push(...batch);
    lastSeq = batch[batch.length - 1].seq;
    if (follow.checked) toBottom();
    draw(true);
    showCount();
  }

  function query(after, extra = {}) {
    const params = new URLSearchParams({ after, min_level: level.value, ...extra });
    if (stepFilter.value) params.set("step", stepFilter.value);
    if (search.value) params.set("search", search.value);
    return `executions/${id}/logs/?${params}`;
  }

  // Every stored line that matches: a first page to show at once, then the rest as one
  // stream of JSON lines (one request, however many lines); a newer filter abandons an
  // older load.
  async function load() {
    const mine = ++loading;
    lines = []; lastSeq = 0; complete = false; drawn = { from: -1, to: -1 };
    draw(true);
    showCount();
    const first = await api(query(0, { page_size: FIRST_PAGE }));
    if (mine !== loading) return;
    add(first.results);
    if (first.next) {
      const response = await fetch(`/api/v1/${query(lastSeq, { format: "jsonl" })}`, { credentials: "same-origin" });
      if (!response.ok) throw new Error(`Loading the lines failed: ${response.status}`);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let rest = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (mine !== loading) { reader.cancel(); return; }
        if (done) break;
        const parts = (rest + value).split("\n");
        rest = parts.pop();
        add(parts.filter(Boolean).map((text) => JSON.parse(text)).filter((line) => line.seq > lastSeq));
      }
    }
    complete = true;
    add(waiting.filter((line) => line.seq > lastSeq && matches(line)));
    waiting = [];
    showCount();
  }

  // Live lines: events after the snapshot; a line already paged in is skipped by its seq.
  function listen(after) {
    stream = RE.follow(id, (event) => {
      if (event.type === "execution_completed") { ended = true; showCount(); }
      if (event.type !== "logs") return;
      addStep(event.step_id);
      if (!complete) { waiting.push(...event.data.lines); return; }  // added when the load ends
      add(event.data.lines.filter((line) => line.seq > lastSeq && matches(line)));
    }, () => { ended = true; stream = null; showCount(); }, after);
  }

  function addStep(stepId) {
    if (!stepId || [...stepFilter.options].some((o) => o.value === stepId)) return;
    stepFilter.append(el("option", { value: stepId }, stepId));
    if (stepId === initialStep) stepFilter.value = stepId;
  }

  let typing = null;
  for (const control of [level, stepFilter]) control.addEventListener("change", load);
  search.addEventListener("input", () => { clearTimeout(typing); typing = setTimeout(load, 250); });
  follow.addEventListener("change", () => { if (follow.checked) toBottom(); });
  // Scrolling up stops following; scrolling back to the end starts it again.
  consoleNode.addEventListener("scroll", () => {
    draw();
    if (ours) return;
    const atEnd = consoleNode.scrollTop + consoleNode.clientHeight >= consoleNode.scrollHeight - ROW;
    if (follow.checked !== atEnd) follow.checked = atEnd;
  });
  new ResizeObserver(() => draw(true)).observe(consoleNode);

  (async () => {
    const execution = await api(`executions/${id}/`);
    for (const stepId of Object.keys(execution.step_results)) addStep(stepId);
    if (initialStep) addStep(initialStep);
    ended = TERMINAL.includes(execution.status);
    const badge = document.getElementById("live-badge");
    if (ended) {  // nothing more will come: no socket, nothing "reconnecting"
      badge.textContent = "■ finished: all lines stored";
      badge.dataset.live = "ended";
    } else listen(execution.last_event_seq);
    await load();
  })();
})();
