// Screen 7: the streaming console. Lines arrive in `logs` events (batched by the worker, each
// line once, in order, replayed from the start on load); filters and search run in the page.
"use strict";
(() => {
  const { el } = RE;
  const { execution_id: id } = RE.pageData();
  const RANK = { debug: 10, info: 20, warning: 30, error: 40 };
  const MAX_LINES = 50000;
  const lines = [];
  const seen = new Set();
  const consoleNode = document.getElementById("console");
  const level = document.getElementById("level");
  const stepFilter = document.getElementById("step-filter");
  const search = document.getElementById("search");
  const follow = document.getElementById("follow");
  const initialStep = new URLSearchParams(location.search).get("step");
  level.value = "debug";

  function visible(line) {
    if (RANK[line.level] < RANK[level.value]) return false;
    if (stepFilter.value && line.step_id !== stepFilter.value) return false;
    return !search.value || line.message.toLowerCase().includes(search.value.toLowerCase());
  }

  function row(line) {
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
    return el("div", { class: `line ${line.level}`, "data-seq": line.seq },
      el("span", { class: "ts" }, line.timestamp.slice(11, 23)), " ",
      el("span", { class: "lvl" }, line.level.toUpperCase().padEnd(7)), " ",
      el("span", { class: "step" }, `[${line.step_id || "-"}]`), " ", message);
  }

  function redraw() {
    const shown = lines.filter(visible);
    consoleNode.replaceChildren(...shown.slice(-5000).map(row));
    document.getElementById("log-count").textContent = `${shown.length} of ${lines.length} lines`;
    if (follow.checked) consoleNode.scrollTop = consoleNode.scrollHeight;
  }

  function addStep(stepId) {
    if (!stepId || [...stepFilter.options].some((o) => o.value === stepId)) return;
    stepFilter.append(el("option", { value: stepId }, stepId));
    if (stepId === initialStep) stepFilter.value = stepId;
  }

  let pending = [];
  let scheduled = false;
  function flush() {
    scheduled = false;
    const fresh = pending.filter(visible);
    pending = [];
    consoleNode.append(...fresh.map(row));
    while (consoleNode.childElementCount > 5000) consoleNode.firstElementChild.remove();
    document.getElementById("log-count").textContent = `${lines.filter(visible).length} of ${lines.length} lines`;
    if (follow.checked) consoleNode.scrollTop = consoleNode.scrollHeight;
  }

  RE.follow(id, (event) => {
    if (event.type !== "logs") return;
    addStep(event.step_id);
    for (const line of event.data.lines) {
      if (seen.has(line.seq)) continue;
      seen.add(line.seq);
      lines.push(line);
      pending.push(line);
    }
    if (lines.length > MAX_LINES) lines.splice(0, lines.length - MAX_LINES);
    if (!scheduled) { scheduled = true; requestAnimationFrame(flush); }
  });

  if (initialStep) addStep(initialStep);
  for (const control of [level, stepFilter]) control.addEventListener("change", redraw);
  search.addEventListener("input", redraw);
  follow.addEventListener("change", () => { if (follow.checked) consoleNode.scrollTop = consoleNode.scrollHeight; });
  consoleNode.addEventListener("wheel", () => { if (consoleNode.scrollTop + consoleNode.clientHeight < consoleNode.scrollHeight - 20) follow.checked = false; });
})();
