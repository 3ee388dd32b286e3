"""Maps, sets and JSON values (extensions D and E) through all four harnesses and the in-process reference.

Each case's expected output is stored in an order the code does not produce (set members, map keys), so a
pass means order-free comparison works; each reference only gets its answer right when the harness hands
it the language's own types (int keys parsed, a JavaScript Map where asked, Go float64, Java Long/Double).
"""

from __future__ import annotations

import pytest

from coach.domain.judge.checkers import check
from coach.domain.judge.spec import Checker, decode_spec
from coach.domain.judge.types import TypeError_, parse_type, sort_sets
from coach.judge import trusted
from coach.judge.runner import judge
from coach.sandbox.bubblewrap import BubblewrapSandbox

pytestmark = pytest.mark.timeout(120)

BOX_SPEC = b"""
id = "box"
kind = "design"
methods = [
  { name = "group", params = [{ name = "m", type = "map<string,int>" }], returns = "map<int,set<string>>" },
  { name = "pick", params = [{ name = "m", type = "map<int,long>" }, { name = "keys", type = "set<int>" }], returns = "long" },
  { name = "letters", params = [{ name = "s", type = "string" }], returns = "map<char,int>" },
  { name = "distinct", params = [{ name = "s", type = "string" }], returns = "set<char>" },
  { name = "walk", params = [{ name = "v", type = "json" }], returns = "json" },
]
[entry]
python = { class = "Box", methods = { group = "group", pick = "pick", letters = "letters", distinct = "distinct", walk = "walk" } }
javascript = { class = "Box", maps = "Map", methods = { group = "group", pick = "pick", letters = "letters", distinct = "distinct", walk = "walk" } }
java = { class = "Box", methods = { group = "group", pick = "pick", letters = "letters", distinct = "distinct", walk = "walk" } }
go = { class = "Box", constructor = "NewBox", methods = { group = "Group", pick = "Pick", letters = "Letters", distinct = "Distinct", walk = "Walk" } }
[[examples]]
input = '''[["Box","group","pick","letters","distinct","walk"],
  [[], [{"a":1,"b":2,"c":1}], [{"1":10,"2":20,"3":5000000000}, [1,3,4]], ["banana"], ["banana"],
   [{"x":[1,2.5,"s",true,null,{},[]],"y":{"z":-3}}]]]'''
output = '''[null, {"2":["b"],"1":["c","a"]}, 5000000010, {"n":2,"b":1,"a":3}, ["n","b","a"],
  {"k_y":{"k_z":-6},"k_x":[[],{},null,false,"s!",5,2]}]'''
[[examples]]
input = '[["Box","group","pick","distinct","walk","walk"],[[], [{}], [{}, []], [""], [null], ["text"]]]'
output = '[null, {}, 0, [], null, "text!"]'
"""

BOX_CODE = {
    "python": """
class Box:
    def group(self, m):
        out = {}
        for k, v in m.items():
            out.setdefault(v, set()).add(k)
        return out

    def pick(self, m, keys):
        return sum(m[k] for k in keys if k in m)

    def letters(self, s):
        counts = {}
        for ch in s:
            counts[ch] = counts.get(ch, 0) + 1
        return counts

    def distinct(self, s):
        return set(s)

    def walk(self, v):
        if isinstance(v, bool):
            return not v
        if isinstance(v, (int, float)):
            return v * 2
        if isinstance(v, str):
            return v + "!"
        if isinstance(v, list):
            return [self.walk(x) for x in reversed(v)]
        if isinstance(v, dict):
            return {"k_" + k: self.walk(x) for k, x in v.items()}
        return v
""",
    "javascript": """
class Box {
  group(m) {
    const out = new Map();
    for (const [k, v] of m) { if (!out.has(v)) out.set(v, new Set()); out.get(v).add(k); }
    return out;
  }
  pick(m, keys) { let t = 0; for (const k of keys) if (m.has(k)) t += m.get(k); return t; }
  letters(s) { const c = new Map(); for (const ch of s) c.set(ch, (c.get(ch) || 0) + 1); return c; }
  distinct(s) { return new Set(s); }
  walk(v) {
    if (v === null) return null;
    if (typeof v === "boolean") return !v;
    if (typeof v === "number") return v * 2;
    if (typeof v === "string") return v + "!";
    if (Array.isArray(v)) return v.slice().reverse().map((x) => this.walk(x));
    return Object.fromEntries(Object.entries(v).map(([k, x]) => ["k_" + k, this.walk(x)]));
  }
}
""",
    "java": """
class Box {
    public Map<Integer, Set<String>> group(Map<String, Integer> m) {
        Map<Integer, Set<String>> out = new HashMap<>();
        for (Map.Entry<String, Integer> e : m.entrySet()) out.computeIfAbsent(e.getValue(), k -> new HashSet<>()).add(e.getKey());
        return out;
    }

    public long pick(Map<Integer, Long> m, Set<Integer> keys) {
        long t = 0;
        for (int k : keys) if (m.containsKey(k)) t += m.get(k);
        return t;
    }

    public Map<Character, Integer> letters(String s) {
        Map<Character, Integer> c = new TreeMap<>();
        for (char ch : s.toCharArray()) c.merge(ch, 1, Integer::sum);
        return c;
    }

    public Set<Character> distinct(String s) {
        Set<Character> r = new HashSet<>();
        for (char ch : s.toCharArray()) r.add(ch);
        return r;
    }

    @SuppressWarnings("unchecked")
    public Object walk(Object v) {
        if (v == null) return null;
        if (v instanceof Boolean) return !(Boolean) v;
        if (v instanceof Long) return (Long) v * 2;
        if (v instanceof Double) return (Double) v * 2;
        if (v instanceof String) return v + "!";
        if (v instanceof List) {
            List<Object> l = new ArrayList<>((List<Object>) v);
            Collections.reverse(l);
            List<Object> r = new ArrayList<>();
            for (Object x : l) r.add(walk(x));
            return r;
        }
        Map<String, Object> r = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : ((Map<String, Object>) v).entrySet()) r.put("k_" + e.getKey(), walk(e.getValue()));
        return r;
    }
}
""",
    "go": """
type Box struct{}

func NewBox() *Box { return &Box{} }

func (b *Box) Group(m map[string]int) map[int]map[string]bool {
	out := map[int]map[string]bool{}
	for k, v := range m {
		if out[v] == nil {
			out[v] = map[string]bool{}
		}
		out[v][k] = true
	}
	return out
}

func (b *Box) Pick(m map[int]int64, keys map[int]bool) int64 {
	var t int64
	for k := range keys {
		if v, ok := m[k]; ok {
			t += v
		}
	}
	return t
}

func (b *Box) Letters(s string) map[byte]int {
	c := map[byte]int{}
	for i := 0; i < len(s); i++ {
		c[s[i]]++
	}
	return c
}

// A key mapped to false is not a member.
func (b *Box) Distinct(s string) map[byte]bool {
	r := map[byte]bool{'?': false}
	for i := 0; i < len(s); i++ {
		r[s[i]] = true
	}
	return r
}

func (b *Box) Walk(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case bool:
		return !x
	case float64:
		return x * 2
	case string:
		return x + "!"
	case []any:
		r := make([]any, len(x))
		for i := range x {
			r[len(x)-1-i] = b.Walk(x[i])
		}
		return r
	case map[string]any:
		r := map[string]any{}
		for k, e := range x {
			r["k_"+k] = b.Walk(e)
		}
		return r
	}
	panic("not a JSON value")
}
""",
}

ROWS_SPEC = b"""
id = "rows"
params = [{ name = "records", type = "list<map<string,json>>" }]
returns = "list<map<string,json>>"
[entry]
python = { name = "rows" }
javascript = { name = "rows" }
java = { name = "rows" }
go = { name = "rows" }
[[examples]]
input = '[[{"a":1,"b":null,"c":{"d":[1,"x"]}},{}]]'
output = '[{"size":3,"c":{"d":[1,"x"]},"b":null,"a":1},{"size":0}]'
[[examples]]
input = '[[]]'
output = '[]'
"""

ROWS_CODE = {
    "python": "def rows(records):\n    return [{**r, 'size': len(r)} for r in records]\n",
    # A Map argument would make Object.keys see no keys: the default passes plain objects.
    "javascript": "function rows(records) {\n  return records.map((r) => ({ ...r, size: Object.keys(r).length }));\n}\n",
    "java": "class Solution {\n    public List<Map<String, Object>> rows(List<Map<String, Object>> records) {\n"
    "        List<Map<String, Object>> out = new ArrayList<>();\n"
    "        for (Map<String, Object> r : records) {\n"
    '            Map<String, Object> m = new HashMap<>(r);\n            m.put("size", r.size());\n            out.add(m);\n'
    "        }\n        return out;\n    }\n}\n",
    "go": "func rows(records []map[string]any) []map[string]any {\n    out := []map[string]any{}\n"
    '    for _, r := range records {\n        m := map[string]any{"size": len(r)}\n'
    "        for k, v := range r {\n            m[k] = v\n        }\n        out = append(out, m)\n    }\n"
    "    return out\n}\n",
}


def test_map_set_and_json_types_parse_and_refuse_keys_without_a_json_spelling() -> None:
    assert str(parse_type("map<int, set<string>>")) == "map<int,set<string>>"
    assert parse_type("list<map<string,json>>").item.value.kind == "json"
    for bad in ("map<double,int>", "map<json,int>", "set<list<int>>", "map<string>"):
        with pytest.raises(TypeError_):
            parse_type(bad)


def test_sets_compare_without_order_and_maps_as_json_objects() -> None:
    t = parse_type("map<int,set<string>>")
    assert sort_sets(t, {"1": ["c", "a"]}) == sort_sets(t, {"1": ["a", "c"]})
    assert sort_sets(parse_type("list<int>"), [2, 1]) == [2, 1]
    exact = Checker()
    assert check(exact, {"a": 1, "b": [2]}, {"b": [2.0], "a": 1}) is None
    assert check(exact, {"a": True}, {"a": 1}) is not None
    assert check(exact, {"a": None}, {}) is not None
    assert check(Checker(kind="float"), {"x": 1.0}, {"x": 1.0000001}) is None


def test_the_python_reference_gets_its_arguments_and_results_converted() -> None:
    reference = b"[solutions]\nwrong = {}\n[solutions.reference]\npython = '''" + BOX_CODE["python"].encode()
    spec = decode_spec(BOX_SPEC + reference + b"'''\n")
    for case in spec.examples:
        got = spec.sort_sets(case.args(), trusted.reference_output(spec, case.args()))
        assert check(spec.checker, spec.sort_sets(case.args(), case.expected()), got) is None, got


@pytest.mark.parametrize("language", sorted(BOX_CODE))
async def test_maps_sets_and_json_values_cross_every_harness(
    language: str, sandbox: BubblewrapSandbox
) -> None:
    report = await judge(decode_spec(BOX_SPEC), language, BOX_CODE[language], sandbox)
    assert report.status == "passed", (report.compile_error, [(c.message, c.actual) for c in report.cases])


@pytest.mark.parametrize("language", sorted(ROWS_CODE))
async def test_records_as_json_objects_cross_every_harness(language: str, sandbox: BubblewrapSandbox) -> None:
    report = await judge(decode_spec(ROWS_SPEC), language, ROWS_CODE[language], sandbox)
    assert report.status == "passed", (report.compile_error, [(c.message, c.actual) for c in report.cases])


WRONG_BOX = {
    # A list is no set: the duplicate letters of "banana" make it wrong.
    "python": BOX_CODE["python"].replace("return set(s)", "return list(s)"),
    # A member missing from a set is wrong, whatever the order.
    "javascript": BOX_CODE["javascript"].replace(
        "return new Set(s);", "const r = new Set(s); r.delete('a'); return r;"
    ),
    "java": BOX_CODE["java"].replace("r.add(ch);", "if (ch != 'n') r.add(ch);"),
    "go": BOX_CODE["go"].replace("r[s[i]] = true", "r[s[i]] = s[i] != 'n'"),
}


@pytest.mark.parametrize("language", sorted(WRONG_BOX))
async def test_a_wrong_set_fails(language: str, sandbox: BubblewrapSandbox) -> None:
    report = await judge(decode_spec(BOX_SPEC), language, WRONG_BOX[language], sandbox, cases="visible")
    assert [c.status for c in report.cases] == ["wrong_answer", "passed"], [c.message for c in report.cases]


@pytest.mark.parametrize(
    ("language", "code", "message"),
    [
        ("python", "def rows(records):\n    return [{1: 2}]\n", "a dict key is int where a str was expected"),
        ("python", "def rows(records):\n    return [{'a': {1, 2}}]\n", "returned a set inside a JSON value"),
        (
            "javascript",
            "function rows(records) {\n  return [{ a: new Map() }];\n}\n",
            "a Map inside a JSON value",
        ),
    ],
)
async def test_a_result_that_is_not_json_is_explained(
    language: str, code: str, message: str, sandbox: BubblewrapSandbox
) -> None:
    report = await judge(decode_spec(ROWS_SPEC), language, code, sandbox, cases="visible")
    assert report.cases[0].status == "error"
    assert message in report.cases[0].message
