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

  function field(name, spec, required) {
    const fieldId = `input-${name}`;
    const label = el("label", { for: fieldId }, spec.title || name, required ? el("span", { class: "req", "aria-hidden": "true" }, " *") : null);
    let input;
    const common = { id: fieldId, name, "aria-required": required ? "true" : null, required: required || null,
      "aria-describedby": `${fieldId}-error ${fieldId}-help` };
    if (Array.isArray(spec.enum)) {
      input = el("select", common, ...spec.enum.map((v) => el("option", { value: JSON.stringify(v) }, String(v))));
      if (spec.default !== undefined) input.value = JSON.stringify(spec.default);
    } else if (spec.type === "boolean") {
      input = el("input", { ...common, type: "checkbox" });
      input.checked = Boolean(spec.default);
    } else if (spec.type === "integer" || spec.type === "number") {
      input = el("input", { ...common, type: "number", step: spec.type === "integer" ? "1" : "any",
        min: spec.minimum, max: spec.maximum });
      if (spec.default !== undefined) input.value = spec.default;
    } else if (spec.type === "object" || spec.type === "array") {
      input = el("textarea", { ...common, rows: 4, class: "code", "data-json": "1" });
      if (spec.default !== undefined) input.value = RE.json(spec.default);
    } else {
      const type = { password: "password", file: "file", uri: "url", email: "email", date: "date" }[spec.format] || "text";
      input = el("input", { ...common, type, minlength: spec.minLength, maxlength: spec.maxLength,
        autocomplete: type === "password" ? "off" : null });
      if (spec.default !== undefined && type !== "file") input.value = spec.default;
    }
    input.dataset.kind = spec.type || "string";
    input.dataset.format = spec.format || "";
    return el("div", { class: "field" }, label, input,
      spec.description ? el("small", { id: `${fieldId}-help` }, spec.description) : null,
      el("span", { id: `${fieldId}-error`, class: "error field-error", role: "alert" }));
  }

  function buildForm() {
    const schema = (workflow.definition && workflow.definition.input_schema) || {};
    const required = new Set(schema.required || []);
    const properties = schema.properties || {};
    fields.replaceChildren(...Object.entries(properties).map(([name, spec]) => field(name, spec, required.has(name))));
    if (!Object.keys(properties).length) fields.append(el("p", {}, "This workflow takes no inputs."));
  }

  function collect() {
    const values = {}, files = {};
    let ok = true;
    for (const input of fields.querySelectorAll("[name]")) {
      const errorNode = document.getElementById(`${input.id}-error`);
      errorNode.textContent = "";
      if (!input.checkValidity()) { errorNode.textContent = input.validationMessage; ok = false; continue; }
      if (input.type === "file") { if (input.files[0]) files[input.name] = input.files[0]; continue; }
      if (input.type === "checkbox") { values[input.name] = input.checked; continue; }
      if (input.value === "") continue;
      if (input.tagName === "SELECT") values[input.name] = JSON.parse(input.value);
      else if (input.dataset.json) {
        try { values[input.name] = JSON.parse(input.value); } catch (exc) { errorNode.textContent = "Not valid JSON."; ok = false; }
      } else if (input.type === "number") values[input.name] = Number(input.value);
      else values[input.name] = input.value;
    }
    return { ok, values, files };
  }

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
      for (const [name, message] of Object.entries(exc.detail.fields || {})) {
        const node = document.getElementById(`input-${name}-error`);
        if (node) node.textContent = message;
      }
    }
  });

  load();
})();
