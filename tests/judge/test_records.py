"""Records (extension F) through all four harnesses and the in-process reference.

One design spec sends a named recursive record (a tree of `Node`s), an inline record passed as a Python
tuple and a JavaScript array (`Pair`), a record inside a map with a set and a nullable field (`Stat`)
and nullable record results through every harness. Each reference only gets its answers right when the
harness builds the language's own values (a Python dataclass, a Java record or class, a Go struct
with differently spelled fields) and reads its results back by the spec's field names.
"""

from __future__ import annotations

import pytest

from coach.domain.judge.checkers import check
from coach.domain.judge.spec import SpecError, decode_spec
from coach.domain.judge.types import TypeError_, parse_type, sort_sets
from coach.judge import trusted
from coach.judge.harness import signature
from coach.judge.runner import judge
from coach.sandbox.bubblewrap import BubblewrapSandbox

pytestmark = pytest.mark.timeout(120)

PAIR = "record<Pair>{durationMs: long, ok: bool}"
STAT = "record<Stat>{count: int, words: set<string>, first: optional<string>}"
TREE = (
    '{"tag":"div","text":"","hidden":false,"children":['
    '{"tag":"p","text":"Hi","hidden":false,"children":[]},'
    '{"tag":"ul","text":"","hidden":false,"children":['
    '{"tag":"li","text":"a","hidden":false,"children":[]},'
    '{"tag":"li","text":"b","hidden":true,"children":[{"tag":"x","text":"","hidden":false,"children":[]}]}]}]}'
)
SMALL = (
    '{"tag":"a","text":"t","hidden":false,"children":['
    '{"tag":"b","text":"","hidden":true,"children":[]},{"tag":"c","text":"u","hidden":false,"children":[]}]}'
)
MIRRORED = (
    '{"children":[{"tag":"C","text":"u!","hidden":true,"children":[]},'
    '{"hidden":false,"tag":"B","text":"!","children":[]}],"tag":"A","text":"t!","hidden":true}'
)
PAIRS = '[{"durationMs":5000000000,"ok":true},{"durationMs":7,"ok":false}]'

REC_SPEC = f"""
id = "recbox"
kind = "design"
[records]
Node = "tag: string, text: string, hidden: bool, children: list<Node>"
[[methods]]
name = "outline"
params = [{{ name = "root", type = "optional<Node>" }}]
returns = "list<string>"
[[methods]]
name = "weigh"
params = [{{ name = "pairs", type = "list<{PAIR}>" }}]
returns = "long"
[[methods]]
name = "mirror"
params = [{{ name = "root", type = "optional<Node>" }}]
returns = "optional<Node>"
[[methods]]
name = "group"
params = [{{ name = "words", type = "list<string>" }}]
returns = "map<int,{STAT}>"
[[methods]]
name = "find"
params = [{{ name = "pairs", type = "list<{PAIR}>" }}, {{ name = "ms", type = "long" }}]
returns = "optional<{PAIR}>"
[entry]
python = {{ class = "RecBox", records = {{ Pair = "tuple" }}, methods = {{ outline = "outline", weigh = "weigh", mirror = "mirror", group = "group", find = "find" }} }}
javascript = {{ class = "RecBox", records = {{ Pair = "array" }}, methods = {{ outline = "outline", weigh = "weigh", mirror = "mirror", group = "group", find = "find" }} }}
java = {{ class = "Solution.RecBox", methods = {{ outline = "outline", weigh = "weigh", mirror = "mirror", group = "group", find = "find" }} }}
go = {{ class = "RecBox", constructor = "NewRecBox", methods = {{ outline = "Outline", weigh = "Weigh", mirror = "Mirror", group = "Group", find = "Find" }} }}
[[examples]]
input = '''[["RecBox","outline","weigh","mirror","group","find","find","outline","mirror"],
  [[], [{TREE}], [{PAIRS}], [{SMALL}], [["bb","a","cc","bb","ddd"]], [{PAIRS}, 7], [{PAIRS}, 8], [null], [null]]]'''
output = '''[null, ["div","  p: Hi","  ul","    li: a"], 10000000007, {MIRRORED},
  {{"3":{{"first":null,"words":["ddd"],"count":1}},"1":{{"words":["a"],"count":1,"first":"a"}},"2":{{"count":3,"first":null,"words":["cc","bb"]}}}},
  {{"ok":false,"durationMs":7}}, null, [], null]'''
"""

REC_CODE = {
    "python": """
from dataclasses import dataclass, field


@dataclass
class Node:
    tag: str
    text: str = ""
    hidden: bool = False
    children: list["Node"] = field(default_factory=list)


class RecBox:
    def outline(self, root):
        out, stack = [], [(root, 0)] if root else []
        while stack:
            node, depth = stack.pop()
            if node.hidden:
                continue
            out.append("  " * depth + node.tag + (": " + node.text if node.text else ""))
            stack.extend((c, depth + 1) for c in reversed(node.children))
        return out

    def weigh(self, pairs):
        return sum(ms * 2 if ok else ms for ms, ok in pairs)

    def mirror(self, root):
        if root is None:
            return None
        return Node(root.tag.upper(), root.text + "!", not root.hidden, [self.mirror(c) for c in reversed(root.children)])

    def group(self, words):
        out = {}
        for w in words:
            s = out.setdefault(len(w), {"count": 0, "words": set(), "first": None})
            s["count"] += 1
            s["words"].add(w)
            if s["first"] is None and "a" in w:
                s["first"] = w
        return out

    def find(self, pairs, ms):
        return next((p for p in pairs if p[0] == ms), None)
""",
    "javascript": """
class RecBox {
  outline(root) {
    const out = []; const stack = root ? [[root, 0]] : [];
    while (stack.length) {
      const [node, depth] = stack.pop();
      if (node.hidden) continue;
      out.push("  ".repeat(depth) + node.tag + (node.text ? ": " + node.text : ""));
      for (let i = node.children.length - 1; i >= 0; i--) stack.push([node.children[i], depth + 1]);
    }
    return out;
  }
  weigh(pairs) { return pairs.reduce((t, [ms, ok]) => t + (ok ? ms * 2 : ms), 0); }
  mirror(root) {
    if (!root) return null;
    return { tag: root.tag.toUpperCase(), text: root.text + "!", hidden: !root.hidden, children: root.children.slice().reverse().map((c) => this.mirror(c)) };
  }
  group(words) {
    const out = new Map();
    for (const w of words) {
      if (!out.has(w.length)) out.set(w.length, { count: 0, words: new Set(), first: null });
      const s = out.get(w.length); s.count++; s.words.add(w);
      if (s.first === null && w.includes("a")) s.first = w;
    }
    return out;
  }
  find(pairs, ms) { return pairs.find((p) => p[0] === ms) || null; }
}
""",
    # Node is not declared (as in a starter whose comment describes it): the harness supplies the class.
    "java": """
class Solution {
    public record Pair(long durationMs, boolean ok) {}
    public record Stat(int count, Set<String> words, String first) {}

    static class RecBox {
        public List<String> outline(Node root) {
            List<String> out = new ArrayList<>();
            Deque<Object[]> stack = new ArrayDeque<>();
            if (root != null) stack.push(new Object[] {root, 0});
            while (!stack.isEmpty()) {
                Object[] top = stack.pop();
                Node node = (Node) top[0]; int depth = (Integer) top[1];
                if (node.hidden) continue;
                out.add("  ".repeat(depth) + node.tag + (node.text.isEmpty() ? "" : ": " + node.text));
                for (int i = node.children.size() - 1; i >= 0; i--) stack.push(new Object[] {node.children.get(i), depth + 1});
            }
            return out;
        }

        public long weigh(List<Pair> pairs) {
            long t = 0;
            for (Pair p : pairs) t += p.ok() ? p.durationMs() * 2 : p.durationMs();
            return t;
        }

        public Node mirror(Node root) {
            if (root == null) return null;
            Node r = new Node();
            r.tag = root.tag.toUpperCase(); r.text = root.text + "!"; r.hidden = !root.hidden;
            r.children = new ArrayList<>();
            for (int i = root.children.size() - 1; i >= 0; i--) r.children.add(mirror(root.children.get(i)));
            return r;
        }

        public Map<Integer, Stat> group(List<String> words) {
            Map<Integer, Stat> out = new HashMap<>();
            for (String w : words) {
                Stat s = out.getOrDefault(w.length(), new Stat(0, new TreeSet<>(), null));
                Set<String> ws = new TreeSet<>(s.words()); ws.add(w);
                out.put(w.length(), new Stat(s.count() + 1, ws, s.first() == null && w.contains("a") ? w : s.first()));
            }
            return out;
        }

        public Pair find(List<Pair> pairs, long ms) {
            for (Pair p : pairs) if (p.durationMs() == ms) return p;
            return null;
        }
    }
}
""",
    "go": """
import "strings"

type Node struct {
	Tag      string
	Text     string
	Hidden   bool
	Children []*Node
}

type Pair struct {
	DurationMs int64
	OK         bool
}

type Stat struct {
	Count int
	Words map[string]bool
	First *string
}

type RecBox struct{}

func NewRecBox() *RecBox { return &RecBox{} }

func (b *RecBox) Outline(root *Node) []string {
	out := []string{}
	type item struct {
		n *Node
		d int
	}
	stack := []item{}
	if root != nil {
		stack = append(stack, item{root, 0})
	}
	for len(stack) > 0 {
		top := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if top.n.Hidden {
			continue
		}
		line := strings.Repeat("  ", top.d) + top.n.Tag
		if top.n.Text != "" {
			line += ": " + top.n.Text
		}
		out = append(out, line)
		for i := len(top.n.Children) - 1; i >= 0; i-- {
			stack = append(stack, item{top.n.Children[i], top.d + 1})
		}
	}
	return out
}

func (b *RecBox) Weigh(pairs []Pair) int64 {
	var t int64
	for _, p := range pairs {
		if p.OK {
			t += p.DurationMs * 2
		} else {
			t += p.DurationMs
		}
	}
	return t
}

func (b *RecBox) Mirror(root *Node) *Node {
	if root == nil {
		return nil
	}
	r := &Node{Tag: strings.ToUpper(root.Tag), Text: root.Text + "!", Hidden: !root.Hidden, Children: []*Node{}}
	for i := len(root.Children) - 1; i >= 0; i-- {
		r.Children = append(r.Children, b.Mirror(root.Children[i]))
	}
	return r
}

func (b *RecBox) Group(words []string) map[int]Stat {
	out := map[int]Stat{}
	for _, w := range words {
		s, ok := out[len(w)]
		if !ok {
			s = Stat{Words: map[string]bool{}}
		}
		s.Count++
		s.Words[w] = true
		if s.First == nil && strings.Contains(w, "a") {
			word := w
			s.First = &word
		}
		out[len(w)] = s
	}
	return out
}

func (b *RecBox) Find(pairs []Pair, ms int64) *Pair {
	for i := range pairs {
		if pairs[i].DurationMs == ms {
			return &pairs[i]
		}
	}
	return nil
}
""",
}


def test_record_types_parse_named_inline_and_recursive() -> None:
    t = parse_type(PAIR)
    assert (t.kind, t.name, t.fields, str(t)) == ("record", "Pair", ("durationMs", "ok"), "Pair")
    node = parse_type("list<Node>", {"Node": "tag: string, children: list<Node>"}).item
    assert node.fields == ("tag", "children")
    assert node.items[1].item == parse_type("record<Node>{x: int}").__class__("record", (), "Node")
    for bad in ("record<int>{a: int}", "record<R>{a: int, a: long}", "record<R>{}", "Unknown"):
        with pytest.raises(TypeError_):
            parse_type(bad)


def test_records_come_back_by_the_spec_field_names() -> None:
    t = parse_type(f"map<int,{STAT}>")
    go = {"1": {"Count": 2, "Words": {"b": True, "a": True, "z": False}, "First": None}}
    python = {"1": [2, ["a", "b"], None]}
    assert sort_sets(t, go) == sort_sets(t, python) == {"1": {"count": 2, "words": ["a", "b"], "first": None}}
    assert sort_sets(parse_type(PAIR), {"duration_ms": 1, "OK": True, "extra": 3}) == {
        "durationMs": 1,
        "ok": True,
    }
    assert sort_sets(parse_type(PAIR), {"ok": True}) == {"ok": True}


def test_a_spec_names_only_records_and_ways_it_has() -> None:
    bad = REC_SPEC.replace('records = { Pair = "tuple" }', 'records = { Pair = "array" }')
    with pytest.raises(SpecError):
        decode_spec(bad.encode())
    with pytest.raises(SpecError):
        decode_spec(REC_SPEC.replace('list<Node>"', 'list<Nod>"').encode())


def test_the_python_reference_gets_records_built_and_read() -> None:
    reference = "[solutions]\nwrong = {}\n[solutions.reference]\npython = '''" + REC_CODE["python"] + "'''\n"
    spec = decode_spec((REC_SPEC + reference).encode())
    for case in spec.examples:
        got = spec.sort_sets(case.args(), trusted.reference_output(spec, case.args()))
        assert check(spec.checker, spec.sort_sets(case.args(), case.expected()), got) is None, got


@pytest.mark.parametrize("language", sorted(REC_CODE))
async def test_records_cross_every_harness(language: str, sandbox: BubblewrapSandbox) -> None:
    report = await judge(decode_spec(REC_SPEC.encode()), language, REC_CODE[language], sandbox)
    assert report.status == "passed", (report.compile_error, [(c.message, c.actual) for c in report.cases])


WRONG_REC = {
    # Each reads one field as another: the wrong field's value, not a crash, so the answer is wrong.
    "python": REC_CODE["python"]
    .replace("for ms, ok in pairs", "for ok, ms in [(p[1], p[0]) for p in pairs][::-1]")
    .replace('s["count"] += 1', 's["count"] += 2'),
    "javascript": REC_CODE["javascript"]
    .replace('root.text + "!"', 'root.tag + "!"')
    .replace("s.count++;", "s.count += 2;"),
    "java": REC_CODE["java"]
    .replace("r.hidden = !root.hidden;", "r.hidden = root.hidden;")
    .replace("s.count() + 1", "s.count() + 2"),
    "go": REC_CODE["go"]
    .replace("Hidden: !root.Hidden", "Hidden: root.Hidden")
    .replace("s.Count++", "s.Count += 2"),
}


@pytest.mark.parametrize("language", sorted(WRONG_REC))
async def test_a_wrong_record_field_fails(language: str, sandbox: BubblewrapSandbox) -> None:
    report = await judge(
        decode_spec(REC_SPEC.encode()), language, WRONG_REC[language], sandbox, cases="visible"
    )
    assert [c.status for c in report.cases] == ["wrong_answer"], [c.message for c in report.cases]


@pytest.mark.parametrize(
    ("language", "code", "message"),
    [
        (
            "python",
            REC_CODE["python"].replace("return next((p for p in pairs if p[0] == ms), None)", "return (ms,)"),
            "returned 1 values for a Pair of 2 fields",
        ),
        (
            "javascript",
            REC_CODE["javascript"].replace(
                'return { tag: root.tag.toUpperCase(), text: root.text + "!",', "return { tag: root.tag,"
            ),
            "has no field text",
        ),
    ],
)
async def test_a_record_result_without_its_fields_is_explained(
    language: str, code: str, message: str, sandbox: BubblewrapSandbox
) -> None:
    report = await judge(decode_spec(REC_SPEC.encode()), language, code, sandbox, cases="visible")
    assert report.cases[0].status == "error", report.cases[0].message
    assert message in report.cases[0].message


SPLIT_SPEC = b"""
id = "split"
params = [{ name = "s", type = "string" }]
returns = "record<Parts>{head: string, rest: list<string>, count: int}"
[entry]
python = { name = "split" }
javascript = { name = "split" }
java = { name = "split" }
go = { name = "split", spread = true }
[[examples]]
input = '["a b c"]'
output = '{"count":3,"head":"a","rest":["b","c"]}'
[[examples]]
input = '["solo"]'
output = '{"head":"solo","rest":[],"count":1}'
"""

SPLIT_CODE = {
    "python": "def split(s):\n    w = s.split(' ')\n    return w[0], w[1:], len(w)\n",
    "javascript": "function split(s) {\n  const w = s.split(' ');\n  return { count: w.length, rest: w.slice(1), head: w[0] };\n}\n",
    "java": "class Solution {\n    record Parts(String head, List<String> rest, int count) {}\n\n"
    '    public Parts split(String s) {\n        List<String> w = Arrays.asList(s.split(" "));\n'
    "        return new Parts(w.get(0), w.subList(1, w.size()), w.size());\n    }\n}\n",
    "go": 'import "strings"\n\nfunc split(s string) (string, []string, int) {\n'
    '\tw := strings.Split(s, " ")\n\treturn w[0], w[1:], len(w)\n}\n',
}


def test_a_go_record_result_may_come_back_as_one_result_per_field() -> None:
    assert signature(decode_spec(SPLIT_SPEC), "go") == "func split(s string) (string, []string, int)"


@pytest.mark.parametrize("language", sorted(SPLIT_CODE))
async def test_a_spread_record_result_crosses_every_harness(
    language: str, sandbox: BubblewrapSandbox
) -> None:
    report = await judge(decode_spec(SPLIT_SPEC), language, SPLIT_CODE[language], sandbox)
    assert report.status == "passed", (report.compile_error, [(c.message, c.actual) for c in report.cases])
