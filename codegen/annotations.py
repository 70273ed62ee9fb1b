"""Whether a value a generated client parsed honours the annotations of its attrs classes.

The generated parsers `cast` what they do not check: a response they accept can still hold an `int` where the
model says `str`. Typed code trusts the annotation, so such a value is evidence too (a warning, not a crash).
"""

import sys
import types
import typing
from collections.abc import Iterator, Mapping
from typing import Any

import attrs


def violations(value: object, namespace: Mapping[str, Any]) -> list[str]:
    """Where `value` (a parsed model, or a union of them) contradicts its classes' annotations, one line each.

    `namespace` resolves the names the generated annotations use (the `models` package: they are strings).
    """
    return list(_violations(value, type(value), "", namespace))


def _violations(value: object, hint: Any, path: str, namespace: Mapping[str, Any]) -> Iterator[str]:
    origin = typing.get_origin(hint)
    arguments = typing.get_args(hint)
    if hint is Any or hint is object:
        return
    if origin in (typing.Union, types.UnionType):
        if any(not any(_violations(value, member, path, namespace)) for member in arguments):
            return
        yield f"{path or 'value'}: {type(value).__name__} {value!r:.60} is none of {_name(hint)}"
        return
    if origin is typing.Literal:
        if not any(type(value) is type(member) and value == member for member in arguments):
            yield f"{path or 'value'}: {value!r:.60} is not one of {_name(hint)}"
        return
    if origin in (list, dict):
        if not isinstance(value, origin):
            yield f"{path or 'value'}: {type(value).__name__} where {_name(hint)} is declared"
        elif origin is list and arguments:
            for index, item in enumerate(typing.cast(list[object], value)):
                yield from _violations(item, arguments[0], f"{path}[{index}]", namespace)
        return
    if isinstance(hint, type) and attrs.has(hint):
        if not isinstance(value, hint):
            yield f"{path or 'value'}: {type(value).__name__} where {hint.__name__} is declared"
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
            yield f"{path or 'value'}: {value!r:.60} where None is declared"
        return
    if hint is float:
        accepted = isinstance(value, int | float) and not isinstance(value, bool)
    elif hint is int:
        accepted = isinstance(value, int) and not isinstance(value, bool)
    else:
        accepted = not isinstance(hint, type) or isinstance(value, hint)
    if not accepted:
        yield f"{path or 'value'}: {type(value).__name__} {value!r:.60} where {_name(hint)} is declared"


def _name(hint: Any) -> str:
    return hint.__name__ if isinstance(hint, type) else str(hint).replace("typing.", "")
