// Screens 6 and 8: a step's inputs, output, attempts, logs, variables and profile; its error
// in plain words with the fix, how often it happened elsewhere; retry with edits, or skip.
"use strict";
(() => {
  const { api, announce, el, ms } = RE;
  const { execution_id: id, step_id: stepId } = RE.pageData();
  const base = `executions/${id}/steps/${encodeURIComponent(stepId)}`;

  function render(step) {
    document.getElementById("step-status").replaceChildren(RE.statusBadge(step.status));
    document.getElementById("step-inputs").textContent = RE.json(step.inputs);
    document.getElementById("step-output").textContent = step.output === null ? "(none)" : RE.json(step.output);
    const inputs = document.getElementById("retry-inputs");
    if (!inputs.value) inputs.value = RE.json(step.overrides.inputs || step.inputs || {});
    document.querySelector("#attempts tbody").replaceChildren(...step.attempt_list.map((a) => el("tr", {},
      el("td", {}, a.number), el("td", {}, RE.statusBadge(a.status)), el("td", {}, a.worker),
      el("td", {}, ms(a.duration_ms)), el("td", {}, a.error ? `${a.error.type}: ${a.error.message}` : ""))));
    const panel = document.getElementById("error-panel");
    panel.hidden = !step.error;
    if (step.error) {
      const error = step.error;
      document.getElementById("error-plain").replaceChildren(
        el("p", { class: "callout error" }, el("strong", {}, error.title || error.type), ` (${error.type}): ${error.message}`),
        el("p", {}, el("strong", {}, "What to do: "), error.suggestion || "Retry the step."));
      document.getElementById("traceback").textContent = error.traceback
        || (error.frames || []).map((f) => `line ${f.line} in ${f.function}: ${f.code}`).join("\n") || "(none)";
      const timeout = document.getElementById("retry-timeout");
      const memory = document.getElementById("retry-memory");
      if (error.type === "step_timeout" && !timeout.value) timeout.value = Math.min(3600, Math.ceil((step.duration_ms || 10000) / 1000) * 2);
      if (error.type === "resource_limit" && !memory.value) memory.value = Math.min(16384, (step.metrics.peak_rss_mb ? Math.ceil(step.metrics.peak_rss_mb * 2) : 1024));
    }
    const debug = document.getElementById("debug");
    debug.replaceChildren();
    if (step.debug && Object.keys(step.debug).length) {
      if (step.debug.variables) debug.append(el("h3", {}, "Variables"), el("pre", { class: "code" }, RE.json(step.debug.variables)));
      if (step.debug.profile) debug.append(el("h3", {}, "Profile"), el("pre", { class: "code" }, typeof step.debug.profile === "string" ? step.debug.profile : RE.json(step.debug.profile)));
    } else {
      debug.append(el("p", { class: "muted" }, "Turn on debug mode in Settings to record variables and a profile."));
    }
    const approval = document.getElementById("approval-panel");
    const asking = step.step_type === "approval" && step.status === "waiting";
    if (asking && !approval.firstChild) approval.append(RE.approvalPanel(id, step, load));
    if (!asking) approval.replaceChildren();
    approval.hidden = !asking;
    document.getElementById("retry").disabled = step.status !== "failed";
    document.getElementById("skip").disabled = !["failed", "pending", "queued", "cancelled"].includes(step.status);
  }

  let loads = 0, stream = null;
  async function load() {
    const mine = ++loads;  // a slower, older response must not overwrite a newer one
    const [step, logs] = await Promise.all([api(`${base}/`), api(`executions/${id}/logs/?step=${encodeURIComponent(stepId)}&page_size=500`)]);
    if (mine !== loads) return;
    render(step);
    document.getElementById("step-logs").textContent = logs.results.map((l) => `${l.level.toUpperCase().padEnd(7)} ${l.message}`).join("\n") || "(no lines)";
    if (step.status === "failed") {
      const metrics = await api(`executions/${id}/metrics/`);
      const pattern = metrics.error_patterns.find((p) => p.step_id === stepId);
      document.getElementById("pattern").textContent = pattern
        ? (pattern.other_runs ? `This error also happened in ${pattern.other_runs} other run${pattern.other_runs === 1 ? "" : "s"}.` : "This error has not happened in other runs.")
        : "";
    }
  }

  function parseJson(node, errorNode) {
    try { return JSON.parse(node.value); } catch (exc) { errorNode.textContent = `Not valid JSON: ${exc.message}`; return undefined; }
  }

  document.getElementById("retry-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const errorNode = document.getElementById("retry-error");
    errorNode.textContent = "";
    const inputs = parseJson(document.getElementById("retry-inputs"), errorNode);
    if (inputs === undefined) return;
    const body = { inputs };
    const timeout = document.getElementById("retry-timeout").value;
    const memory = document.getElementById("retry-memory").value;
    if (timeout) body.timeout_seconds = Number(timeout);
    if (memory) body.memory_limit_mb = Number(memory);
    try {
      render(await api(`${base}/retry/`, { method: "POST", body }));
      announce("Retrying the step");
      listen();
    } catch (exc) { errorNode.textContent = `${exc.message} ${Object.values(exc.detail.fields || {}).join(" ")}`; }
  });

  document.getElementById("skip-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const errorNode = document.getElementById("skip-error");
    errorNode.textContent = "";
    const output = parseJson(document.getElementById("skip-output"), errorNode);
    if (output === undefined) return;
    try {
      render(await api(`${base}/skip/`, { method: "POST", body: { output } }));
      announce("Step skipped; the execution continues");
      listen();
    } catch (exc) { errorNode.textContent = exc.message; }
  });

  // Follow the execution; after a retry or skip re-opens a finished one, follow it again.
  function listen() {
    if (stream && !stream.ended) return;
    stream = RE.follow(id, (event) => {
      if (event.step_id === stepId && event.type !== "logs") load();
    }, null, stream ? stream.last : 0);
  }
  load().then(listen);
})();
