"""The judge's small type language: the argument and result types a coding question's entry points use.

Grammar: `int | long | double | bool | string | char | void | json | ListNode | TreeNode | T[] | list<T> |
tuple<A,B,...> | optional<T> | map<K,V> | set<T>`. `T[]` is a fixed array (Java `int[]`), `list<T>` a growable
list (Java `List<Integer>`); the other three languages spell both the same way.

A `map<K,V>` is a JSON object: its keys (`string`, `int`, `long` or `char`) are written as JSON object keys, so an
int key 7 is the key "7" on the wire and in every output. A `set<T>` (of `int`, `long`, `string`, `char` or
`bool`) is a JSON array whose order does not count: `sort_sets` puts both outputs in one order before checking.
`json` is any JSON value, passed as each language's own parse of it.
"""

from __future__ import annotations

import json
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
        return self.kind

    def uses(self, kind: str) -> bool:
        """Whether this type mentions `kind` anywhere (a ListNode inside a list, say)."""
        return self.kind == kind or any(t.uses(kind) for t in self.items)


def parse_type(text: str) -> Type:
    """Parse a type expression such as `int[][]`, `list<list<string>>` or `tuple<long,list<int>>`."""
    parser = _Parser(text.replace(" ", ""))
    result = parser.parse()
    if parser.pos != len(parser.text):
        raise TypeError_(f"unexpected {parser.text[parser.pos :]!r} in type {text!r}")
    return result


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

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


def sort_sets(t: Type, value: Any) -> Any:
    """`value` (JSON data of type `t`) with every set's elements in one canonical order.

    Sets travel as JSON arrays in whatever order the code iterated them; two outputs that hold the same
    sets compare equal once both went through this. Values of another shape are returned unchanged.
    """
    if value is None or not t.uses("set"):
        return value
    if t.kind == "set" and isinstance(value, list):
        return sorted(value, key=lambda x: json.dumps(x, sort_keys=True))
    if t.kind in ("array", "list") and isinstance(value, list):
        return [sort_sets(t.item, x) for x in value]
    if t.kind == "tuple" and isinstance(value, list) and len(value) == len(t.items):
        return [sort_sets(s, x) for s, x in zip(t.items, value, strict=True)]
    if t.kind == "map" and isinstance(value, dict):
        return {k: sort_sets(t.value, x) for k, x in value.items()}
    if t.kind == "optional":
        return sort_sets(t.item, value)
    return value
