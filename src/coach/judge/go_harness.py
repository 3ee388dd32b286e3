"""The Go harness: typed conversions generated per spec over encoding/json (the standard library)."""

from __future__ import annotations

import re

from coach.domain.judge.spec import JudgeSpec, Param
from coach.domain.judge.types import Type
from coach.judge.source_text import declares, strip_comments
from coach.sandbox.port import Limits, Step
from coach.sandbox.toolchains import RESERVING_AS_MB

FILE = "solution.go"
DRIVER_FILE = "judge_driver.go"
RUN_ARGV: tuple[str, ...] = ("./judge",)
NODES_SOURCE = {
    "ListNode": "type ListNode struct {\n\tVal  int\n\tNext *ListNode\n}\n",
    "TreeNode": "type TreeNode struct {\n\tVal   int\n\tLeft  *TreeNode\n\tRight *TreeNode\n}\n",
}
GO_ENV = {"CGO_ENABLED": "0", "GOFLAGS": "-buildvcs=false", "GO111MODULE": "off", "GOPROXY": "off"}


def compile_step(names: list[str]) -> Step:
    """go build over the harness and the candidate's file (GOCACHE under the job's HOME)."""
    sources = [n for n in names if n.endswith(".go")]
    return Step(
        argv=["go", "build", "-o", "judge", *sources],
        limits=Limits(
            cpu_seconds=30,
            wall_seconds=30,
            memory_mb=1024,
            processes=64,
            file_size_kb=65536,
            address_space_mb=RESERVING_AS_MB,
        ),
        env=GO_ENV,
    )


def files(spec: JudgeSpec, code: str) -> tuple[dict[str, bytes], int]:
    """The source files and how many lines were put above the candidate's code."""
    stripped = strip_comments(code)
    offset = 0
    package = re.search(r"^\s*package\s+(\w+)", stripped, re.MULTILINE)
    if package is None:
        code, offset = "package main\n" + code, 1
    elif package.group(1) != "main":
        code = code[: package.start(1)] + "main" + code[package.end(1) :]
    # A main of the candidate's (a local test) would clash with the harness's.
    code = re.sub(r"^func\s+main\s*\(", "func candidateMain(", code, flags=re.MULTILINE)
    out = {FILE: code.encode(), "judge_main.go": main_source(spec, offset).encode()}
    if spec.driver:
        # The spec's trusted driver: `func judgeDriver(...)` in package main beside the code.
        driver = spec.driver["go"]
        if not re.search(r"^\s*package\s+main\b", strip_comments(driver), re.MULTILINE):
            driver = "package main\n\n" + driver
        out[DRIVER_FILE] = driver.encode()
    missing = [n for n in NODES_SOURCE if not declares(code, rf"^\s*type\s+{n}\b")]
    if missing:
        out["judge_nodes.go"] = ("package main\n\n" + "\n".join(NODES_SOURCE[n] for n in missing)).encode()
    return out, offset


def gotype(t: Type) -> str:
    """The Go spelling of a type."""
    simple = {
        "int": "int",
        "long": "int64",
        "double": "float64",
        "bool": "bool",
        "string": "string",
        "char": "byte",
    }
    if t.kind in simple:
        return simple[t.kind]
    if t.kind in ("ListNode", "TreeNode"):
        return "*" + t.kind
    if t.kind in ("array", "list"):
        return "[]" + gotype(t.item)
    if t.kind == "tuple":
        return "(" + ", ".join(gotype(i) for i in t.items) + ")"
    if t.kind == "record":
        return t.name
    if t.kind == "optional" and t.item.kind == "record":
        # A nullable record is a pointer to the struct (`*Notification`), in and out.
        return "*" + t.item.name
    if t.kind == "optional":
        return f"({gotype(t.item)}, bool)"
    if t.kind == "map":
        return f"map[{gotype(t.item)}]{gotype(t.value)}"
    if t.kind == "set":
        return f"map[{gotype(t.item)}]bool"
    if t.kind == "json":
        return "any"
    return ""


def signature(spec: JudgeSpec) -> str:
    """The declarations the harness calls, as the candidate should write them."""

    def params(ps: list[Param]) -> str:
        return ", ".join(f"{p.name} {gotype(spec.type(p.type))}" for p in ps)

    entry = spec.entry["go"]
    if spec.kind == "function":
        result = spec.type(spec.returns)
        returns = gotype(result)
        if entry.spread and result.kind == "record":
            returns = "(" + ", ".join(gotype(t) for t in result.items) + ")"
        if entry.error:
            returns = f"({returns.strip('()')}, error)" if returns else "error"
        return f"func {entry.name}({params(spec.params)}) {returns}".rstrip()
    lines = [f"func {entry.constructor}({params(spec.constructor)}) *{entry.class_name}"]
    for m in spec.methods:
        returns = gotype(spec.type(m.returns))
        lines.append(
            f"func (x *{entry.class_name}) {entry.methods[m.name]}({params(m.params)}) {returns}".rstrip()
        )
    return "; ".join(lines)


class _Converters:
    def __init__(self) -> None:
        self.funcs: dict[str, str] = {}

    def name(self, t: Type) -> str:
        key = "judgeC_" + re.sub(r"\W", "_", str(t).replace("[]", "A").replace(",", "_C_"))
        if key in self.funcs:
            return key
        self.funcs[key] = ""
        gt = gotype(t)
        if t.kind in ("int", "long"):
            body = f"return {gt}(judgeInt(v))"
        elif t.kind == "double":
            body = "f, _ := v.(json.Number).Float64()\n\treturn f"
        elif t.kind == "bool":
            body = "return v.(bool)"
        elif t.kind == "string":
            body = "return v.(string)"
        elif t.kind == "char":
            body = "return v.(string)[0]"
        elif t.kind == "ListNode":
            body = (
                "if v == nil {\n\t\treturn nil\n\t}\n\tl := v.([]interface{})\n\tvar head *ListNode\n"
                "\tfor k := len(l) - 1; k >= 0; k-- {\n\t\thead = &ListNode{Val: int(judgeInt(l[k])), Next: head}\n\t}\n"
                "\treturn head"
            )
        elif t.kind == "TreeNode":
            body = (
                "if v == nil {\n\t\treturn nil\n\t}\n\tl := v.([]interface{})\n"
                "\tif len(l) == 0 || l[0] == nil {\n\t\treturn nil\n\t}\n"
                "\tnodes := make([]*TreeNode, len(l))\n"
                "\tfor k, x := range l {\n\t\tif x != nil {\n\t\t\tnodes[k] = &TreeNode{Val: int(judgeInt(x))}\n\t\t}\n\t}\n"
                "\tkids := []*TreeNode{nodes[0]}\n\tpos := 1\n"
                "\tfor q := 0; q < len(kids) && pos < len(nodes); q++ {\n"
                "\t\tn := kids[q]\n\t\tn.Left = nodes[pos]\n\t\tif nodes[pos] != nil {\n\t\t\tkids = append(kids, nodes[pos])\n\t\t}\n\t\tpos++\n"
                "\t\tif pos < len(nodes) {\n\t\t\tn.Right = nodes[pos]\n\t\t\tif nodes[pos] != nil {\n\t\t\t\tkids = append(kids, nodes[pos])\n\t\t\t}\n\t\t\tpos++\n\t\t}\n\t}\n"
                "\treturn nodes[0]"
            )
        elif t.kind in ("array", "list"):
            item = self.name(t.item)
            body = (
                "if v == nil {\n\t\treturn nil\n\t}\n\tl := v.([]interface{})\n"
                f"\tr := make({gt}, len(l))\n\tfor k, x := range l {{\n\t\tr[k] = {item}(x)\n\t}}\n\treturn r"
            )
        elif t.kind == "map":
            key_of = {
                "string": "k",
                "int": "int(judgeKeyInt(k))",
                "long": "judgeKeyInt(k)",
                "char": "k[0]",
            }[t.item.kind]
            value = self.name(t.value)
            body = (
                "if v == nil {\n\t\treturn nil\n\t}\n\tm := v.(map[string]interface{})\n"
                f"\tr := make({gt}, len(m))\n\tfor k, x := range m {{\n\t\tr[{key_of}] = {value}(x)\n\t}}\n\treturn r"
            )
        elif t.kind == "set":
            item = self.name(t.item)
            body = (
                "if v == nil {\n\t\treturn nil\n\t}\n\tl := v.([]interface{})\n"
                f"\tr := make({gt}, len(l))\n\tfor _, x := range l {{\n\t\tr[{item}(x)] = true\n\t}}\n\treturn r"
            )
        elif t.kind == "json":
            body = "return judgeJSON(v)"
        elif t.kind == "record":
            # By reflection: each JSON key fills the exported field of the same name (case and _ aside).
            body = f"var r {gt}\n\tjudgeFill(reflect.ValueOf(&r).Elem(), v)\n\treturn r"
        elif t.kind == "optional" and t.item.kind == "record":
            item = self.name(t.item)
            body = f"if v == nil {{\n\t\treturn nil\n\t}}\n\tr := {item}(v)\n\treturn &r"
        else:
            raise ValueError(f"Go harness cannot pass a {t} argument")
        self.funcs[key] = f"func {key}(v interface{{}}) {gt} {{\n\t{body}\n}}\n\n"
        return key


def _call_function(spec: JudgeSpec, conv: _Converters) -> str:
    entry = spec.entry["go"]
    lines = []
    for k, p in enumerate(spec.params):
        lines.append(f"\tp{k} := {conv.name(spec.type(p.type))}(a[{k}])")
    target = "judgeDriver" if spec.driver else entry.name
    call = f"{target}({', '.join(f'p{k}' for k in range(len(spec.params)))})"
    returns = spec.type(spec.returns)
    lines.append("\tt0 := time.Now()")
    if entry.error:
        return "\n".join([*lines, *_call_with_error(call, returns, spec)])
    if returns.kind == "void":
        lines += [f"\t{call}", "\tjudgeElapsed = time.Since(t0)"]
        if spec.mutates:
            lines.append(f"\treturn p{[p.name for p in spec.params].index(spec.mutates)}")
        else:
            lines.append("\treturn nil")
    elif returns.kind == "optional" and returns.item.kind != "record":
        lines += [f"\tr := judgeOpt({call})", "\tjudgeElapsed = time.Since(t0)", "\treturn r"]
    elif returns.kind == "tuple" or (entry.spread and returns.kind == "record"):
        # A tuple, or a record spread over the results (entry.spread): one value per item or field, in order.
        names = ", ".join(f"r{k}" for k in range(len(returns.items)))
        lines += [f"\t{names} := {call}", "\tjudgeElapsed = time.Since(t0)"]
        lines.append(f"\treturn []interface{{}}{{{names}}}")
    else:
        lines += [f"\tr := {call}", "\tjudgeElapsed = time.Since(t0)", "\treturn r"]
    if not spec.params:
        lines.insert(0, "\t_ = a")
    return "\n".join(lines)


def _call_with_error(call: str, returns: Type, spec: JudgeSpec) -> list[str]:
    """A call whose last result is an `error`: a non-nil one is raised as the case's outcome."""
    spread = returns.kind == "tuple" or (spec.entry["go"].spread and returns.kind == "record")
    count = len(returns.items) if spread else 0 if returns.kind == "void" else 1
    names = [f"r{k}" for k in range(count)]
    lines = [f"\t{', '.join([*names, 'err'])} := {call}", "\tjudgeElapsed = time.Since(t0)"]
    lines += ["\tif err != nil {", "\t\tpanic(judgeRaised{err})", "\t}"]
    if spec.mutates:
        lines.append(f"\treturn p{[p.name for p in spec.params].index(spec.mutates)}")
    elif count == 0:
        lines.append("\treturn nil")
    elif count == 1:
        lines.append("\treturn r0")
    else:
        lines.append(f"\treturn []interface{{}}{{{', '.join(names)}}}")
    return lines


def _call_design(spec: JudgeSpec, conv: _Converters) -> str:
    entry = spec.entry["go"]
    ctor_args = ", ".join(f"{conv.name(spec.type(p.type))}(x0[{k}])" for k, p in enumerate(spec.constructor))
    lines = [
        "\tops, calls := a[0].([]interface{}), a[1].([]interface{})",
        "\tout := []interface{}{nil}",
        "\tx0 := calls[0].([]interface{})",
        "\t_ = x0",
        "\tt0 := time.Now()",
        f"\tobj := {entry.constructor}({ctor_args})",
        "\tjudgeElapsed += time.Since(t0)",
        "\tfor k := 1; k < len(ops); k++ {",
        "\t\top := ops[k].(string)",
        "\t\tx := calls[k].([]interface{})",
        "\t\t_ = x",
        "\t\tjudgeStep, judgeStepName = k+1, op",
        "\t\tt0 = time.Now()",
        "\t\tswitch op {",
    ]
    for m in spec.methods:
        args = ", ".join(f"{conv.name(spec.type(p.type))}(x[{k}])" for k, p in enumerate(m.params))
        call = f"obj.{entry.methods[m.name]}({args})"
        lines.append(f'\t\tcase "{m.name}":')
        returns = spec.type(m.returns)
        value = f"judgeOpt({call})" if returns.kind == "optional" and returns.item.kind != "record" else call
        if returns.uses("set"):
            value = f"judgeSets({value}, {_type_literal(returns)})"
        if returns.kind == "void":
            lines += [f"\t\t\t{call}", "\t\t\tout = append(out, nil)"]
        else:
            lines.append(f"\t\t\tout = append(out, {value})")
    lines += [
        "\t\tdefault:",
        '\t\t\tpanic("unknown operation " + op)',
        "\t\t}",
        "\t\tjudgeElapsed += time.Since(t0)",
        "\t}",
        "\tjudgeStep = 0",
        "\treturn out",
    ]
    return "\n".join(lines)


def _type_literal(t: Type) -> str:
    """A type as the Go value judgeSets reads (the payload's own shape: kind and items)."""
    items = ", ".join(_type_literal(i) for i in t.items)
    return f'map[string]interface{{}}{{"kind": "{t.kind}", "items": []interface{{}}{{{items}}}}}'


def main_source(spec: JudgeSpec, offset: int = 0) -> str:
    """judge_main.go for this spec (`offset`: lines put above the candidate's code)."""
    conv = _Converters()
    body = _call_function(spec, conv) if spec.kind == "function" else _call_design(spec, conv)
    result = (
        spec.params[[p.name for p in spec.params].index(spec.mutates)].type if spec.mutates else spec.returns
    )
    if spec.kind == "function" and spec.type(result).uses("set"):
        # A set comes back as map[T]bool: judgeSets turns it into the array of its members.
        conv.funcs["judgeRunTyped"] = (
            f"func judgeRunTyped(a []interface{{}}) interface{{}} {{\n{body}\n}}\n\n"
        )
        body = f"\treturn judgeSets(judgeRunTyped(a), {_type_literal(spec.type(result))})"
    return (
        _TEMPLATE.replace("//CONVERTERS\n", "".join(conv.funcs.values()))
        .replace("\t//CALL", body)
        .replace("const judgeOffset = 0", f"const judgeOffset = {offset}")
    )


_TEMPLATE = r"""package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"time"
)

var judgeElapsed time.Duration
var judgeStep int
var judgeStepName string

type judgeBad struct{ msg string }

type judgeRaised struct{ err error }

// A Go "optional" result is (value, ok): not ok reads as null.
func judgeOpt[T any](v T, ok bool) interface{} {
	if !ok {
		return nil
	}
	return v
}

func judgeInt(v interface{}) int64 {
	n := v.(json.Number)
	if i, err := n.Int64(); err == nil {
		return i
	}
	f, _ := n.Float64()
	return int64(f)
}

func judgeKeyInt(k string) int64 {
	i, _ := strconv.ParseInt(k, 10, 64)
	return i
}

// A json argument is what encoding/json gives without UseNumber: numbers are float64.
func judgeJSON(v interface{}) interface{} {
	switch x := v.(type) {
	case json.Number:
		f, _ := x.Float64()
		return f
	case []interface{}:
		for k, e := range x {
			x[k] = judgeJSON(e)
		}
		return x
	case map[string]interface{}:
		for k, e := range x {
			x[k] = judgeJSON(e)
		}
		return x
	}
	return v
}

var judgeAnyType = reflect.TypeOf((*interface{})(nil)).Elem()

func judgeNorm(name string) string {
	return strings.ToLower(strings.ReplaceAll(name, "_", ""))
}

// Decodes an argument (encoding/json data with UseNumber) into any Go value by reflection: records
// (structs: each key fills the exported field of the same name, case and underscores aside), pointers,
// slices, maps (an object; a set from an array), numbers, strings, bools, bytes, any.
func judgeFill(dst reflect.Value, v interface{}) {
	if v == nil {
		return
	}
	switch dst.Kind() {
	case reflect.Ptr:
		p := reflect.New(dst.Type().Elem())
		judgeFill(p.Elem(), v)
		dst.Set(p)
	case reflect.Struct:
		m := v.(map[string]interface{})
		t := dst.Type()
		for key, x := range m {
			nk := judgeNorm(key)
			for f := 0; f < t.NumField(); f++ {
				if t.Field(f).IsExported() && judgeNorm(t.Field(f).Name) == nk {
					judgeFill(dst.Field(f), x)
					break
				}
			}
		}
	case reflect.Slice:
		l := v.([]interface{})
		s := reflect.MakeSlice(dst.Type(), len(l), len(l))
		for k, x := range l {
			judgeFill(s.Index(k), x)
		}
		dst.Set(s)
	case reflect.Array:
		for k, x := range v.([]interface{}) {
			if k < dst.Len() {
				judgeFill(dst.Index(k), x)
			}
		}
	case reflect.Map:
		t := dst.Type()
		m := reflect.MakeMap(t)
		if l, ok := v.([]interface{}); ok {
			for _, x := range l {
				key := reflect.New(t.Key()).Elem()
				judgeFill(key, x)
				val := reflect.New(t.Elem()).Elem()
				if val.Kind() == reflect.Bool {
					val.SetBool(true)
				}
				m.SetMapIndex(key, val)
			}
		} else {
			for k, x := range v.(map[string]interface{}) {
				key := reflect.New(t.Key()).Elem()
				switch key.Kind() {
				case reflect.String:
					key.SetString(k)
				case reflect.Uint8:
					key.SetUint(uint64(k[0]))
				default:
					key.SetInt(judgeKeyInt(k))
				}
				val := reflect.New(t.Elem()).Elem()
				judgeFill(val, x)
				m.SetMapIndex(key, val)
			}
		}
		dst.Set(m)
	case reflect.Interface:
		dst.Set(reflect.ValueOf(judgeJSON(v)))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		dst.SetInt(judgeInt(v))
	case reflect.Uint8:
		if s, ok := v.(string); ok {
			dst.SetUint(uint64(s[0]))
		} else {
			dst.SetUint(uint64(judgeInt(v)))
		}
	case reflect.Uint, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		dst.SetUint(uint64(judgeInt(v)))
	case reflect.Float32, reflect.Float64:
		f, _ := v.(json.Number).Float64()
		dst.SetFloat(f)
	case reflect.Bool:
		dst.SetBool(v.(bool))
	case reflect.String:
		dst.SetString(v.(string))
	default:
		panic(judgeBad{"the judge cannot fill a " + dst.Type().String()})
	}
}

// A set result (map[T]bool: the keys mapped to true; or map[T]struct{}) becomes the array of its members,
// wherever it sits in the result; t is the result's type as the payload spells it.
func judgeSets(v interface{}, t map[string]interface{}) interface{} {
	if v == nil {
		return nil
	}
	items, _ := t["items"].([]interface{})
	item := func(k int) map[string]interface{} { return items[k].(map[string]interface{}) }
	rv := reflect.ValueOf(v)
	switch t["kind"] {
	case "set":
		if rv.Kind() != reflect.Map {
			return v
		}
		out := []interface{}{}
		for _, key := range rv.MapKeys() {
			if e := rv.MapIndex(key); e.Kind() != reflect.Bool || e.Bool() {
				out = append(out, key.Interface())
			}
		}
		return out
	case "list", "array", "tuple":
		if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
			return v
		}
		out := make([]interface{}, rv.Len())
		for k := range out {
			at := 0
			if t["kind"] == "tuple" {
				at = k
			}
			out[k] = judgeSets(rv.Index(k).Interface(), item(at))
		}
		return out
	case "map":
		if rv.Kind() != reflect.Map {
			return v
		}
		out := reflect.MakeMapWithSize(reflect.MapOf(rv.Type().Key(), judgeAnyType), rv.Len())
		for _, key := range rv.MapKeys() {
			value := reflect.Zero(judgeAnyType)
			if x := judgeSets(rv.MapIndex(key).Interface(), item(1)); x != nil {
				value = reflect.ValueOf(x)
			}
			out.SetMapIndex(key, value)
		}
		return out.Interface()
	case "optional":
		return judgeSets(v, item(0))
	}
	return v
}

//CONVERTERS
func judgeRun(a []interface{}) interface{} {
	//CALL
}

var judgeListType = reflect.TypeOf((*ListNode)(nil))
var judgeTreeType = reflect.TypeOf((*TreeNode)(nil))

func judgeStr(b *strings.Builder, s string) {
	enc, _ := json.Marshal(s)
	b.Write(enc)
}

// Writes any result: nil slices as [], nodes as value lists (a tree in level order), floats shortest.
func judgeWrite(b *strings.Builder, v reflect.Value) {
	if !v.IsValid() {
		b.WriteString("null")
		return
	}
	switch v.Type() {
	case judgeListType:
		n := 0
		b.WriteByte('[')
		for p := v.Interface().(*ListNode); p != nil; p = p.Next {
			n++
			if n > 1000000 {
				panic(judgeBad{"the returned list has a cycle (or over 10^6 nodes)"})
			}
			if n > 1 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(p.Val))
		}
		b.WriteByte(']')
		return
	case judgeTreeType:
		root := v.Interface().(*TreeNode)
		if root == nil {
			b.WriteString("[]")
			return
		}
		q := []*TreeNode{root}
		for k := 0; k < len(q); k++ {
			if k > 2000000 {
				panic(judgeBad{"the returned tree is too large or has a cycle"})
			}
			if q[k] != nil {
				q = append(q, q[k].Left, q[k].Right)
			}
		}
		end := len(q)
		for end > 0 && q[end-1] == nil {
			end--
		}
		b.WriteByte('[')
		for k := 0; k < end; k++ {
			if k > 0 {
				b.WriteByte(',')
			}
			if q[k] == nil {
				b.WriteString("null")
			} else {
				b.WriteString(strconv.Itoa(q[k].Val))
			}
		}
		b.WriteByte(']')
		return
	}
	switch v.Kind() {
	case reflect.Interface, reflect.Ptr:
		if v.IsNil() {
			b.WriteString("null")
			return
		}
		judgeWrite(b, v.Elem())
	case reflect.Slice, reflect.Array:
		b.WriteByte('[')
		for k := 0; k < v.Len(); k++ {
			if k > 0 {
				b.WriteByte(',')
			}
			judgeWrite(b, v.Index(k))
		}
		b.WriteByte(']')
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		b.WriteString(strconv.FormatInt(v.Int(), 10))
	case reflect.Uint8:
		// A byte is a char (grids of '1'/'0'): written as a one-character string.
		judgeStr(b, string([]byte{byte(v.Uint())}))
	case reflect.Uint, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		b.WriteString(strconv.FormatUint(v.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		if a := math.Abs(f); math.IsNaN(f) || math.IsInf(f, 0) {
			b.WriteString("null")
		} else if a != 0 && (a < 1e-6 || a >= 1e21) {
			b.WriteString(strconv.FormatFloat(f, 'g', -1, 64))
		} else {
			// As encoding/json: 1700000000, not 1.7e+09 (a json number decoded as float64 reads back as it came).
			b.WriteString(strconv.FormatFloat(f, 'f', -1, 64))
		}
	case reflect.Bool:
		b.WriteString(strconv.FormatBool(v.Bool()))
	case reflect.String:
		judgeStr(b, v.String())
	case reflect.Struct:
		// A record: its exported fields by their Go names (the judge maps them to the spec's names).
		b.WriteByte('{')
		t := v.Type()
		n := 0
		for k := 0; k < t.NumField(); k++ {
			if !t.Field(k).IsExported() {
				continue
			}
			if n > 0 {
				b.WriteByte(',')
			}
			n++
			judgeStr(b, t.Field(k).Name)
			b.WriteByte(':')
			judgeWrite(b, v.Field(k))
		}
		b.WriteByte('}')
	case reflect.Map:
		b.WriteByte('{')
		for k, key := range v.MapKeys() {
			if k > 0 {
				b.WriteByte(',')
			}
			// JSON object keys are text: an int key 7 is "7", a byte (char) key its character.
			if key.Kind() == reflect.Uint8 {
				judgeStr(b, string([]byte{byte(key.Uint())}))
			} else {
				judgeStr(b, fmt.Sprint(key.Interface()))
			}
			b.WriteByte(':')
			judgeWrite(b, v.MapIndex(key))
		}
		b.WriteByte('}')
	default:
		panic(judgeBad{"returned a " + v.Type().String() + ", which the judge cannot read"})
	}
}

func judgeWhere(r interface{}) string {
	text := fmt.Sprint(r)
	if e, ok := r.(error); ok {
		text = e.Error()
	}
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(3, pcs)])
	for {
		f, more := frames.Next()
		if strings.HasSuffix(f.File, "/solution.go") {
			text += fmt.Sprintf(" (line %d)", f.Line-judgeOffset)
			break
		}
		if !more {
			break
		}
	}
	if judgeStep > 0 {
		text += fmt.Sprintf(" at call %d: %s", judgeStep, judgeStepName)
	}
	return text
}

const judgeOffset = 0

func judgeCase(args []interface{}) (rec string) {
	defer func() {
		if r := recover(); r != nil {
			var b strings.Builder
			b.WriteString(`,"ok":false`)
			if bad, ok := r.(judgeBad); ok {
				b.WriteString(`,"err":`)
				judgeStr(&b, bad.msg)
			} else if raised, ok := r.(judgeRaised); ok {
				b.WriteString(`,"raised":true,"err":`)
				judgeStr(&b, "error: "+raised.err.Error())
			} else {
				b.WriteString(`,"raised":true,"err":`)
				judgeStr(&b, "panic: "+judgeWhere(r))
			}
			rec = b.String()
		}
	}()
	judgeElapsed, judgeStep = 0, 0
	r := judgeRun(args)
	var b strings.Builder
	b.WriteString(`,"ok":true,"out":`)
	judgeWrite(&b, reflect.ValueOf(r))
	b.WriteString(`,"ms":`)
	b.WriteString(strconv.FormatFloat(float64(judgeElapsed.Nanoseconds())/1e6, 'f', 3, 64))
	return b.String()
}

func main() {
	input, _ := io.ReadAll(os.Stdin)
	real := os.Stdout
	// The candidate's prints (fmt.Print*) go to stderr: stdout carries only the harness's records.
	os.Stdout = os.Stderr
	os.Stdin, _ = os.Open(os.DevNull)
	dec := json.NewDecoder(bytes.NewReader(input))
	dec.UseNumber()
	var payload map[string]interface{}
	if err := dec.Decode(&payload); err != nil {
		fmt.Fprintln(os.Stderr, "bad payload:", err)
		os.Exit(2)
	}
	marker := payload["marker"].(string)
	fmt.Fprintf(real, "%s {\"ready\":true}\n", marker)
	for _, c := range payload["cases"].([]interface{}) {
		cs := c.(map[string]interface{})
		rec := judgeCase(cs["args"].([]interface{}))
		fmt.Fprintf(real, "%s {\"i\":%s%s}\n", marker, cs["i"].(json.Number).String(), rec)
	}
	fmt.Fprintf(real, "%s {\"done\":true}\n", marker)
}
"""
