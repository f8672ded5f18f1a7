// The run dialog (screen 2) opened from a list of workflows: the form generated from the
// workflow's input_schema (static/js/forms.js), its saved inputs, a priority; Start goes to
// the new run. Any [data-run="<workflow id>"] button on the page opens it.
"use strict";
(() => {
  const { api, announce, el } = RE;
  const dialog = document.getElementById("run-dialog");
  if (!dialog) return;
  const fields = document.getElementById("fields");
  const presetSelect = document.getElementById("preset");
  const runError = document.getElementById("run-error");
  let workflowId = null, opener = null;

  async function open(button) {
    opener = button;
    workflowId = button.dataset.run;
    runError.textContent = "";
    const [workflow, presets] = await Promise.all([api(`workflows/${workflowId}/`),
      api(`workflows/${workflowId}/presets/`)]);
    document.getElementById("run-title").textContent = `Run ${workflow.name}`;
    const schema = (workflow.definition && workflow.definition.input_schema) || {};
    RE.forms.build(fields, schema, "input", "This workflow takes no inputs.");
    presetSelect.replaceChildren(el("option", { value: "" }, "—"),
      ...presets.results.map((p) => el("option", { value: JSON.stringify(p.inputs) }, p.name)));
    dialog.showModal();
    const first = fields.querySelector("input, select, textarea");
    if (first) first.focus();
  }

  presetSelect.addEventListener("change", () => {
    if (!presetSelect.value) return;
    for (const [name, value] of Object.entries(RE.parse(presetSelect.value))) {
      const input = document.getElementById(`input-${name}`);
      if (!input) continue;
      if (input.type === "checkbox") input.checked = Boolean(value);
      else if (input.tagName === "SELECT") input.value = JSON.stringify(value);
      else input.value = typeof value === "object" ? RE.json(value) : value;
    }
  });

  document.getElementById("run-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const { ok, values, files } = RE.forms.collect(fields);
    if (!ok) return;
    const priority = document.getElementById("run-priority").value;
    try {
      let execution;
      if (Object.keys(files).length) {
        const form = new FormData();
        form.append("inputs", JSON.stringify(values));
        for (const [name, file] of Object.entries(files)) form.append(name, file);
        form.append("priority", priority);
        execution = await api(`workflows/${workflowId}/executions/`, { method: "POST", form });
      } else {
        execution = await api(`workflows/${workflowId}/executions/`, { method: "POST", body: { inputs: values, priority } });
      }
      announce("Run started");
      location.href = `/executions/${execution.execution_id}/`;
    } catch (exc) {
      runError.textContent = exc.message;
      RE.forms.showErrors("input", exc.detail.fields);
    }
  });

  document.getElementById("cancel-run").addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => { if (opener) opener.focus(); });
  for (const button of document.querySelectorAll("button[data-run]")) {
    button.addEventListener("click", () => open(button).catch((exc) => { announce(`Cannot open the run form: ${exc.message}`); }));
  }
})();
