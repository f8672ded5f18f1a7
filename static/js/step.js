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
    showDebug(step.debug, step.step_type);
    const approval = document.getElementById("approval-panel");
    const asking = step.step_type === "approval" && step.status === "waiting";
    if (asking && !approval.firstChild) approval.append(RE.approvalPanel(id, step, load));
    if (!asking) approval.replaceChildren();
    approval.hidden = !asking;
    showActions(step.actions);
    showFix(step);
  }

  // Retry and skip are offered only where they apply; where not, the page says why.
  function showActions(actions) {
    const why = [];
    for (const name of ["retry", "skip"]) {
      const action = actions[name];
      document.getElementById(`${name}-panel`).hidden = !action.applies;
      if (!action.applies) why.push(el("li", {}, action.why));
    }
    document.getElementById("actions-why-list").replaceChildren(...why);
    document.getElementById("actions-why").hidden = !why.length;
    document.getElementById("actions").hidden = why.length === 2;
  }

  // Debug mode's record as two tables: the variables (name, type, a preview of the value)
  // and the profile of the node's own functions, slowest first, located by node and line.
  // Records from before variables had types are read too (their ctx entry dropped).
  function showDebug(record, type) {
    const debug = document.getElementById("debug");
    const variables = Object.entries((record && record.variables) || {})
      .map(([name, v]) => (typeof v === "string" ? { name, type: "", value: v } : { name, ...v }))
      .filter((v) => !(v.name === "ctx" && /Context object/.test(v.value)));
    const profile = ((record && record.profile) || []).map((row) => {
      const old = row.node === undefined && /^<node (.*)>$/.exec(row.file || "");
      return old ? { ...row, node: old[1] } : row;
    }).filter((row) => row.node !== undefined && row.node !== null)
      .sort((a, b) => b.cumulative_s - a.cumulative_s);
    if (!variables.length && !profile.length) {
      debug.replaceChildren(el("p", { class: "muted" }, type === "python"
        ? "Turn on debug mode in Settings to record variables and a profile."
        : "Debug mode records variables and a profile of python steps."));
      return;
    }
    const table = (caption, heads, rows) => el("table", { class: "list debug" }, el("caption", {}, caption),
      el("thead", {}, el("tr", {}, ...heads.map((h) => el("th", { scope: "col" }, h)))), el("tbody", {}, ...rows));
    const preview = (text) => el("code", { class: "preview", title: text.length > 200 ? text : null },
      text.length > 200 ? `${text.slice(0, 200)}…` : text);
    debug.replaceChildren(
      variables.length ? table("Variables", ["Name", "Type", "Value"], variables.map((v) => el("tr", {},
        el("th", { scope: "row" }, el("code", {}, v.name)), el("td", {}, v.type || "–"), el("td", {}, preview(v.value)))))
        : el("p", { class: "muted" }, "No variables recorded."),
      profile.length ? table("Profile", ["Function", "Where", "Calls", "Own time", "Total time"], profile.map((row) => el("tr", {},
        el("th", { scope: "row" }, el("code", {}, row.function)), el("td", {}, `node ${row.node}, line ${row.line}`),
        el("td", {}, row.calls), el("td", {}, seconds(row.total_s)), el("td", {}, seconds(row.cumulative_s)))))
        : el("p", { class: "muted" }, "No profile: the step's code did not run."));
  }

  // Profile times are small: microseconds and milliseconds with three figures.
  function seconds(value) {
    if (typeof value !== "number") return "–";
    if (value < 0.001) return `${Math.round(value * 1e6)} µs`;
    if (value < 1) return `${(value * 1000).toPrecision(3)} ms`;
    return ms(value * 1000);
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
    const show = page.code !== null && page.code !== undefined && step.actions.retry.applies;
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
    try { return RE.parse(node.value); } catch (exc) { errorNode.textContent = `Not valid JSON: ${exc.message}`; return undefined; }
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
