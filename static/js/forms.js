// A form generated from a JSON Schema's properties, and its values read back: one generator
// for the run dialog (input_schema) and the approval panels (an approval step's fields), so
// what a builder declares looks and validates the same wherever a person fills it in.
"use strict";
RE.forms = (() => {
  const { el } = RE;

  function field(prefix, name, spec, required) {
    const fieldId = `${prefix}-${name}`;
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
        pattern: spec.pattern, autocomplete: type === "password" ? "off" : null });
      if (spec.default !== undefined && type !== "file") input.value = spec.default;
    }
    return el("div", { class: "field" }, label, input,
      spec.description ? el("small", { id: `${fieldId}-help` }, spec.description) : null,
      el("span", { id: `${fieldId}-error`, class: "error field-error", role: "alert" }));
  }

  // Fill `container` with one field per property of `schema`; ids are `${prefix}-${name}`.
  function build(container, schema, prefix, empty = "Nothing to fill in.") {
    const required = new Set((schema && schema.required) || []);
    const properties = (schema && schema.properties) || {};
    // Required fields first: a schema stored as jsonb does not keep its declared order anyway.
    const names = Object.keys(properties).sort((a, b) => required.has(b) - required.has(a));
    container.replaceChildren(...names.map((name) => field(prefix, name, properties[name] || {}, required.has(name))));
    if (!Object.keys(properties).length) container.append(el("p", { class: "muted" }, empty));
  }

  // The values typed into a built form; `ok` is false when the browser's checks (or JSON) fail,
  // with the reason shown beside each field. Files are returned apart (they upload).
  function collect(container) {
    const values = {}, files = {};
    let ok = true;
    for (const input of container.querySelectorAll("[name]")) {
      const errorNode = document.getElementById(`${input.id}-error`);
      if (errorNode) errorNode.textContent = "";
      if (!input.checkValidity()) { if (errorNode) errorNode.textContent = input.validationMessage; ok = false; continue; }
      if (input.type === "file") { if (input.files[0]) files[input.name] = input.files[0]; continue; }
      if (input.type === "checkbox") { values[input.name] = input.checked; continue; }
      if (input.value === "") continue;
      if (input.tagName === "SELECT") values[input.name] = RE.parse(input.value);
      else if (input.dataset.json) {
        try { values[input.name] = RE.parse(input.value); } catch (exc) { if (errorNode) errorNode.textContent = "Not valid JSON."; ok = false; }
      } else if (input.type === "number") values[input.name] = RE.number(input.value);
      else values[input.name] = input.value;
    }
    return { ok, values, files };
  }

  // Server-side field errors ({"data.ticket": "…"} or {"ticket": "…"}) shown beside their fields.
  function showErrors(prefix, fields, strip = "") {
    for (const [name, message] of Object.entries(fields || {})) {
      const node = document.getElementById(`${prefix}-${name.startsWith(strip) ? name.slice(strip.length) : name}-error`);
      if (node) node.textContent = message;
    }
  }

  return { build, collect, showErrors };
})();
