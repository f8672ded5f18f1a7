// Screens 1 and 2: edit and save the definition, watch the compilation live, jump to an
// issue, read the artifact; run with a form generated from input_schema, with presets.
"use strict";
(() => {
  const { api, announce, el } = RE;
  const { workflow_id: id } = RE.pageData();
  const textarea = document.getElementById("definition");
  const status = document.getElementById("compile-status");
  const issues = document.getElementById("issues");
  const runButton = document.getElementById("run");
  let workflow = null;

  function showStatus(state, result) {
    const labels = { compiling: "⟳ compiling…", success: "✔ compiled", warning: "⚠ compiled with warnings",
      error: "✖ compilation failed" };
    status.replaceChildren(el("span", { class: `badge ${state}`, "data-state": state }, labels[state] || state));
    if (result) status.append(` in ${result.duration_ms.toFixed(1)} ms (revision ${result.revision})`);
    announce(labels[state] || state);
  }

  function showCompilation(result) {
    if (!result) return;
    showStatus(result.status, result);
    issues.replaceChildren(...result.issues.map((issue) => el("li", { class: issue.type },
      el("button", { type: "button", class: "link", onclick: () => highlight(issue) },
        `${issue.type === "error" ? "✖" : "⚠"} ${issue.node_id ? `node ${issue.node_id}` : "workflow"}`
        + `${issue.line ? `, line ${issue.line}` : ""}: ${issue.message}`),
      issue.suggestion ? el("div", { class: "suggestion" }, `Fix: ${issue.suggestion}`) : null)));
    document.getElementById("generated-code").textContent = result.artifacts.generated_code || "(none)";
    document.getElementById("dependencies").textContent = RE.json(result.artifacts.dependencies);
    const runnable = result.status !== "error" && result.revision === (workflow && workflow.revision);
    runButton.disabled = !runnable;
    document.getElementById("run-why").textContent = runnable ? "" : "Fix the errors to run.";
  }

  // Select the issue's node in the JSON so the person lands on it.
  function highlight(issue) {
    const text = textarea.value;
    let start = issue.node_id ? text.indexOf(`"id": ${JSON.stringify(issue.node_id)}`) : -1;
    if (start < 0 && issue.node_id) start = text.indexOf(JSON.stringify(issue.node_id));
    if (start < 0) start = 0;
    const end = Math.min(text.length, text.indexOf("\n", start + 1) > 0 ? text.indexOf("\n", start + 1) : text.length);
    textarea.focus();
    textarea.setSelectionRange(start, end);
    const line = text.slice(0, start).split("\n").length;
    textarea.scrollTop = Math.max(0, (line - 3) * 18);
    textarea.dataset.highlight = issue.node_id || "";
  }

  async function load() {
    workflow = await api(`workflows/${id}/`);
    textarea.value = RE.json(workflow.definition);
    document.getElementById("revision").textContent = workflow.revision;
    showCompilation(workflow.compilation);
  }

  document.getElementById("editor").addEventListener("submit", async (event) => {
    event.preventDefault();
    const error = document.getElementById("editor-error");
    error.textContent = "";
    let definition;
    try { definition = JSON.parse(textarea.value); } catch (exc) {
      error.textContent = `Not valid JSON: ${exc.message}`;
      return;
    }
    showStatus("compiling");
    try {
      workflow = await api(`workflows/${id}/`, { method: "PATCH", body: { definition } });
      document.getElementById("revision").textContent = workflow.revision;
      showCompilation(workflow.compilation);
    } catch (exc) {
      error.textContent = `${exc.message} ${Object.entries(exc.detail.fields || {}).map(([k, v]) => `${k}: ${v}`).join("; ")}`;
      showStatus("error");
    }
  });

  // Live: somebody else (or the API) saves this workflow.
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/ws/workflows/${id}/`);
  socket.onmessage = (message) => {
    const event = JSON.parse(message.data);
    if (event.type === "compilation_started") showStatus("compiling");
    if (event.type === "compilation_completed" && workflow) {
      if (event.data.revision > workflow.revision) load();
      else showCompilation(event.data);
    }
  };

  // ---- run dialog --------------------------------------------------------------------------
  const dialog = document.getElementById("run-dialog");
  const fields = document.getElementById("fields");

  function buildForm() {
    const schema = (workflow.definition && workflow.definition.input_schema) || {};
    RE.forms.build(fields, schema, "input", "This workflow takes no inputs.");
  }

  const collect = () => RE.forms.collect(fields);

  async function loadPresets() {
    const select = document.getElementById("preset");
    const presets = (await api(`workflows/${id}/presets/`)).results;
    select.replaceChildren(el("option", { value: "" }, "—"), ...presets.map((p) => el("option", { value: JSON.stringify(p.inputs) }, p.name)));
  }

  document.getElementById("preset").addEventListener("change", (event) => {
    if (!event.target.value) return;
    for (const [name, value] of Object.entries(JSON.parse(event.target.value))) {
      const input = document.getElementById(`input-${name}`);
      if (!input) continue;
      if (input.type === "checkbox") input.checked = Boolean(value);
      else if (input.tagName === "SELECT") input.value = JSON.stringify(value);
      else input.value = typeof value === "object" ? RE.json(value) : value;
    }
  });

  document.getElementById("save-preset").addEventListener("click", async () => {
    const name = prompt("Name for these inputs (secrets are not saved):");
    if (!name) return;
    const { values } = collect();
    await api(`workflows/${id}/presets/`, { method: "POST", body: { name, inputs: values } });
    await loadPresets();
    announce(`Saved inputs as ${name}`);
  });

  runButton.addEventListener("click", async () => {
    buildForm();
    await loadPresets();
    document.getElementById("run-error").textContent = "";
    dialog.showModal();
    const first = fields.querySelector("input, select, textarea");
    if (first) first.focus();
  });
  document.getElementById("cancel-run").addEventListener("click", () => dialog.close());

  document.getElementById("run-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const { ok, values, files } = collect();
    if (!ok) return;
    const runError = document.getElementById("run-error");
    const priority = document.getElementById("run-priority").value;
    try {
      let execution;
      if (Object.keys(files).length) {
        const form = new FormData();
        form.append("inputs", JSON.stringify(values));
        for (const [name, file] of Object.entries(files)) form.append(name, file);
        form.append("priority", priority);
        execution = await api(`workflows/${id}/executions/`, { method: "POST", form });
      } else {
        execution = await api(`workflows/${id}/executions/`, { method: "POST", body: { inputs: values, priority } });
      }
      location.href = `/executions/${execution.execution_id}/`;
    } catch (exc) {
      runError.textContent = exc.message;
      RE.forms.showErrors("input", exc.detail.fields);
    }
  });

  load();
})();
