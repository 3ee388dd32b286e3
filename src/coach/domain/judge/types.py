"""The judge's small type language: the argument and result types a coding question's entry points use.

Grammar: `int | long | double | bool | string | char | void | json | ListNode | TreeNode | T[] | list<T> |
tuple<A,B,...> | optional<T> | map<K,V> | set<T> | record<Name>{field: T, ...} | Name`. `T[]` is a fixed array (Java `int[]`), `list<T>` a growable
list (Java `List<Integer>`); the other three languages spell both the same way.

A `map<K,V>` is a JSON object: its keys (`string`, `int`, `long` or `char`) are written as JSON object keys, so an
int key 7 is the key "7" on the wire and in every output. A `set<T>` (of `int`, `long`, `string`, `char` or
`bool`) is a JSON array whose order does not count: `sort_sets` puts both outputs in one order before checking.
`json` is any JSON value, passed as each language's own parse of it.

A record is a JSON object with one key per field (the spec's field names). It is written inline,
`record<Attempt>{durationMs: long, ok: bool}`, or declared once in the spec's `records` table
(`Node = "tag: string, children: list<Node>"`) and named by its bare name. Inside its own definition
a record's name is a reference (`Type("record", name=...)` without fields), so trees of records
are finite type values; `record_types` collects the definitions a harness looks references up in.
Each language's field names are matched to the spec's ignoring case and underscores (`ok` is Go's `OK`,
`duration_ms` Python's), and `sort_sets` renames them back to the spec's before any check.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, Literal

import msgspec

Kind = Literal[
    "int",
    "long",
    "double",
    "bool",
    "string",
    "char",
    "void",
    "ListNode",
    "TreeNode",
    "array",
    "list",
    "tuple",
    "optional",
    "map",
    "set",
    "json",
    "record",
]
PRIMITIVES: frozenset[str] = frozenset({"int", "long", "double", "bool", "string", "char", "void", "json"})
MAP_KEYS: frozenset[str] = frozenset({"string", "int", "long", "char"})
"""The key types a map may have: each has one obvious spelling as a JSON object key."""
SET_ITEMS: frozenset[str] = frozenset({"int", "long", "string", "char", "bool"})
"""The element types a set may have: hashable in every language (a Go map key, a Java HashSet element)."""
NODES: frozenset[str] = frozenset({"ListNode", "TreeNode"})


class TypeError_(ValueError):
    """A type expression that does not parse."""


class Type(msgspec.Struct, frozen=True):
    """One parsed type: its kind and, for arrays, lists and tuples, the element types."""

    kind: Kind
    items: tuple[Type, ...] = ()
    name: str = ""
    """A record's name."""
    fields: tuple[str, ...] = ()
    """A record's field names, in order (`items` are their types); empty in a reference to a record."""

    @property
    def item(self) -> Type:
        """The element type of an array, list, set or optional (a map's key)."""
        return self.items[0]

    @property
    def value(self) -> Type:
        """The value type of a map."""
        return self.items[1]

    def __str__(self) -> str:
        if self.kind == "array":
            return f"{self.item}[]"
        if self.kind == "list":
            return f"list<{self.item}>"
        if self.kind in ("optional", "set"):
            return f"{self.kind}<{self.item}>"
        if self.kind == "map":
            return f"map<{self.item},{self.value}>"
        if self.kind == "tuple":
            return "tuple<" + ",".join(str(t) for t in self.items) + ">"
        if self.kind == "record":
            return self.name
        return self.kind

    def uses(self, kind: str) -> bool:
        """Whether this type mentions `kind` anywhere (a ListNode inside a list, say)."""
        return self.kind == kind or any(t.uses(kind) for t in self.items)


def parse_type(text: str, records: Mapping[str, str] | None = None) -> Type:
    """Parse a type expression such as `int[][]`, `list<list<string>>` or `tuple<long,list<int>>`.

    `records` are the spec's named records (name -> `"field: T, ..."`), which a bare name expands to.
    """
    parser = _Parser(text.replace(" ", ""), records or {})
    result = parser.parse()
    if parser.pos != len(parser.text):
        raise TypeError_(f"unexpected {parser.text[parser.pos :]!r} in type {text!r}")
    return result


def record_types(types: Iterable[Type]) -> dict[str, Type]:
    """Every record defined anywhere in `types`, by name (where a reference finds its fields)."""
    found: dict[str, Type] = {}

    def walk(t: Type) -> None:
        if t.kind == "record" and t.fields:
            if t.name in found:
                if found[t.name] != t:
                    raise TypeError_(f"record {t.name} is defined twice, differently")
                return
            found[t.name] = t
        for item in t.items:
            walk(item)

    for t in types:
        walk(t)
    return found


def norm_field(name: str) -> str:
    """A field name as every language's spelling of it compares: `durationMs`, `duration_ms`, `DurationMs`."""
    return name.replace("_", "").lower()


class _Parser:
    def __init__(self, text: str, records: Mapping[str, str]) -> None:
        self.text = text
        self.pos = 0
        self.records = records
        self.defining: list[str] = []

    def _fields(self, name: str, end: str) -> Type:
        """The `field: T, ...` of record `name` up to `end` (or the end of the text)."""
        self.defining.append(name)
        names: list[str] = []
        types: list[Type] = []
        while True:
            field = self._name()
            if not field:
                raise TypeError_(f"expected a field name at {self.pos} in type {self.text!r}")
            if field in names:
                raise TypeError_(f"record {name} has two fields {field!r}")
            self._expect(":")
            names.append(field)
            types.append(self.parse())
            if not self.text.startswith(",", self.pos):
                break
            self.pos += 1
        if end:
            self._expect(end)
        self.defining.pop()
        return Type("record", tuple(types), name, tuple(names))

    def _name(self) -> str:
        start = self.pos
        while self.pos < len(self.text) and (self.text[self.pos].isalnum() or self.text[self.pos] == "_"):
            self.pos += 1
        return self.text[start : self.pos]

    def _expect(self, char: str) -> None:
        if not self.text.startswith(char, self.pos):
            raise TypeError_(f"expected {char!r} at {self.pos} in type {self.text!r}")
        self.pos += 1

    def parse(self) -> Type:
        name = self._name()
        result: Type
        if name in PRIMITIVES or name in NODES:
            result = Type(name)  # type: ignore[arg-type]
        elif name in ("list", "optional"):
            self._expect("<")
            result = Type(name, (self.parse(),))  # type: ignore[arg-type]
            self._expect(">")
        elif name == "set":
            self._expect("<")
            item = self.parse()
            if item.kind not in SET_ITEMS:
                raise TypeError_(f"a set holds {', '.join(sorted(SET_ITEMS))}, not {item}, in {self.text!r}")
            self._expect(">")
            result = Type("set", (item,))
        elif name == "map":
            self._expect("<")
            key = self.parse()
            if key.kind not in MAP_KEYS:
                raise TypeError_(f"a map key is {', '.join(sorted(MAP_KEYS))}, not {key}, in {self.text!r}")
            self._expect(",")
            value = self.parse()
            self._expect(">")
            result = Type("map", (key, value))
        elif name == "record":
            self._expect("<")
            record = self._name()
            if not record or record in PRIMITIVES or record in NODES:
                raise TypeError_(f"a record needs a name of its own in {self.text!r}")
            self._expect(">")
            self._expect("{")
            result = self._fields(record, "}")
        elif name in self.defining:
            result = Type("record", (), name)
        elif name in self.records:
            inner = _Parser(self.records[name].replace(" ", ""), self.records)
            inner.defining = [*self.defining]
            result = inner._fields(name, "")
            if inner.pos != len(inner.text):
                raise TypeError_(f"unexpected {inner.text[inner.pos :]!r} in record {name}")
        elif name == "tuple":
            self._expect("<")
            items = [self.parse()]
            while self.text.startswith(",", self.pos):
                self.pos += 1
                items.append(self.parse())
            self._expect(">")
            result = Type("tuple", tuple(items))
        else:
            raise TypeError_(f"unknown type {name!r} in {self.text!r}")
        while self.text.startswith("[]", self.pos):
            self.pos += 2
            result = Type("array", (result,))
        return result


def sort_sets(t: Type, value: Any, records: Mapping[str, Type] | None = None) -> Any:
    """`value` (JSON data of type `t`) with every set's elements in one canonical order, records by the spec's names.

    Sets travel as JSON arrays in whatever order the code iterated them; two outputs that hold the same
    sets compare equal once both went through this. A record comes back as an object with the
    language's own field names (Go `OK`, Java `durationMs`, Python `duration_ms`) or, from a tuple, as
    an array of its fields in order: it becomes the object with the spec's field names (a field the
    code's value lacks stays missing, so the check fails). Values of another shape are returned unchanged.
    """
    if value is None or not (t.uses("set") or t.uses("record")):
        return value
    if records is None:
        records = record_types([t])
    return _canonical(t, value, records)


def _canonical(t: Type, value: Any, records: Mapping[str, Type]) -> Any:
    # Iterative over the record nesting would be nicer; records nest as deep as their JSON (Go caps it at 10^4).
    if value is None:
        return value
    if t.kind == "set" and isinstance(value, dict):
        # Go writes a map[T]bool set inside a struct as an object: its members are the keys mapped to true.
        members: list[Any] = [k for k, x in value.items() if x is True or x == {}]
        if t.item.kind in ("int", "long"):
            members = [int(k) if k.lstrip("-").isdigit() else k for k in members]
        elif t.item.kind == "bool":
            members = [k == "true" for k in members]
        value = members
    if t.kind == "set" and isinstance(value, list):
        return sorted(value, key=lambda x: json.dumps(x, sort_keys=True))
    if t.kind in ("array", "list") and isinstance(value, list):
        return [_canonical(t.item, x, records) for x in value]
    if t.kind == "tuple" and isinstance(value, list) and len(value) == len(t.items):
        return [_canonical(s, x, records) for s, x in zip(t.items, value, strict=True)]
    if t.kind == "map" and isinstance(value, dict):
        return {k: _canonical(t.value, x, records) for k, x in value.items()}
    if t.kind == "optional":
        return _canonical(t.item, value, records)
    if t.kind == "record" and t.name in records:
        full = records[t.name]
        if isinstance(value, list) and len(value) == len(full.fields):
            value = dict(zip(full.fields, value, strict=True))
        if isinstance(value, dict):
            by_norm = {norm_field(k): k for k in value}
            out: dict[str, Any] = {}
            for field, ft in zip(full.fields, full.items, strict=True):
                key = field if field in value else by_norm.get(norm_field(field))
                if key is not None:
                    out[field] = _canonical(ft, value[key], records)
            return out
    return value
