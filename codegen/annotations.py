"""Whether a value a generated client parsed honours the annotations of its attrs classes.

The generated parsers `cast` what they do not check: a response they accept can still hold an `int` where the
model says `str`. Typed code trusts the annotation, so such a value is evidence too (a warning, not a crash).
"""

import re
import sys
import types
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import attrs

_INDEX = re.compile(r"\[[0-9]+\]")


@dataclass(frozen=True)
class Violation:
    """A value where a parsed model's annotation says another: its path, its type, its value, what was declared."""

    path: str
    kind: str
    shown: str
    declared: str

    def __str__(self) -> str:
        return " ".join(part for part in (f"{self.path or 'value'}:", self.kind, self.shown, self.declared) if part)

    @property
    def signature(self) -> str:
        """The violation without the value: every item of a list and every value of one type are one violation."""
        return f"{_INDEX.sub('[]', self.path)}: {self.kind} {self.declared}"


def violations(value: object, namespace: Mapping[str, Any]) -> list[Violation]:
    """Where `value` (a parsed model, or a union of them) contradicts its classes' annotations.

    `namespace` resolves the names the generated annotations use (the `models` package: they are strings).
    """
    return list(_violations(value, type(value), "", namespace))


def _violation(path: str, value: object, declared: str, *, shown: bool = True) -> Violation:
    return Violation(path, type(value).__name__, f"{value!r:.60}" if shown else "", declared)


def _violations(value: object, hint: Any, path: str, namespace: Mapping[str, Any]) -> Iterator[Violation]:
    origin = typing.get_origin(hint)
    arguments = typing.get_args(hint)
    if hint is Any or hint is object:
        return
    if origin in (typing.Union, types.UnionType):
        if any(not any(_violations(value, member, path, namespace)) for member in arguments):
            return
        yield _violation(path, value, f"is none of {_name(hint)}")
        return
    if origin is typing.Literal:
        if not any(type(value) is type(member) and value == member for member in arguments):
            yield _violation(path, value, f"is not one of {_name(hint)}")
        return
    if origin in (list, dict):
        if not isinstance(value, origin):
            yield _violation(path, value, f"where {_name(hint)} is declared", shown=False)
        elif origin is list and arguments:
            for index, item in enumerate(typing.cast(list[object], value)):
                yield from _violations(item, arguments[0], f"{path}[{index}]", namespace)
        return
    if isinstance(hint, type) and attrs.has(hint):
        if not isinstance(value, hint):
            yield _violation(path, value, f"where {hint.__name__} is declared", shown=False)
            return
        module = vars(sys.modules[hint.__module__])
        hints = typing.get_type_hints(hint, globalns=module, localns=dict(namespace))
        for field in attrs.fields(hint):
            if field.init and field.name in hints:
                inner = f"{path}.{field.name}" if path else field.name
                yield from _violations(getattr(value, field.name), hints[field.name], inner, namespace)
        return
    if hint is type(None) or hint is None:
        if value is not None:
            yield _violation(path, value, "where None is declared")
        return
    if hint is float:
        accepted = isinstance(value, int | float) and not isinstance(value, bool)
    elif hint is int:
        accepted = isinstance(value, int) and not isinstance(value, bool)
    else:
        accepted = not isinstance(hint, type) or isinstance(value, hint)
    if not accepted:
        yield _violation(path, value, f"where {_name(hint)} is declared")


def _name(hint: Any) -> str:
    return hint.__name__ if isinstance(hint, type) else str(hint).replace("typing.", "")
