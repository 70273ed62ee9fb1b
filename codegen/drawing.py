"""Values drawn from a spec's JSON schemas with hypothesis, and the smallest value a check fails on.

The strategies come from schemathesis's own JSON Schema engine (`schemathesis.generation.jsonschema.builder`,
schemathesis 4.32.5, locked): hypothesis-jsonschema is not in the lock (it crashes with this hypothesis), and
schemathesis's engine covers all of JSON Schema 2020-12 (type arrays, `const`, `anyOf`/`oneOf`, ECMA-262
patterns), where a builder of our own would cover the keywords of today's spec and silently draw wrong values
for tomorrow's. It is not part of schemathesis's documented API, so `tests/codegen/test_drawing.py` holds it to
what this module needs: every value drawn satisfies its schema.

Objects are drawn with their declared properties only: a generated `from_dict` keeps unknown keys in
`additional_properties`, so drawing them would prove nothing and cost time. A `format: binary` value is bytes.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from random import Random
from typing import Any

import jsonschema_rs
from hypothesis import HealthCheck, Phase, find, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample
from schemathesis.generation.jsonschema.builder import build

from memories_spec import resolve

_FORMATS = {"binary": st.binary(max_size=64)}
_COMPOSITION = ("anyOf", "oneOf", "allOf", "not", "if")


class UnsupportedSchema(Exception):
    """A schema values cannot be drawn from here (a recursive one)."""


@dataclass(frozen=True)
class Failure:
    """What a check found wrong with a value; failures with the same signature are one failure."""

    signature: str
    message: str
    # Where the failure lies, when the check knows: a part of the request and a path into its value.
    part: str = ""
    path: tuple[str, ...] = ()


def inline(schema: Any, document: Mapping[str, Any], *, closed: bool = False, seen: tuple[str, ...] = ()) -> Any:
    """The schema with every `$ref` replaced by its target; `closed`: objects refuse undeclared properties."""
    if isinstance(schema, list):
        return [inline(item, document, closed=closed, seen=seen) for item in schema]
    if not isinstance(schema, Mapping):
        return schema
    target = schema.get("$ref")
    if isinstance(target, str):
        if target in seen:
            raise UnsupportedSchema(f"{target} refers to itself")
        return inline(resolve(schema, document), document, closed=closed, seen=(*seen, target))
    inlined = {key: inline(value, document, closed=closed, seen=seen) for key, value in schema.items()}
    open_object = "properties" in inlined and "additionalProperties" not in inlined
    if closed and open_object and not set(_COMPOSITION) & inlined.keys():
        inlined["additionalProperties"] = False
    return inlined


def strategy(schema: Any, document: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    """Values `schema` (a node of `document`) admits."""
    drawn: st.SearchStrategy[Any] = build(
        inline(schema, document, closed=True), draft=jsonschema_rs.Draft202012, formats=_FORMATS
    )
    return drawn


def smallest_failures(
    values: st.SearchStrategy[Any],
    check: Callable[[Any], Failure | None],
    *,
    seed: int,
    examples: int,
    limit: int = 3,
) -> list[tuple[Any, Failure]]:
    """Up to `limit` different failures of `check`, each with the smallest value hypothesis shrinks it to.

    The same seed draws the same values: a report is reproducible.
    """
    found: list[tuple[Any, Failure]] = []
    known: set[str] = set()

    def fails_anew(value: Any) -> bool:
        failure = check(value)
        return failure is not None and failure.signature not in known

    while len(found) < limit:
        # Looking for another failure once one is found costs a whole run when there is none: half a run.
        options = settings(
            max_examples=examples if not found else max(1, examples // 2),
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.generate, Phase.shrink],
        )
        try:
            value = find(values, fails_anew, settings=options, random=Random(seed))
        except NoSuchExample:
            break
        failure = check(value)
        if failure is None:  # flaky: the value failed while shrinking, not now
            break
        known.add(failure.signature)
        found.append((value, failure))
    return found
