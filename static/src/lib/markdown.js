// A safe Markdown subset for questions: paragraphs, `code spans`, **bold**, bullet and numbered
// lists, and ``` fenced code blocks. Parsing yields a plain tree; rendering builds DOM nodes whose
// text is set as text, so HTML in a question (`<img onerror=…>`) shows as the characters typed and
// never becomes markup. A half-streamed question renders too (an open fence runs to the end).

const FENCE = /^\s*```\s*([\w+-]*)\s*$/;
const BULLET = /^\s*[-*]\s+(.*)$/;
const NUMBERED = /^\s*\d+[.)]\s+(.*)$/;

/** Inline runs of one line of text: [{type: "text"|"code"|"strong", text}]. */
export function parseInline(text) {
  const runs = [];
  let rest = text;
  while (rest) {
    const code = rest.indexOf("`");
    const bold = rest.indexOf("**");
    const next = [code, bold].filter((i) => i >= 0).sort((a, b) => a - b)[0];
    if (next === undefined) break;
    const isCode = next === code;
    const mark = isCode ? "`" : "**";
    const close = rest.indexOf(mark, next + mark.length);
    if (close < 0 || close === next + mark.length) {
      // An unmatched or empty marker is just text.
      runs.push({ type: "text", text: rest.slice(0, next + mark.length) });
      rest = rest.slice(next + mark.length);
      continue;
    }
    if (next > 0) runs.push({ type: "text", text: rest.slice(0, next) });
    runs.push({ type: isCode ? "code" : "strong", text: rest.slice(next + mark.length, close) });
    rest = rest.slice(close + mark.length);
  }
  if (rest) runs.push({ type: "text", text: rest });
  return mergeText(runs);
}

function mergeText(runs) {
  const out = [];
  for (const run of runs) {
    const last = out[out.length - 1];
    if (run.type === "text" && last?.type === "text") last.text += run.text;
    else out.push({ ...run });
  }
  return out;
}

/** Blocks of a whole text: [{type: "p", lines}, {type: "ul"|"ol", items}, {type: "pre", lang, text}]. */
export function parseBlocks(text) {
  const blocks = [];
  const lines = String(text ?? "").replace(/\r\n?/g, "\n").split("\n");
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    const fence = FENCE.exec(line);
    if (fence) {
      const body = [];
      i += 1;
      while (i < lines.length && !FENCE.test(lines[i])) body.push(lines[i++]);
      i += 1; // the closing fence (or past the end while it is still streaming)
      blocks.push({ type: "pre", lang: fence[1] || "", text: body.join("\n") });
      continue;
    }
    if (!line.trim()) {
      i += 1;
      continue;
    }
    const list = BULLET.test(line) ? "ul" : NUMBERED.test(line) ? "ol" : null;
    if (list) {
      const pattern = list === "ul" ? BULLET : NUMBERED;
      const items = [];
      while (i < lines.length && pattern.test(lines[i])) items.push(parseInline(pattern.exec(lines[i++])[1]));
      blocks.push({ type: list, items });
      continue;
    }
    const para = [];
    while (i < lines.length && lines[i].trim() && !FENCE.test(lines[i]) && !BULLET.test(lines[i]) && !NUMBERED.test(lines[i])) {
      para.push(parseInline(lines[i++].trim()));
    }
    blocks.push({ type: "p", lines: para });
  }
  return blocks;
}

function inlineNodes(runs, h) {
  return runs.map((run) => (run.type === "text" ? run.text : h(run.type, {}, run.text)));
}

/** DOM nodes for `text` (built with `h`, the app's element helper: strings become text nodes). */
export function renderMarkdown(text, h) {
  return parseBlocks(text).map((block) => {
    if (block.type === "pre") {
      return h("pre", { class: "md-code" }, h("code", block.lang ? { "data-lang": block.lang } : {}, block.text));
    }
    if (block.type === "ul" || block.type === "ol") {
      return h(block.type, {}, block.items.map((item) => h("li", {}, inlineNodes(item, h))));
    }
    const parts = [];
    block.lines.forEach((runs, index) => {
      if (index) parts.push(h("br"));
      parts.push(...inlineNodes(runs, h));
    });
    return h("p", {}, parts);
  });
}
