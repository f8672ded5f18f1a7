// The editor the web app uses (screen 1 and the step page), as one global `CM`: the pieces
// of CodeMirror 6 we use and nothing else, so the bundle stays small.
export { EditorState, StateEffect, StateField, RangeSetBuilder } from "@codemirror/state";
export {
  EditorView, Decoration, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter,
  drawSelection, highlightSpecialChars, gutter, GutterMarker,
} from "@codemirror/view";
export { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
export {
  bracketMatching, foldGutter, foldKeymap, indentOnInput, syntaxHighlighting,
  defaultHighlightStyle,
} from "@codemirror/language";
export { closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
export { searchKeymap, highlightSelectionMatches } from "@codemirror/search";
export { lintGutter, setDiagnostics, linter, forEachDiagnostic } from "@codemirror/lint";
export { json, jsonParseLinter } from "@codemirror/lang-json";
export { python } from "@codemirror/lang-python";
