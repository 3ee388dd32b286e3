// The code editor: CodeMirror 6 with python/javascript/java/go highlighting, indentation,
// the standard keymaps, and Mod-Enter to submit. Loaded lazily (only coding questions need it).
//
// It lives in a shadow root: CodeMirror (style-mod) adds its styles with a <style> element when
// mounted in the document, which the CSP (style-src 'self', no nonce) blocks, but with a
// constructable stylesheet (adoptedStyleSheets) when mounted in a shadow root, which the CSP allows.
import { indentWithTab } from "@codemirror/commands";
import { go } from "@codemirror/lang-go";
import { java } from "@codemirror/lang-java";
import { javascript } from "@codemirror/lang-javascript";
import { python } from "@codemirror/lang-python";
import { indentUnit } from "@codemirror/language";
import { Compartment, EditorState, Prec } from "@codemirror/state";
import { EditorView, keymap, placeholder } from "@codemirror/view";
import { basicSetup } from "codemirror";

const LANGUAGES = {
  python: () => [python(), indentUnit.of("    ")],
  javascript: () => [javascript(), indentUnit.of("  ")],
  java: () => [java(), indentUnit.of("    ")],
  go: () => [go(), indentUnit.of("\t")],
};

// Typing over a selection is left to the browser's native editing, and Chromium rebuilds the
// merged lines with `style` attributes (to keep the highlighting colours), which the CSP blocks:
// a console error on every such keystroke. Make that edit ourselves, through the input handlers
// (auto-closing brackets and the like) as CodeMirror would.
const typeOverSelection = EditorView.domEventHandlers({
  beforeinput(event, view) {
    const text = event.data;
    const { ranges, main } = view.state.selection;
    if (event.inputType !== "insertText" || !text || event.isComposing || view.composing || ranges.length !== 1 || main.empty) return false;
    const { from, to } = main;
    const insert = () => view.state.update({ changes: { from, to, insert: text }, selection: { anchor: from + text.length }, scrollIntoView: true, userEvent: "input.type" });
    event.preventDefault();
    if (!view.state.facet(EditorView.inputHandler).some((handler) => handler(view, from, to, text, insert))) view.dispatch(insert());
    return true;
  },
});

const theme = EditorView.theme({
  "&": { fontSize: "0.95rem", border: "1px solid #6b7280", borderRadius: "6px", backgroundColor: "#fff" },
  "&.cm-focused": { outline: "3px solid #1d4ed8", outlineOffset: "2px" },
  ".cm-scroller": { fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace", minHeight: "16rem", maxHeight: "60vh" },
  ".cm-content": { caretColor: "#111827" },
  ".cm-gutters": { backgroundColor: "#f3f4f6", color: "#4b5563", borderRight: "1px solid #d1d5db" },
});

/**
 * Mount an editor. Returns {getText, setText, setLanguage, setReadOnly, focus, destroy}.
 * onChange(text) runs after every edit by the user; onSubmit() on Ctrl/Cmd-Enter.
 */
export function createCodeEditor(host, { doc = "", language = "python", onChange, onSubmit, ariaLabel = "Code answer", description }) {
  const root = host.shadowRoot || host.attachShadow({ mode: "open" });
  const languageSlot = new Compartment();
  const readOnlySlot = new Compartment();
  let applyingExternal = false;
  const contentAttrs = { "aria-label": ariaLabel };
  // IDREFs (aria-describedby) do not cross the shadow boundary: describe in place instead.
  if (description) contentAttrs["aria-description"] = description;
  const view = new EditorView({
    parent: root,
    root,
    state: EditorState.create({
      doc,
      extensions: [
        Prec.highest(keymap.of([{ key: "Mod-Enter", run: () => (onSubmit?.(), true) }])),
        basicSetup,
        keymap.of([indentWithTab]),
        languageSlot.of((LANGUAGES[language] || LANGUAGES.python)()),
        readOnlySlot.of([EditorState.readOnly.of(false), EditorView.editable.of(true)]),
        placeholder("Write your solution here…"),
        EditorView.contentAttributes.of(contentAttrs),
        EditorView.lineWrapping,
        theme,
        typeOverSelection,
        EditorView.updateListener.of((update) => {
          if (update.docChanged && !applyingExternal) onChange?.(update.state.doc.toString());
        }),
      ],
    }),
  });
  return {
    view,
    getText: () => view.state.doc.toString(),
    setText(text) {
      applyingExternal = true;
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text ?? "" } });
      applyingExternal = false;
    },
    setLanguage(name) {
      view.dispatch({ effects: languageSlot.reconfigure((LANGUAGES[name] || LANGUAGES.python)()) });
    },
    setReadOnly(readOnly) {
      view.dispatch({ effects: readOnlySlot.reconfigure([EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)]) });
    },
    focus: () => view.focus(),
    destroy: () => view.destroy(),
  };
}
