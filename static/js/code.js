// Code editors of the web app (the definition's JSON, a python node's code, the failing step's
// code): CodeMirror 6 from static/vendor/ with line numbers, highlighting, bracket matching,
// issues drawn at their lines, and a marked line (the one an issue or an error is about).
"use strict";
RE.codeEditor = (parent, { doc = "", language = "json", label, onChange, readOnly = false }) => {
  const {
    EditorView, EditorState, StateEffect, StateField, Decoration, keymap, lineNumbers,
    highlightActiveLine, highlightActiveLineGutter, drawSelection, highlightSpecialChars,
    defaultKeymap, history, historyKeymap, indentWithTab, bracketMatching, foldGutter, foldKeymap,
    indentOnInput, syntaxHighlighting, defaultHighlightStyle, closeBrackets, closeBracketsKeymap,
    searchKeymap, highlightSelectionMatches, lintGutter, setDiagnostics, json, python,
  } = CM;

  // One marked line at a time (class cm-marked-line), moved by an effect.
  const markLine = StateEffect.define();
  const marked = StateField.define({
    create: () => Decoration.none,
    update(value, tr) {
      value = value.map(tr.changes);
      for (const effect of tr.effects) {
        if (!effect.is(markLine)) continue;
        const n = effect.value;
        value = n && n >= 1 && n <= tr.state.doc.lines
          ? Decoration.set([Decoration.line({ class: "cm-marked-line" }).range(tr.state.doc.line(n).from)])
          : Decoration.none;
      }
      return value;
    },
    provide: (field) => EditorView.decorations.from(field),
  });

  let silent = false;
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        lineNumbers(), highlightActiveLineGutter(), highlightSpecialChars(), history(), foldGutter(),
        drawSelection(), indentOnInput(), syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        bracketMatching(), closeBrackets(), highlightActiveLine(), highlightSelectionMatches(), lintGutter(),
        keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...searchKeymap, ...historyKeymap, ...foldKeymap, indentWithTab]),
        language === "python" ? python() : json(),
        marked,
        EditorState.tabSize.of(4),
        EditorState.readOnly.of(readOnly),
        EditorView.contentAttributes.of({ "aria-label": label || `${language} code`, "aria-multiline": "true", tabindex: "0" }),
        EditorView.updateListener.of((update) => { if (update.docChanged && !silent && onChange) onChange(update); }),
      ],
    }),
  });

  function lineRange(n) {
    const line = view.state.doc.line(Math.min(Math.max(1, n), view.state.doc.lines));
    return { from: line.from, to: line.to };
  }

  return {
    view,
    text: () => view.state.doc.toString(),
    // Replace the whole text (or a range) without telling onChange: the caller made it.
    setText(text, { from = 0, to = view.state.doc.length, quiet = true } = {}) {
      silent = quiet;
      view.dispatch({ changes: { from, to, insert: text } });
      silent = false;
    },
    // [{from, to, severity, message}] or [{line, severity, message}]; drawn until replaced.
    setIssues(issues) {
      const length = view.state.doc.length;
      const diagnostics = issues.map((i) => {
        const range = i.line ? lineRange(i.line) : { from: Math.min(i.from || 0, length), to: Math.min(i.to || i.from || 0, length) };
        return { from: range.from, to: Math.max(range.from, range.to), severity: i.severity || "error", message: i.message };
      });
      view.dispatch(setDiagnostics(view.state, diagnostics));
    },
    // Mark a line (by number, or the line holding an offset), select it and scroll to it.
    mark(line, { select = true, offset } = {}) {
      const n = offset !== undefined ? view.state.doc.lineAt(Math.min(offset, view.state.doc.length)).number : line;
      const effects = [markLine.of(n || null)];
      if (!n) { view.dispatch({ effects }); return; }
      const range = lineRange(n);
      view.dispatch({ effects: [...effects, EditorView.scrollIntoView(range.from, { y: "center" })],
        selection: select ? { anchor: range.from, head: range.to } : undefined });
    },
    focus: () => view.focus(),
    get markedLine() {
      const set = view.state.field(marked);
      let found = null;
      set.between(0, view.state.doc.length, (from) => { found = view.state.doc.lineAt(from).number; });
      return found;
    },
  };
};

// Where a dotted path ("nodes.1.data.config.code") sits in a JSON text, as offsets of its
// value; null when the text is not JSON or has no such path. A small scanner rather than
// JSON.parse, because JSON.parse forgets where things were.
RE.jsonLocate = (text, path) => {
  const want = path.split(".");
  let i = 0;
  const ws = () => { while (i < text.length && " \t\n\r".includes(text[i])) i++; };
  function string() {
    const start = i++;
    while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i));
  }
  function skip() {
    ws();
    const c = text[i];
    if (c === '"') { string(); return; }
    if (c === "{" || c === "[") {
      const close = c === "{" ? "}" : "]";
      i++;
      ws();
      if (text[i] === close) { i++; return; }
      for (;;) {
        ws();
        if (c === "{") { string(); ws(); i++; }
        skip();
        ws();
        if (text[i] === ",") { i++; continue; }
        i++;
        return;
      }
    }
    while (i < text.length && !",]} \t\n\r".includes(text[i])) i++;
  }
  function find(depth) {
    ws();
    if (depth === want.length) { const from = i; skip(); return { from, to: i }; }
    const c = text[i], key = want[depth];
    if (c !== "{" && c !== "[") return null;
    i++;
    for (let index = 0; ; index++) {
      ws();
      if (text[i] === "}" || text[i] === "]") return null;
      let name = String(index);
      if (c === "{") { name = string(); ws(); i++; }
      if (name === key) return find(depth + 1);
      skip();
      ws();
      if (text[i] !== ",") return null;
      i++;
    }
  }
  try { return find(0); } catch (_) { return null; }
};
