import assert from "node:assert/strict";
import { test } from "node:test";
import { parseBlocks, parseInline, renderMarkdown } from "../src/lib/markdown.js";

// A stand-in for the DOM helper: elements as plain objects, strings kept as text.
const h = (tag, attrs = {}, ...children) => ({ tag, attrs, children: children.flat(Infinity) });

function text(node) {
  if (typeof node === "string") return node;
  return node.children.map(text).join("");
}

test("code spans and bold become their own runs; unmatched markers stay text", () => {
  assert.deepEqual(parseInline("Return `k` items, **sorted**."), [
    { type: "text", text: "Return " },
    { type: "code", text: "k" },
    { type: "text", text: " items, " },
    { type: "strong", text: "sorted" },
    { type: "text", text: "." },
  ]);
  assert.deepEqual(parseInline("a ` b ** c"), [{ type: "text", text: "a ` b ** c" }]);
  assert.deepEqual(parseInline("`a ** b`"), [{ type: "code", text: "a ** b" }]);
});

test("a question's paragraphs, lists and fenced code are blocks", () => {
  const blocks = parseBlocks(
    "Merge the intervals.\n\n- Input: `[[1,3],[2,6]]`\n- Output: `[[1,6]]`\n\n1. sort\n2. sweep\n\n```python\ndef f():\n    return 1\n```\nDone.",
  );
  assert.deepEqual(
    blocks.map((b) => b.type),
    ["p", "ul", "ol", "pre", "p"],
  );
  assert.equal(blocks[1].items.length, 2);
  assert.deepEqual(blocks[1].items[0][1], { type: "code", text: "[[1,3],[2,6]]" });
  assert.equal(blocks[3].lang, "python");
  assert.equal(blocks[3].text, "def f():\n    return 1");
});

test("a fence still streaming runs to the end of the text", () => {
  const blocks = parseBlocks("Write it:\n```js\nfunction f() {");
  assert.deepEqual(blocks.at(-1), { type: "pre", lang: "js", text: "function f() {" });
});

test("HTML in a question is text, never an element", () => {
  const nodes = renderMarkdown('Look: <img src=x onerror="alert(1)"> and `<b>x</b>`', h);
  assert.equal(nodes.length, 1);
  const tags = [];
  const walk = (n) => {
    if (typeof n === "string") return;
    tags.push(n.tag);
    n.children.forEach(walk);
  };
  nodes.forEach(walk);
  assert.deepEqual(tags, ["p", "code"]);
  assert.equal(text(nodes[0]), 'Look: <img src=x onerror="alert(1)"> and <b>x</b>');
});

test("lines of one paragraph keep their breaks", () => {
  const [p] = renderMarkdown("first line\nsecond line", h);
  assert.deepEqual(
    p.children.map((c) => (typeof c === "string" ? c : c.tag)),
    ["first line", "br", "second line"],
  );
});
