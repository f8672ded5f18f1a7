// Screens 3 and 5: the graph coloured live by step status, the event timeline, controls,
// output as it arrives; then the full record: Gantt, step results, errors, inputs.
"use strict";
(() => {
  const { api, announce, el, ms } = RE;
  const page = RE.pageData();
  const id = page.execution_id;
  const COLORS = { succeeded: "#2e7d32", failed: "#c62828", running: "#1565c0", queued: "#6a1b9a",
    retrying: "#ef6c00", skipped: "#9e9e9e", cancelled: "#424242", pending: "#bdbdbd",
    waiting: "#8e24aa" };
  let execution = null, gantt = null, refreshTimer = null;

  const shape = RE.graphOf(page.definition);
  const graph = RE.graph(document.getElementById("graph"), {
    ...shape,
    onOpen: (stepId) => { location.href = `/executions/${id}/steps/${encodeURIComponent(stepId)}/`; },
  });
  for (const n of shape.nodes) graph.setStatus(n.id, "pending");

  function setStep(stepId, status, duration) {
    const live = ["pending", "queued", "running", "retrying", "waiting"].includes(status);
    graph.setStatus(stepId, status, live ? null : duration);
    const row = document.querySelector(`#steps tr[data-step="${CSS.escape(stepId)}"] td.status`);
    if (row) row.replaceChildren(RE.statusBadge(status));
  }

  const STEP_STATUS = { step_queued: "queued", step_started: "running", step_retrying: "retrying",
    step_completed: "succeeded", step_failed: "failed", step_skipped: "skipped",
    step_cancelled: "cancelled", step_waiting: "waiting" };

  function onEvent(event) {
    if (event.type === "logs" || event.type === "metrics") return;
    track(event);
    const time = new Date(event.timestamp).toLocaleTimeString();
    document.getElementById("timeline").append(el("li", {}, el("time", { datetime: event.timestamp }, time), " ",
      event.type.replace(/_/g, " "), event.step_id ? el("code", {}, ` ${event.step_id}`) : null,
      event.duration ? ` (${ms(event.duration)})` : ""));
    if (STEP_STATUS[event.type] && event.step_id) {
      setStep(event.step_id, STEP_STATUS[event.type], event.duration);
      if (event.type === "step_completed") showOutput(event.data.output, `Output of ${event.step_id}`);
    }
    if (["execution_paused", "execution_resumed", "execution_started", "execution_completed"].includes(event.type)) {
      const status = event.type === "execution_paused" ? "paused" : event.type === "execution_completed" ? event.data.status : "running";
      showStatus(status);
      announce(`Execution ${status}`);
    }
    if (event.type === "step_waiting") announce(`Step ${event.step_id} waits for approval`);
    if (["step_completed", "step_failed", "execution_completed", "step_skipped", "step_cancelled", "step_waiting"].includes(event.type)) {
      clearTimeout(refreshTimer);
      refreshTimer = setTimeout(refresh, 300);
    }
  }

  function showStatus(status) {
    document.getElementById("exec-status").replaceChildren(RE.statusBadge(status));
    const terminal = ["succeeded", "failed", "cancelled"].includes(status);
    document.getElementById("pause").disabled = status !== "running";
    document.getElementById("resume").disabled = status !== "paused";
    document.getElementById("cancel").disabled = terminal;
  }

  function showOutput(value, title) {
    const node = document.getElementById("output");
    node.textContent = value === undefined || value === null ? "(none)" : RE.json(value);
    node.setAttribute("aria-label", title || "Output");
  }

  // A finished run's output, or what happened instead; "(not yet)" only while it runs (and
  // meanwhile each step's output as it completes).
  function showFinalOutput() {
    const node = document.getElementById("output");
    const { status, output, error } = execution;
    if (status === "succeeded" || (output !== null && output !== undefined)) { showOutput(output, "Execution output"); return; }
    if (status !== "failed" && status !== "cancelled") return;
    const at = error && error.step_id ? ` at step ${error.step_id}` : "";
    node.textContent = status === "failed" ? `none: the execution failed${at}` : `none: the execution was cancelled${at}`;
    node.setAttribute("aria-label", "Execution output");
  }

  function render() {
    showStatus(execution.status);
    const tbody = document.querySelector("#steps tbody");
    tbody.replaceChildren(...Object.entries(execution.step_results).map(([stepId, r]) =>
      el("tr", { "data-step": stepId },
        el("th", { scope: "row" }, el("a", { href: `/executions/${id}/steps/${encodeURIComponent(stepId)}/` }, stepId)),
        el("td", {}, r.step_type), el("td", { class: "status" }, RE.statusBadge(r.status)),
        el("td", {}, r.attempts), el("td", {}, ms(r.duration_ms)),
        el("td", {}, r.metrics && r.metrics.peak_rss_mb ? `${r.metrics.peak_rss_mb.toFixed(1)} MB` : "–"),
        el("td", {}, el("code", { class: "clip" }, r.output === null || r.output === undefined ? "" : JSON.stringify(r.output).slice(0, 80))))));
    for (const [stepId, r] of Object.entries(execution.step_results)) setStep(stepId, r.status, r.duration_ms);
    showApprovals();
    showFinalOutput();
    const errorBox = document.getElementById("exec-error");
    errorBox.replaceChildren();
    if (execution.error) {
      const failed = execution.error.step_id;
      errorBox.append(el("div", { class: "callout error", role: "alert" },
        el("strong", {}, execution.error.title || "The execution failed"), ": ", execution.error.message || "",
        execution.error.suggestion ? el("p", {}, `What to do: ${execution.error.suggestion}`) : null,
        failed ? el("p", {}, el("a", { href: `/executions/${id}/steps/${encodeURIComponent(failed)}/` }, `Debug step ${failed} (traceback, retry, skip)`)) : null));
    }
    document.getElementById("inputs").textContent = RE.json(execution.inputs);
    const fixes = (execution.metadata.revisions || []).map((r) => ` (revision ${r.from} until fixed at step ${r.step_id})`).join("");
    document.getElementById("meta").textContent = `trigger ${execution.metadata.trigger} · ${execution.priority} priority · revision ${execution.metadata.version}${fixes}`
      + ` · started ${RE.when(execution.started_at)} · took ${ms(execution.duration_ms)}`;
    drawGantt();
  }

  // One panel per approval step waiting now; a panel already shown is kept (with what the
  // person has typed) until its step stops waiting.
  function showApprovals() {
    const section = document.getElementById("approvals-panel");
    const list = document.getElementById("approval-list");
    const waiting = Object.entries(execution.step_results)
      .filter(([, r]) => r.status === "waiting" && r.step_type === "approval");
    const ids = new Set(waiting.map(([stepId]) => stepId));
    for (const node of [...list.children]) if (!ids.has(node.dataset.step)) node.remove();
    for (const [stepId, r] of waiting) {
      if (list.querySelector(`[data-step="${CSS.escape(stepId)}"]`)) continue;
      const panel = RE.approvalPanel(id, { ...r, step_id: stepId }, refresh);
      panel.dataset.step = stepId;
      list.append(panel);
    }
    section.hidden = !waiting.length;
  }

  // Each step's time as what it was, from its events: waiting in the queue, each attempt by
  // how it ended, waiting for a person, and a skip as a mark at its moment. A failed step a
  // person skipped later is its attempt and a skip, not one bar over the time nobody acted.
  const SPANS = { queued: ["waiting in queue", "#cfd8dc"], running: ["running", COLORS.running],
    succeeded: ["attempt succeeded", COLORS.succeeded], failed: ["attempt failed", COLORS.failed],
    cancelled: ["attempt cancelled", COLORS.cancelled], waiting: ["waiting for a person", COLORS.waiting],
    skipped: ["skipped", "#f9a825"] };
  const ENDS = { step_completed: "succeeded", step_failed: "failed", step_cancelled: "cancelled",
    step_retrying: "failed" };
  const spans = {};  // step id -> [{kind, from, to}] (to null while it lasts)

  function track(event) {
    if (!event.step_id || !event.type.startsWith("step_")) return;
    const at = Date.parse(event.timestamp);
    const list = (spans[event.step_id] ||= []);
    const open = list.length && list[list.length - 1].to === null ? list[list.length - 1] : null;
    const close = (kind) => { if (open) { open.to = at; if (kind && open.kind === "running") open.kind = kind; } };
    if (event.type === "step_queued") { close(); list.push({ kind: "queued", from: at, to: null }); }
    else if (event.type === "step_started") { close(); list.push({ kind: "running", from: at, to: null }); }
    else if (event.type === "step_waiting") { close(); list.push({ kind: "waiting", from: at, to: null }); }
    else if (ENDS[event.type]) {
      close(ENDS[event.type]);
      if (event.type === "step_retrying") list.push({ kind: "queued", from: at, to: null });  // its backoff
    } else if (event.type === "step_skipped") { close(); list.push({ kind: "skipped", from: at, to: at }); }
  }

  // A step whose events have not arrived yet (the first draw) is drawn from its record: its
  // last attempt (it ended duration_ms after it started), and a skip at the moment it came.
  function recordSpans(r) {
    const end = r.finished_at ? Date.parse(r.finished_at) : null;
    const skip = r.status === "skipped" && end !== null ? [{ kind: "skipped", from: end, to: end }] : [];
    if (!r.started_at) return skip;
    const start = Date.parse(r.started_at);
    const ran = r.duration_ms === null || r.duration_ms === undefined ? end : start + r.duration_ms;
    const kind = r.status === "skipped" ? (r.error ? "failed" : "cancelled") : SPANS[r.status] ? r.status : "running";
    return [{ kind: "queued", from: Date.parse(r.queued_at || r.started_at), to: start },
      { kind, from: start, to: skip.length ? ran : end }, ...skip];
  }

  function drawGantt() {
    const rows = Object.entries(execution.step_results)
      .map(([stepId, r]) => [stepId, r, spans[stepId] && spans[stepId].length ? spans[stepId] : recordSpans(r)])
      .filter(([, , list]) => list.length);
    if (!rows.length) return;
    const now = Date.now(), origin = Math.min(...rows.flatMap(([, , list]) => list.map((s) => s.from)));
    const datasets = Object.entries(SPANS).map(([kind, [label, color]]) => ({
      label, backgroundColor: color, borderColor: kind === "skipped" ? "#6d4c00" : color,
      borderWidth: kind === "skipped" ? 2 : 0, minBarLength: kind === "skipped" ? 6 : 2,
      data: rows.flatMap(([stepId, , list]) => list.filter((s) => s.kind === kind)
        .map((s) => ({ y: stepId, x: [s.from - origin, (s.to === null ? now : s.to) - origin] }))),
    })).filter((d) => d.data.length);
    const status = Object.fromEntries(rows.map(([stepId, r]) => [stepId, r.status]));
    const canvas = document.getElementById("gantt");
    canvas.height = 30 + rows.length * 22;
    if (gantt) gantt.destroy();
    gantt = new Chart(canvas, { type: "bar", data: { labels: rows.map(([stepId]) => stepId), datasets },
      options: { indexAxis: "y", animation: false,
        scales: { x: { stacked: false, min: 0, title: { display: true, text: "since the first step was queued" }, ticks: { callback: (v) => ms(v) } },
          y: { stacked: true, ticks: { callback(value) { const id = this.getLabelForValue(value); return `${RE.ICONS[status[id]] || ""} ${id}`; } } } },
        plugins: { legend: { position: "bottom" },
          tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${item.raw.x[1] > item.raw.x[0] ? ms(item.raw.x[1] - item.raw.x[0]) : `at ${ms(item.raw.x[0])}`}` } } } } });
  }

  async function refresh() {
    execution = await api(`executions/${id}/`);
    render();
  }

  async function control(action) {
    const errorNode = document.getElementById("control-error");
    errorNode.textContent = "";
    try {
      const result = await api(`executions/${id}/${action}/`, { method: "POST", body: {} });
      if (action === "rerun") { location.href = `/executions/${result.execution_id}/`; return; }
      execution = result;
      render();
      announce(`Execution ${result.status}`);
    } catch (exc) { errorNode.textContent = exc.message; }
  }
  for (const action of ["pause", "resume", "cancel", "rerun"]) {
    document.getElementById(action).addEventListener("click", () => control(action));
  }

  refresh().then(() => RE.follow(id, onEvent, refresh));
})();
