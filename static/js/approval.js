// An approval step that waits for a person, on the monitor and on the step page: its message,
// the form generated from its `fields` (the run dialog's generator, static/js/forms.js), and
// Approve / Reject. The server checks the data again; its field errors show beside the fields.
"use strict";
RE.approvalPanel = (executionId, step, onDecided) => {
  const { api, announce, el } = RE;
  const stepId = step.step_id;
  const prefix = `approve-${stepId.replace(/[^\w-]/g, "_")}`;
  const asked = step.inputs || {};
  const base = `executions/${executionId}/steps/${encodeURIComponent(stepId)}`;
  const fields = el("div", { class: "approval-fields" });
  RE.forms.build(fields, asked.fields || {}, prefix, "Nothing to fill in: approve or reject.");
  const error = el("p", { class: "error", role: "alert", id: `${prefix}-problem` });
  const reason = el("textarea", { id: `${prefix}-reason`, rows: 2, maxlength: 2000 });
  const approve = el("button", { type: "submit", class: "primary" }, "Approve");
  const reject = el("button", { type: "button", class: "danger" }, "Reject");

  async function decide(action, body) {
    error.textContent = "";
    approve.disabled = reject.disabled = true;
    try {
      await api(`${base}/${action}/`, { method: "POST", body });
      announce(action === "approve" ? `Approved ${stepId}` : `Rejected ${stepId}`);
      RE.refreshApprovals();
      if (onDecided) onDecided(action);
    } catch (exc) {
      error.textContent = exc.message;
      RE.forms.showErrors(prefix, exc.detail.fields, "data.");
      approve.disabled = reject.disabled = false;
    }
  }

  const form = el("form", { class: "approval", novalidate: true, "aria-labelledby": `${prefix}-title` },
    el("h3", { id: `${prefix}-title` }, "Waiting for approval: ", el("code", {}, stepId)),
    el("p", { class: "callout" }, asked.message || "Approve to continue."),
    fields,
    el("label", { for: reason.id }, "Reason (for a rejection)"), reason,
    error,
    el("div", { class: "actions" }, approve, reject));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const { ok, values } = RE.forms.collect(fields);
    if (ok) decide("approve", { data: values });
  });
  reject.addEventListener("click", () => decide("reject", { reason: reason.value }));
  return form;
};
