"""The judge's small type language: the argument and result types a coding question's entry points use.

Grammar: `int | long | double | bool | string | char | void | ListNode | TreeNode | T[] | list<T> |
tuple<A,B,...> | optional<T>`. `T[]` is a fixed array (Java `int[]`), `list<T>` a growable list (Java `List<Integer>`);
the other three languages spell both the same way.
"""

from __future__ import annotations

from typing import Literal

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
]
PRIMITIVES: frozenset[str] = frozenset({"int", "long", "double", "bool", "string", "char", "void"})
NODES: frozenset[str] = frozenset({"ListNode", "TreeNode"})


class TypeError_(ValueError):
    """A type expression that does not parse."""


class Type(msgspec.Struct, frozen=True):
    """One parsed type: its kind and, for arrays, lists and tuples, the element types."""

    kind: Kind
    items: tuple[Type, ...] = ()

    @property
    def item(self) -> Type:
        """The element type of an array or list."""
        return self.items[0]

    def __str__(self) -> str:
        if self.kind == "array":
            return f"{self.item}[]"
        if self.kind == "list":
            return f"list<{self.item}>"
        if self.kind == "optional":
            return f"optional<{self.item}>"
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
