// Screens 6 and 8: a step's inputs, output, attempts, logs, variables and profile; its error
// in plain words with the fix, how often it happened elsewhere; retry with edits, or skip.
"use strict";
(() => {
  const { api, announce, el, ms } = RE;
  const page = RE.pageData();
  const { execution_id: id, step_id: stepId } = page;
  let revision = page.revision, fixer = null, newRevision = null;
  const base = `executions/${id}/steps/${encodeURIComponent(stepId)}`;

  function render(step) {
    document.getElementById("step-status").replaceChildren(RE.statusBadge(step.status));
    document.getElementById("step-inputs").textContent = RE.json(step.inputs);
    document.getElementById("step-output").textContent = step.output === null ? "(none)" : RE.json(step.output);
    const inputs = document.getElementById("retry-inputs");
    if (!inputs.value) inputs.value = RE.json(step.overrides.inputs || step.inputs || {});
    document.querySelector("#attempts tbody").replaceChildren(...step.attempt_list.map((a) => el("tr", {},
      el("td", {}, a.number), el("td", {}, RE.statusBadge(a.status)),
      el("td", { class: "revision" }, a.revision === null || a.revision === undefined ? "–" : a.revision),
      el("td", {}, a.started_at ? RE.timeNode(a.started_at) : "–"), el("td", {}, a.worker),
      el("td", {}, ms(a.duration_ms)), el("td", {}, a.error ? `${a.error.type}: ${a.error.message}` : ""))));
    const panel = document.getElementById("error-panel");
    panel.hidden = !step.error;
    if (step.error) {
      const error = step.error;
      document.getElementById("error-plain").replaceChildren(
        el("p", { class: "callout error" }, el("strong", {}, error.title || error.type), ` (${error.type}): ${error.message}`),
        el("p", {}, el("strong", {}, "What to do: "), error.suggestion || "Retry the step."));
      showFailingLine(error);
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
      if (step.debug.variables) debug.append(el("h3", {}, "Variables"), el("pre", { class: "code", tabindex: "0" }, RE.json(step.debug.variables)));
      if (step.debug.profile) debug.append(el("h3", {}, "Profile"), el("pre", { class: "code", tabindex: "0" }, typeof step.debug.profile === "string" ? step.debug.profile : RE.json(step.debug.profile)));
    } else {
      debug.append(el("p", { class: "muted" }, "Turn on debug mode in Settings to record variables and a profile."));
    }
    const approval = document.getElementById("approval-panel");
    const asking = step.step_type === "approval" && step.status === "waiting";
    if (asking && !approval.firstChild) approval.append(RE.approvalPanel(id, step, load));
    if (!asking) approval.replaceChildren();
    approval.hidden = !asking;
    showFix(step);
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

  // The innermost frame of the builder's own code, and the line that failed.
  function failing(error) {
    const frame = (error.frames || []).filter((f) => f.line).pop() || null;
    return { frame, line: error.line || (frame && frame.line) };
  }

  // The line of the builder's code that failed, out in the open (not in the traceback).
  function showFailingLine(error) {
    const box = document.getElementById("failing-line");
    const { frame, line } = failing(error);
    box.replaceChildren();
    if (!line) return;
    const code = (frame && frame.code) || (page.code || "").split("\n")[line - 1] || "";
    box.append(el("p", {}, el("strong", {}, `Line ${line}`), frame && frame.function ? ` in ${frame.function}` : "", ":"),
      el("pre", { class: "code failing" }, el("span", { class: "lineno" }, `${line} `), code.trim()));
  }

  // Fix and resume: the node's code with the failing line marked; saving makes a new
  // revision, then the step retries on it (POST …/retry/ with `revision`).
  function showFix(step) {
    const panel = document.getElementById("fix-panel");
    const show = page.code !== null && page.code !== undefined && step.status === "failed";
    panel.hidden = !show;
    if (!show) return;
    document.getElementById("fix-revision").textContent = revision;
    if (!fixer) {
      fixer = RE.codeEditor(document.getElementById("fix-editor"), { doc: page.code, language: "python",
        label: `Python code of step ${stepId}` });
      RE.fixEditor = fixer;
    }
    const line = step.error && failing(step.error).line;
    if (line) {
      fixer.setIssues([{ line, message: `${step.error.type}: ${step.error.message}` }]);
      fixer.mark(line, { select: false });
    }
  }

  async function saveAndRetry() {
    const errorNode = document.getElementById("fix-error"), statusNode = document.getElementById("fix-status");
    errorNode.textContent = ""; statusNode.textContent = "Saving…";
    document.getElementById("fix-rerun").hidden = true;
    try {
      const workflow = await api(`workflows/${page.workflow_id}/`);
      const definition = workflow.definition;
      const node = (definition.nodes || []).find((n) => n && n.id === stepId);
      if (!node) throw Object.assign(new Error(`The workflow no longer has a node ${stepId}.`), { detail: {} });
      node.data = node.data || {};
      node.data.config = { ...(node.data.config || {}), code: fixer.text() };
      const saved = await api(`workflows/${page.workflow_id}/`, { method: "PATCH", body: { definition } });
      newRevision = saved.revision;
      if (saved.compilation.status === "error") {
        const mine = saved.compilation.issues.filter((i) => i.node_id === stepId && i.line);
        fixer.setIssues(mine.map((i) => ({ line: i.line, message: i.message })));
        if (mine.length) fixer.mark(mine[0].line, { select: false });
        statusNode.textContent = "";
        errorNode.textContent = `Saved as revision ${saved.revision}, but it does not compile: `
          + saved.compilation.issues.map((i) => i.message).join("; ");
        return;
      }
      statusNode.textContent = `Saved as revision ${saved.revision}; retrying…`;
      render(await api(`${base}/retry/`, { method: "POST", body: { revision: saved.revision } }));
      revision = saved.revision;
      statusNode.textContent = `Retrying on revision ${saved.revision}.`;
      announce(`Saved revision ${saved.revision}; retrying the step`);
      listen();
    } catch (exc) {
      statusNode.textContent = "";
      errorNode.textContent = exc.message;
      if (exc.detail && exc.detail.code === "revision_incompatible") document.getElementById("fix-rerun").hidden = false;
    }
  }
  document.getElementById("fix-retry").addEventListener("click", saveAndRetry);
  document.getElementById("fix-rerun").addEventListener("click", async () => {
    try {
      const run = await api(`executions/${id}/rerun/`, { method: "POST", body: { revision: newRevision } });
      location.href = `/executions/${run.execution_id}/`;
    } catch (exc) { document.getElementById("fix-error").textContent = exc.message; }
  });

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
