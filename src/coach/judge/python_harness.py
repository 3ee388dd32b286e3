"""The Python harness: runs every case in one interpreter, each timed and isolated by try/except."""

from __future__ import annotations

# The harness ships into the sandbox as text; it reads the payload before the candidate's code runs.
SOURCE = r"""
import io, json, os, sys, threading, time, traceback

CAP = 4000


class _Capped(io.TextIOBase):
    def __init__(self):
        self.parts, self.size = [], 0

    def write(self, text):
        if self.size < CAP:
            self.parts.append(text[: CAP - self.size])
        self.size += len(text)
        return len(text)

    def text(self):
        extra = self.size - CAP
        return "".join(self.parts) + (f"\n... ({extra} more characters)" if extra > 0 else "")


class ListNode:
    def __init__(self, val=0, next=None):
        self.val = val
        self.next = next


class TreeNode:
    def __init__(self, val=0, left=None, right=None):
        self.val = val
        self.left = left
        self.right = right


def to_list(values):
    head = None
    for v in reversed(values):
        head = ListNode(v, head)
    return head


def to_tree(values):
    if not values or values[0] is None:
        return None
    nodes = [None if v is None else TreeNode(v) for v in values]
    kids, pos = [nodes[0]], 1
    for node in kids:
        if node is None:
            continue
        for side in ("left", "right"):
            if pos < len(nodes):
                setattr(node, side, nodes[pos])
                if nodes[pos] is not None:
                    kids.append(nodes[pos])
                pos += 1
    return nodes[0]


RECORDS = {}
NS = {}


def norm(name):
    return name.replace("_", "").lower()


def record_arg(t, v):
    rec = RECORDS[t["name"]]
    values = [arg(ft, v.get(f)) for f, ft in zip(rec["fields"], rec["items"])]
    how = PAYLOAD["entry"]["records"].get(t["name"])
    if how is None:
        how = "class" if isinstance(NS.get(t["name"]), type) else "dict"
    if how == "tuple":
        return tuple(values)
    if how == "dict":
        return dict(zip(rec["fields"], values))
    return NS[t["name"]](*values)


def record_out(t, v):
    rec = RECORDS[t["name"]]
    fields, items = rec["fields"], rec["items"]
    if isinstance(v, (tuple, list)):
        if len(v) != len(fields):
            raise Bad(f"returned {len(v)} values for a {t['name']} of {len(fields)} fields")
        return {f: out(ft, x) for f, ft, x in zip(fields, items, v)}
    if isinstance(v, dict):
        keys = {norm(k): k for k in v if isinstance(k, str)}
        got = lambda f: v[f] if f in v else v[keys[norm(f)]]
        has = lambda f: f in v or norm(f) in keys
    else:
        names = {norm(k): k for k in dir(v) if not k.startswith("__")}
        got = lambda f: getattr(v, f) if hasattr(v, f) else getattr(v, names[norm(f)])
        has = lambda f: hasattr(v, f) or norm(f) in names
    missing = [f for f, ft in zip(fields, items) if not has(f) and ft["kind"] != "optional"]
    if missing:
        raise Bad(f"the returned {type(v).__name__} has no field {missing[0]} (a {t['name']} has {', '.join(fields)})")
    return {f: out(ft, got(f)) if has(f) else None for f, ft in zip(fields, items)}


def arg(t, v):
    k = t["kind"]
    if v is None:
        return None
    if k == "record":
        return record_arg(t, v)
    if k == "ListNode":
        return to_list(v)
    if k == "TreeNode":
        return to_tree(v)
    if k == "double":
        return float(v)
    if k in ("array", "list"):
        return [arg(t["items"][0], x) for x in v]
    if k == "optional":
        return arg(t["items"][0], v)
    if k == "map":
        kt, vt = t["items"]
        number = kt["kind"] in ("int", "long")
        return {(int(key) if number else key): arg(vt, x) for key, x in v.items()}
    if k == "set":
        return {arg(t["items"][0], x) for x in v}
    return v


class Bad(Exception):
    pass


def out_key(t, key):
    # JSON object keys are text: an int key 7 is written "7".
    if t["kind"] in ("int", "long"):
        if not isinstance(key, int) or isinstance(key, bool):
            raise Bad(f"a dict key is {type(key).__name__} where an int was expected")
        return str(key)
    if not isinstance(key, str):
        raise Bad(f"a dict key is {type(key).__name__} where a str was expected")
    return key


def json_out(v):
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, dict):
        for key in v:
            if not isinstance(key, str):
                raise Bad(f"a JSON object key is {type(key).__name__}, not str")
        return {key: json_out(x) for key, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [json_out(x) for x in v]
    raise Bad(f"returned a {type(v).__name__} inside a JSON value")


def out(t, v):
    k = t["kind"]
    if k in ("ListNode", "TreeNode") and v is None:
        return []
    if k == "void" or v is None:
        return None
    if k == "ListNode":
        vals, seen = [], 0
        while v is not None:
            seen += 1
            if seen > 1000000:
                raise Bad("the returned list has a cycle (or over 10^6 nodes)")
            vals.append(v.val)
            v = v.next
        return vals
    if k == "TreeNode":
        vals, queue, at = [], [v], 0
        while at < len(queue):
            node = queue[at]
            at += 1
            if at > 2000001:
                raise Bad("the returned tree is too large or has a cycle")
            if node is None:
                vals.append(None)
                continue
            vals.append(node.val)
            queue.append(node.left)
            queue.append(node.right)
        while vals and vals[-1] is None:
            vals.pop()
        return vals
    if k == "optional":
        return out(t["items"][0], v)
    if k == "record":
        return record_out(t, v)
    if k == "json":
        return json_out(v)
    if k == "map":
        if not hasattr(v, "items"):
            raise Bad(f"returned {type(v).__name__} where a dict was expected")
        kt, vt = t["items"]
        return {out_key(kt, key): out(vt, x) for key, x in v.items()}
    if k == "set":
        if isinstance(v, (str, bytes, dict)) or not hasattr(v, "__iter__"):
            raise Bad(f"returned {type(v).__name__} where a set was expected")
        return [out(t["items"][0], x) for x in v]
    if k in ("array", "list"):
        if isinstance(v, (str, bytes, dict)) or not hasattr(v, "__iter__"):
            raise Bad(f"returned {type(v).__name__} where a list was expected")
        return [out(t["items"][0], x) for x in v]
    if k == "tuple":
        v = list(v)
        if len(v) != len(t["items"]):
            raise Bad(f"returned {len(v)} values where {len(t['items'])} were expected")
        return [out(s, x) for s, x in zip(t["items"], v)]
    if k == "double" and isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    if isinstance(v, (int, float, str, bool)):
        return v
    raise Bad(f"returned {type(v).__name__}, which is not a {k}")


def where(exc):
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == "solution.py"]
    text = f"{type(exc).__name__}: {exc}"
    if frames:
        text += f" (line {frames[-1].lineno})"
    return text


def main():
    global PAYLOAD
    payload = PAYLOAD = json.loads(sys.stdin.buffer.read())
    RECORDS.update(payload.get("records", {}))
    sys.stdin = io.StringIO("")
    real = os.fdopen(os.dup(1), "w", encoding="utf-8")
    marker = payload.pop("marker")

    def emit(record):
        real.write(marker + " " + json.dumps(record, separators=(",", ":")) + "\n")
        real.flush()

    import collections, heapq, math, bisect, itertools, functools, typing
    # The namespace is a module's, so a dataclass (a record) in the code finds its module's globals.
    global NS
    import types
    module = types.ModuleType("solution")
    sys.modules["solution"] = module
    ns = NS = module.__dict__
    ns.update({"__name__": "solution", "ListNode": ListNode, "TreeNode": TreeNode, "collections": collections,
          "heapq": heapq, "math": math, "bisect": bisect, "itertools": itertools, "functools": functools})
    for name in ("List", "Optional", "Dict", "Tuple", "Set", "Deque", "Iterable", "Iterator", "Any"):
        ns[name] = getattr(typing, name)
    captured = _Capped()
    sys.stdout = captured
    try:
        with open("solution.py", encoding="utf-8") as f:
            exec(compile(f.read(), "solution.py", "exec"), ns)
    except SyntaxError as exc:
        emit({"load_error": f"SyntaxError: {exc.msg} (line {exc.lineno})", "stdout": captured.text()})
        return
    except BaseException as exc:
        emit({"load_error": where(exc), "stdout": captured.text()})
        return
    entry = payload["entry"]
    if payload["kind"] == "function":
        target = ns.get(entry["name"])
        if not callable(target):
            emit({"load_error": f"no function named {entry['name']} is defined"})
            return
        if payload.get("driver"):
            # The spec's trusted driver calls the code: its own globals see the code's names (a copy, so
            # neither shadows the other) and JudgeBad, which fails a case without counting as raising.
            driven = dict(ns)
            driven["JudgeBad"] = Bad
            with open("driver.py", encoding="utf-8") as f:
                exec(compile(f.read(), "driver.py", "exec"), driven)
            target = driven["judge_driver"]
    else:
        target = ns.get(entry["class"])
        if not isinstance(target, type):
            emit({"load_error": f"no class named {entry['class']} is defined"})
            return
    emit({"ready": True, "stdout": captured.text()})

    def call_function(args):
        params = payload["params"]
        values = [arg(t, v) for t, v in zip(params, args)]
        started = time.perf_counter()
        result = target(*values)
        took = time.perf_counter() - started
        mutated = payload["mutates"]
        if mutated >= 0:
            return out(params[mutated], values[mutated]), took
        return out(payload["returns"], result), took

    def call_design(args):
        ops, calls = args
        methods, took, results = payload["methods"], 0.0, []
        ctor = [arg(t, v) for t, v in zip(payload["constructor"], calls[0])]
        started = time.perf_counter()
        obj = target(*ctor)
        took += time.perf_counter() - started
        results.append(None)
        for step, (op, values) in enumerate(zip(ops[1:], calls[1:]), 1):
            method = methods[op]
            fn = getattr(obj, entry["methods"][op], None)
            if fn is None:
                raise Bad(f"{entry['class']} has no method {entry['methods'][op]}")
            values = [arg(t, v) for t, v in zip(method["params"], values)]
            started = time.perf_counter()
            try:
                result = fn(*values)
            except BaseException as exc:
                exc.add_note(f"call {step + 1}: {op}")
                raise
            took += time.perf_counter() - started
            results.append(out(method["returns"], result))
        return results, took

    run = call_function if payload["kind"] == "function" else call_design
    for case in payload["cases"]:
        captured = _Capped()
        sys.stdout = captured
        record = {"i": case["i"]}
        try:
            value, took = run(case["args"])
            record.update(ok=True, out=value, ms=took * 1000)
        except Bad as exc:
            record.update(ok=False, err=str(exc))
        except BaseException as exc:
            notes = getattr(exc, "__notes__", [])
            record.update(ok=False, raised=True, err=where(exc) + (f" at {notes[-1]}" if notes else ""))
        record["stdout"] = captured.text()
        emit(record)
    emit({"done": True})


sys.setrecursionlimit(200000)
threading.stack_size(64 * 1024 * 1024)
worker = threading.Thread(target=main)
worker.start()
worker.join()
"""


ARGV: tuple[str, ...] = ("python3", "-X", "utf8", "harness.py")
FILE = "solution.py"
DRIVER_FILE = "driver.py"
