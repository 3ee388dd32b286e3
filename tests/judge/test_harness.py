"""What a candidate sees when their code misbehaves: errors with their own line numbers, time limits, prints."""

from __future__ import annotations

import pytest

from coach.judge.runner import judge
from coach.judge.specs import load_specs
from coach.sandbox.bubblewrap import BubblewrapSandbox

SPECS = load_specs()
TWO_SUM = SPECS["code-e-two-sum-01"]
pytestmark = pytest.mark.timeout(120)

FORGER = """
import json
def two_sum(nums, target):
    print("0" * 32 + " " + json.dumps({"i": 3, "ok": True, "out": [0, 1], "ms": 0}))
    return [0, 0]
"""


async def test_printed_lines_cannot_pass_as_results(sandbox: BubblewrapSandbox) -> None:
    report = await judge(TWO_SUM, "python", FORGER, sandbox, cases="visible")
    assert report.passed == 0
    assert report.cases[0].status == "wrong_answer"
    assert '"ok": true' in report.cases[0].stdout


@pytest.mark.parametrize(
    ("language", "code", "line"),
    [
        ("python", "def two_sum(nums, target):\n    x = [\n    return []\n", "line 2"),
        ("javascript", "function twoSum(nums, target) {\n  return [0,\n}\n", "line 3"),
        (
            "java",
            'class Solution {\n    public int[] twoSum(int[] nums, int target) {\n        int x = "a";\n    }\n}\n',
            "line 3",
        ),
        ("go", "func twoSum(nums []int, target int) []int {\n    x := 1\n    return nil\n}\n", "line 2"),
    ],
)
async def test_compile_errors_carry_the_candidates_line_numbers(
    language: str, code: str, line: str, sandbox: BubblewrapSandbox
) -> None:
    report = await judge(TWO_SUM, language, code, sandbox, cases="visible")
    assert report.status == "compile_error"
    assert line in report.compile_error
    assert "JudgeMain" not in report.compile_error
    assert "judge_main" not in report.compile_error


@pytest.mark.parametrize(
    ("language", "code", "expected"),
    [
        ("python", "def twosum(nums, target):\n    return []\n", "no function named two_sum"),
        (
            "java",
            "class Solution {\n    public int[] twoSums(int[] nums, int target) { return null; }\n}\n",
            "public int[] twoSum(int[] nums, int target)",
        ),
        (
            "go",
            "func twoSum(nums []int64, target int) []int {\n    return nil\n}\n",
            "func twoSum(nums []int, target int) []int",
        ),
    ],
)
async def test_a_wrong_signature_is_explained_with_the_expected_one(
    language: str, code: str, expected: str, sandbox: BubblewrapSandbox
) -> None:
    report = await judge(TWO_SUM, language, code, sandbox, cases="visible")
    assert report.status == "compile_error"
    assert expected in report.compile_error


@pytest.mark.parametrize(
    ("language", "code", "where"),
    [
        (
            "python",
            "def two_sum(nums, target):\n    seen = {}\n    return [seen[target], 0]\n",
            "KeyError: 9 (line 3)",
        ),
        (
            "javascript",
            "function twoSum(nums, target) {\n  const seen = null;\n  return seen.x;\n}\n",
            "(line 3)",
        ),
        (
            "java",
            "class Solution {\n    public int[] twoSum(int[] nums, int target) {\n        int[] a = new int[1];\n        return new int[] {a[5]};\n    }\n}\n",
            "ArrayIndexOutOfBoundsException",
        ),
        (
            "go",
            "func twoSum(nums []int, target int) []int {\n    var m map[int]int\n    m[1] = 2\n    return nil\n}\n",
            "(line 3)",
        ),
    ],
)
async def test_an_exception_fails_its_case_with_the_line_and_the_rest_still_run(
    language: str, code: str, where: str, sandbox: BubblewrapSandbox
) -> None:
    report = await judge(TWO_SUM, language, code, sandbox, cases="visible")
    assert [c.status for c in report.cases] == ["error"] * 3
    assert where in report.cases[0].message
    if language == "java":
        assert "(line 4)" in report.cases[0].message


INFINITE_ON_FIRST = """
def two_sum(nums, target):
    if nums == [2, 7, 11, 15]:
        while True:
            pass
    seen = {}
    for i, v in enumerate(nums):
        if target - v in seen:
            return [seen[target - v], i]
        seen[v] = i
"""


async def test_a_case_that_never_ends_is_a_timeout_and_later_cases_still_run(
    sandbox: BubblewrapSandbox,
) -> None:
    report = await judge(TWO_SUM, "python", INFINITE_ON_FIRST, sandbox, cases="visible")
    assert [c.status for c in report.cases] == ["timeout", "passed", "passed"]
    assert report.cases[0].limit in ("cpu", "wall")
    assert report.runs == 2


QUADRATIC = """
func twoSum(nums []int, target int) []int {
    for i := range nums {
        for j := i + 1; j < len(nums); j++ {
            if nums[i]+nums[j] == target {
                return []int{i, j}
            }
        }
    }
    return nil
}
"""


async def test_a_quadratic_solution_passes_small_cases_and_times_out_on_the_large_one(
    sandbox: BubblewrapSandbox,
) -> None:
    report = await judge(TWO_SUM, "go", QUADRATIC, sandbox)
    assert all(c.passed for c in report.cases if not c.large)
    assert report.large_case_timeout
    large = next(c for c in report.cases if c.large)
    assert large.description == "large input with the pair at the end"
    assert large.input is None


@pytest.mark.parametrize(
    ("language", "code"),
    [
        (
            "python",
            "def max_depth(root):\n    return 1 + max(max_depth(root.left), max_depth(root.right)) if root else 0\n",
        ),
        (
            "javascript",
            "function maxDepth(r) {\n  return r ? 1 + Math.max(maxDepth(r.left), maxDepth(r.right)) : 0;\n}\n",
        ),
        (
            "java",
            "class Solution {\n    public int maxDepth(TreeNode r) {\n        return r == null ? 0 : 1 + Math.max(maxDepth(r.left), maxDepth(r.right));\n    }\n}\n",
        ),
    ],
)
async def test_recursion_reaches_the_constraints_depth(
    language: str, code: str, sandbox: BubblewrapSandbox
) -> None:
    report = await judge(SPECS["code-e-tree-max-depth-01"], language, code, sandbox)
    assert report.status == "passed", [(c.description, c.message) for c in report.cases if not c.passed]


async def test_visible_cases_show_input_expected_and_actual(sandbox: BubblewrapSandbox) -> None:
    code = "function twoSum(nums, target) {\n  console.log('checking', nums.length);\n  return [1, 0];\n}\n"
    report = await judge(TWO_SUM, "javascript", code, sandbox, cases="visible")
    first = report.first_failing_visible
    assert first is not None
    assert first.input == "nums = [2,7,11,15], target = 9"
    assert first.expected == "[0,1]"
    assert first.actual == "[1,0]"
    assert first.stdout.strip() == "checking 4"


NESTED_TREE = """
class Solution {
    static class TreeNode {
        int val;
        TreeNode left, right;
        TreeNode(int val) { this.val = val; }
    }

    public int maxDepth(TreeNode root) {
        int depth = 0;
        java.util.ArrayDeque<TreeNode> level = new java.util.ArrayDeque<>();
        if (root != null) level.add(root);
        while (!level.isEmpty()) {
            depth++;
            for (int n = level.size(); n > 0; n--) {
                TreeNode t = level.poll();
                if (t.left != null) level.add(t.left);
                if (t.right != null) level.add(t.right);
            }
        }
        return depth;
    }
}
"""


async def test_java_node_classes_nested_in_solution_are_used(sandbox: BubblewrapSandbox) -> None:
    report = await judge(SPECS["code-e-tree-max-depth-01"], "java", NESTED_TREE, sandbox)
    assert report.status == "passed", (
        report.compile_error,
        [c.message for c in report.cases if not c.passed],
    )


OPTIONAL_SPEC = b"""
id = "optional-store"
kind = "design"
methods = [
  { name = "put", params = [{ name = "key", type = "string" }, { name = "value", type = "int" }] },
  { name = "get", params = [{ name = "key", type = "string" }], returns = "optional<int>" },
]
[entry]
python = { class = "Store", methods = { put = "put", get = "get" } }
javascript = { class = "Store", methods = { put = "put", get = "get" } }
java = { class = "Store", methods = { put = "put", get = "get" } }
go = { class = "Store", constructor = "NewStore", methods = { put = "Put", get = "Get" } }
[[examples]]
input = '[["Store","get","put","get"],[[],["a"],["a",0],["a"]]]'
output = "[null,null,null,0]"
"""
OPTIONAL_CODE = {
    "python": "class Store:\n    def __init__(self):\n        self.d = {}\n    def put(self, k, v):\n        self.d[k] = v\n"
    "    def get(self, k):\n        return self.d.get(k)\n",
    "javascript": "class Store {\n  constructor() { this.d = new Map(); }\n  put(k, v) { this.d.set(k, v); }\n"
    "  get(k) { return this.d.has(k) ? this.d.get(k) : null; }\n}\n",
    "java": "class Store {\n    java.util.Map<String, Integer> d = new java.util.HashMap<>();\n"
    "    public void put(String k, int v) { d.put(k, v); }\n    public Integer get(String k) { return d.get(k); }\n}\n",
    "go": "type Store struct{ d map[string]int }\n\nfunc NewStore() *Store { return &Store{d: map[string]int{}} }\n\n"
    "func (s *Store) Put(k string, v int) { s.d[k] = v }\n\n"
    "func (s *Store) Get(k string) (int, bool) {\n    v, ok := s.d[k]\n    return v, ok\n}\n",
}


@pytest.mark.parametrize("language", sorted(OPTIONAL_CODE))
async def test_an_optional_result_reads_as_null_when_absent(
    language: str, sandbox: BubblewrapSandbox
) -> None:
    from coach.domain.judge.spec import decode_spec

    spec = decode_spec(OPTIONAL_SPEC)
    report = await judge(spec, language, OPTIONAL_CODE[language], sandbox)
    assert report.status == "passed", (report.compile_error, [(c.message, c.actual) for c in report.cases])
    assert report.cases[0].actual == "[null,null,null,0]"


RAISING_SPEC = b"""
id = "parse-port"
params = [{ name = "s", type = "string" }]
returns = "int"
[entry]
python = { name = "parse_port" }
javascript = { name = "parsePort" }
java = { name = "parsePort" }
go = { name = "parsePort", error = true }
[[examples]]
input = '["8080"]'
output = "8080"
[[examples]]
input = '["http"]'
output = '{"error": true}'
"""
RAISING_CODE = {
    "python": "def parse_port(s):\n    if not s.isdigit():\n        raise ValueError(s)\n    return int(s)\n",
    "javascript": "function parsePort(s) {\n  if (!/^[0-9]+$/.test(s)) throw new Error('bad port ' + s);\n"
    "  return Number(s);\n}\n",
    "java": "class Solution {\n    public int parsePort(String s) {\n        return Integer.parseInt(s);\n    }\n}\n",
    "go": 'import (\n    "fmt"\n    "strconv"\n)\n\nfunc parsePort(s string) (int, error) {\n'
    '    n, err := strconv.Atoi(s)\n    if err != nil {\n        return 0, fmt.Errorf("bad port %q", s)\n    }\n'
    "    return n, nil\n}\n",
}
NOT_RAISING = {
    "python": "def parse_port(s):\n    return int(s) if s.isdigit() else -1\n",
    "go": "func parsePort(s string) (int, error) {\n    return 8080, nil\n}\n",
}


@pytest.mark.parametrize("language", sorted(RAISING_CODE))
async def test_a_case_whose_answer_is_an_error_passes_when_the_code_raises(
    language: str, sandbox: BubblewrapSandbox
) -> None:
    from coach.domain.judge.spec import decode_spec

    report = await judge(decode_spec(RAISING_SPEC), language, RAISING_CODE[language], sandbox)
    assert report.status == "passed", (report.compile_error, [(c.message, c.actual) for c in report.cases])


@pytest.mark.parametrize("language", sorted(NOT_RAISING))
async def test_returning_where_an_error_was_expected_fails(language: str, sandbox: BubblewrapSandbox) -> None:
    from coach.domain.judge.spec import decode_spec

    report = await judge(decode_spec(RAISING_SPEC), language, NOT_RAISING[language], sandbox)
    assert [c.status for c in report.cases] == ["passed", "wrong_answer"]
    assert report.cases[1].message == "expected an error for this input"


CHAR_SPEC = b"""
id = "mark-grid"
params = [{ name = "grid", type = "char[][]" }]
returns = "void"
mutates = "grid"
[entry]
python = { name = "mark" }
javascript = { name = "mark" }
java = { name = "mark" }
go = { name = "mark" }
[[examples]]
input = '[[["1","0"],["0","1"]]]'
output = '[["x","0"],["0","x"]]'
"""
CHAR_CODE = {
    "python": "def mark(grid):\n    for row in grid:\n        for j, c in enumerate(row):\n"
    "            if c == '1':\n                row[j] = 'x'\n",
    "javascript": "function mark(grid) {\n  for (const row of grid) row.forEach((c, j) => { if (c === '1') row[j] = 'x'; });\n}\n",
    "java": "class Solution {\n    public void mark(char[][] grid) {\n        for (char[] row : grid)\n"
    "            for (int j = 0; j < row.length; j++) if (row[j] == '1') row[j] = 'x';\n    }\n}\n",
    "go": "func mark(grid [][]byte) {\n    for _, row := range grid {\n        for j := range row {\n"
    "            if row[j] == '1' {\n                row[j] = 'x'\n            }\n        }\n    }\n}\n",
}


@pytest.mark.parametrize("language", sorted(CHAR_CODE))
async def test_char_grids_are_one_character_strings(language: str, sandbox: BubblewrapSandbox) -> None:
    from coach.domain.judge.spec import decode_spec

    report = await judge(decode_spec(CHAR_SPEC), language, CHAR_CODE[language], sandbox)
    assert report.status == "passed", (report.compile_error, [(c.message, c.actual) for c in report.cases])


SERIALIZE_TREE = SPECS["code-h-serialize-tree-01"]


@pytest.mark.parametrize(
    ("language", "code", "reason"),
    [
        (
            "python",
            "def serialize(root):\n    return None\n\ndef deserialize(data):\n    return None\n",
            "not a string",
        ),
        (
            "javascript",
            "function serialize(root) { return 7; }\nfunction deserialize(data) { return null; }\n",
            "not a string",
        ),
        (
            "java",
            "class Solution {\n    static class TreeNode { int val; TreeNode left, right; TreeNode(int v) { val = v; } }\n"
            "    public String serialize(TreeNode root) { return null; }\n"
            "    public TreeNode deserialize(String data) { return null; }\n}\n",
            "not a string",
        ),
        (
            "go",
            'import "strings"\n\nfunc serialize(root *TreeNode) string { return strings.Repeat("#", 1000) }\n\n'
            "func deserialize(data string) *TreeNode { return nil }\n",
            "over 64 a node",
        ),
    ],
)
async def test_a_driver_that_refuses_the_codes_answer_fails_the_case_without_counting_as_raising(
    language: str, code: str, reason: str, sandbox: BubblewrapSandbox
) -> None:
    report = await judge(SERIALIZE_TREE, language, code, sandbox, cases="visible")
    first = report.cases[0]
    assert first.status == "error", first
    assert reason in first.message


async def test_a_signature_the_driver_cannot_call_is_explained(sandbox: BubblewrapSandbox) -> None:
    code = "class EventEmitter {\n    public void on(String event) {}\n}\n"
    report = await judge(SPECS["code-e-event-emitter-01"], "java", code, sandbox, cases="visible")
    assert report.status == "compile_error"
    assert "declarations of the starter code" in report.compile_error
    assert "JudgeDriver" not in report.compile_error
