// Screens 1 and 2: edit the definition beside its graph, a python node's code in its own
// editor, watch the compilation live with its issues at their lines and nodes; read the
// artifact; run with a form generated from input_schema, with presets.
"use strict";
(() => {
  const { api, announce, el } = RE;
  const { workflow_id: id } = RE.pageData();
  const status = document.getElementById("compile-status");
  const issuesList = document.getElementById("issues");
  const runButton = document.getElementById("run");
  const codePane = document.getElementById("code-pane");
  let workflow = null, compilation = null, graph = null, graphKey = "", codeNode = null, python = null;

  const editor = RE.codeEditor(document.getElementById("definition"), {
    language: "json", label: "Workflow definition as JSON",
    onChange: () => { clearTimeout(editor.timer); editor.timer = setTimeout(changed, 250); },
  });
  RE.editor = editor;  // the page's tests and the browser console reach the text here

  function parsed() {
    try { return { definition: JSON.parse(editor.text()) }; } catch (exc) { return { error: exc }; }
  }

  // The text changed: redraw the graph from it and put the issues back where they now are.
  function changed() {
    const { definition, error } = parsed();
    if (error) {
      const at = /position (\d+)/.exec(error.message);
      editor.setIssues([{ from: at ? Number(at[1]) : 0, to: at ? Number(at[1]) + 1 : 1, message: `Not valid JSON: ${error.message}` }]);
      return;
    }
    drawGraph(definition);
    markIssues();
    if (codeNode && python) {
      const node = pythonNode(definition, codeNode);
      if (!node) closeCode();
      else if (node.code !== python.text()) python.setText(node.code);
    }
  }

  function showStatus(state, result) {
    const labels = { compiling: "⟳ compiling…", resolving: "⟳ resolving packages…", success: "✔ compiled",
      warning: "⚠ compiled with warnings", error: "✖ compilation failed" };
    status.replaceChildren(el("span", { class: `badge ${state}`, "data-state": state }, labels[state] || state));
    if (result && state === "resolving") status.append(` (revision ${result.revision}): the run waits for it`);
    else if (result) status.append(` in ${RE.duration(result.duration_ms)} (revision ${result.revision})`);
    announce(labels[state] || state);
  }

  // Where a node's entry is in the text (its "id"), or null.
  function nodeSpot(definition, nodeId, text) {
    const nodes = definition && Array.isArray(definition.nodes) ? definition.nodes : [];
    const index = nodes.findIndex((n) => n && n.id === nodeId);
    return index >= 0 ? RE.jsonLocate(text, `nodes.${index}.id`) : null;
  }

  // Where an issue is in the text now: its field's value, else its node, else nowhere.
  function locate(issue, text, definition) {
    const spot = issue.field ? RE.jsonLocate(text, issue.field) : null;
    return spot || (issue.node_id ? nodeSpot(definition, issue.node_id, text) : null);
  }

  function markIssues() {
    if (!compilation) return;
    const text = editor.text(), definition = parsed().definition;
    editor.setIssues(compilation.issues.map((issue) => {
      const spot = locate(issue, text, definition) || { from: 0, to: 1 };
      return { ...spot, severity: issue.type === "error" ? "error" : "warning", message: issue.message };
    }));
    const byNode = {};
    for (const issue of compilation.issues) if (issue.node_id) (byNode[issue.node_id] ||= []).push(issue.message);
    if (graph) graph.setIssues(byNode);
  }

  function showCompilation(result) {
    if (!result) return;
    compilation = result;
    showStatus(result.status, result);
    issuesList.replaceChildren(...result.issues.map((issue) => el("li", { class: issue.type },
      el("button", { type: "button", class: "link", onclick: () => goTo(issue) },
        `${issue.type === "error" ? "✖" : "⚠"} ${issue.node_id ? `node ${issue.node_id}` : "workflow"}`
        + `${issue.line ? `, line ${issue.line}` : ""}: ${issue.message}`),
      issue.suggestion ? el("div", { class: "suggestion" }, `Fix: ${issue.suggestion}`) : null)));
    document.getElementById("generated-code").textContent = result.artifacts.generated_code || "(none)";
    document.getElementById("dependencies").textContent = RE.json(result.artifacts.dependencies);
    showPackages(result.artifacts.dependencies.python_packages || []);
    const runnable = !["error", "resolving"].includes(result.status) && result.revision === (workflow && workflow.revision);
    runButton.disabled = !runnable;
    document.getElementById("run-why").textContent = runnable ? ""
      : result.status === "resolving" ? "It can run once its packages are resolved." : "Fix the errors to run.";
    markIssues();
  }

  // The packages the python steps install: the exact versions the save resolved.
  function showPackages(packages) {
    const table = document.getElementById("python-packages");
    table.hidden = !packages.length;
    document.getElementById("packages-none").hidden = Boolean(packages.length);
    table.tBodies[0].replaceChildren(...packages.map((p) => el("tr", {},
      el("td", {}, p.name), el("td", {}, el("code", {}, p.version)), el("td", {}, p.nodes.join(", ")),
      el("td", {}, el("code", { title: p.hash }, `${p.wheel || p.name} (${p.hash.replace("sha256:", "").slice(0, 12)}…)`)))));
  }

  // An issue clicked: its node selected in the graph, its line selected in the JSON, and for
  // a line of python code, that node's code opened at the line.
  function goTo(issue) {
    if (issue.node_id && graph) graph.select(issue.node_id);
    const definition = parsed().definition;
    const spot = locate(issue, editor.text(), definition);
    editor.mark(null, { offset: spot ? spot.from : 0 });
    if (issue.node_id && definition && pythonNode(definition, issue.node_id)) {
      openCode(issue.node_id, issue.line);
      if (issue.line) { python.focus(); return; }
    }
    editor.focus();
  }

  function drawGraph(definition) {
    const shape = RE.graphOf(definition);
    const key = JSON.stringify(shape);
    if (key === graphKey) return;
    graphKey = key;
    graph = RE.graph(document.getElementById("graph"), { ...shape, describeOpen: "select it in the definition",
      onOpen: (nodeId) => selectNode(nodeId) });
    if (codeNode) graph.select(codeNode);
  }

  function selectNode(nodeId) {
    const definition = parsed().definition;
    if (!definition) return;
    const spot = nodeSpot(definition, nodeId, editor.text());
    if (spot) editor.mark(null, { offset: spot.from, select: false });
    if (pythonNode(definition, nodeId)) openCode(nodeId);
    else closeCode();
  }

  function pythonNode(definition, nodeId) {
    const index = (definition.nodes || []).findIndex((n) => n && n.id === nodeId && n.type === "python");
    if (index < 0) return null;
    const config = (definition.nodes[index].data || {}).config || {};
    return { index, code: typeof config.code === "string" ? config.code : "" };
  }

  // A python node's code in its own editor, with real newlines; every change is written
  // back into the definition's JSON (only that string changes, the rest keeps its layout).
  function openCode(nodeId, line) {
    const node = pythonNode(parsed().definition, nodeId);
    if (!node) return;
    codeNode = nodeId;
    codePane.hidden = false;
    document.getElementById("code-node").textContent = nodeId;
    if (!python) {
      python = RE.codeEditor(document.getElementById("python-editor"), { language: "python",
        label: "Python code of the selected node", onChange: () => writeBack() });
      RE.pythonEditor = python;
    }
    if (python.text() !== node.code) python.setText(node.code);
    const lineIssues = compilation ? compilation.issues.filter((i) => i.node_id === nodeId && i.line) : [];
    python.setIssues(lineIssues.map((i) => ({ line: i.line, message: i.message, severity: i.type === "error" ? "error" : "warning" })));
    python.mark(line || null);
    if (graph) graph.select(nodeId);
  }

  function closeCode() { codeNode = null; codePane.hidden = true; }

  function writeBack() {
    const definition = parsed().definition;
    const node = definition && pythonNode(definition, codeNode);
    if (!node) return;
    const text = editor.text();
    const path = `nodes.${node.index}.data.config.code`;
    const spot = RE.jsonLocate(text, path);
    if (spot) editor.setText(JSON.stringify(python.text()), { ...spot });
    else {
      const n = definition.nodes[node.index];
      n.data = n.data || {};
      n.data.config = { ...(n.data.config || {}), code: python.text() };
      editor.setText(RE.json(definition));
    }
    markIssues();
  }
  document.getElementById("close-code").addEventListener("click", closeCode);

  async function load() {
    workflow = await api(`workflows/${id}/`);
    editor.setText(RE.json(workflow.definition));
    document.getElementById("revision").textContent = workflow.revision;
    drawGraph(workflow.definition);
    showCompilation(workflow.compilation);
    if (codeNode) openCode(codeNode);
  }

  document.getElementById("editor").addEventListener("submit", async (event) => {
    event.preventDefault();
    const error = document.getElementById("editor-error");
    error.textContent = "";
    const { definition, error: invalid } = parsed();
    if (invalid) {
      error.textContent = `Not valid JSON: ${invalid.message}`;
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
  document.addEventListener("keydown", (event) => {  // Ctrl/Cmd+S saves, as in every editor
    if ((event.ctrlKey || event.metaKey) && event.key === "s") {
      event.preventDefault();
      document.getElementById("editor").requestSubmit();
    }
  });

  // Live: somebody else (or the API) saves this workflow.
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/ws/workflows/${id}/`);
  socket.onmessage = (message) => {
    const event = JSON.parse(message.data);
    if (event.type === "compilation_started") showStatus(event.data.status === "resolving" ? "resolving" : "compiling");
    if (event.type === "compilation_completed" && workflow) {
      if (event.data.revision > workflow.revision) load();
      else if (event.data.revision === workflow.revision) showCompilation(event.data);
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
