"""Values drawn from the spec's schemas: each satisfies its schema, and failures shrink to one reproducible value.

The strategies come from schemathesis's JSON Schema engine, which is not part of its documented API: these tests
hold it to what codegen.drawing needs of it.
"""

from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st

from codegen.drawing import Failure, UnsupportedSchema, inline, smallest_failures, strategy
from codegen.wire import schema_errors
from memories_spec import load_spec

SPEC = load_spec(Path(__file__).resolve().parents[2] / "openapi.yaml")
SCHEMAS = sorted(SPEC["components"]["schemas"])


def _as_json_schema_sees_it(value: Any) -> Any:
    """JSON Schema has no bytes: a drawn file is checked as the string it stands for."""
    if isinstance(value, bytes):
        return "<file>"
    if isinstance(value, dict):
        return {key: _as_json_schema_sees_it(item) for key, item in value.items()}
    return value


@pytest.mark.parametrize("name", SCHEMAS)
def test_every_drawn_value_satisfies_its_schema(name: str) -> None:
    schema = {"$ref": f"#/components/schemas/{name}"}

    def invalid(value: Any) -> Failure | None:
        errors = schema_errors(_as_json_schema_sees_it(value), schema, SPEC)
        return Failure("invalid", errors[0].message) if errors else None

    assert smallest_failures(strategy(schema, SPEC), invalid, seed=1, examples=40) == []


def test_a_file_is_drawn_as_bytes() -> None:
    def not_bytes(value: Any) -> Failure | None:
        return None if isinstance(value["file"], bytes) else Failure("text", repr(value["file"]))

    values = strategy({"$ref": "#/components/schemas/UploadRequest"}, SPEC)
    assert smallest_failures(values, not_bytes, seed=1, examples=20) == []


def test_objects_are_drawn_with_their_declared_properties_only() -> None:
    closed = inline({"$ref": "#/components/schemas/ImageEmbeddingResponse"}, SPEC, closed=True)
    assert closed["additionalProperties"] is False
    assert closed["properties"]["data"]["additionalProperties"] is False
    assert "additionalProperties" not in inline({"$ref": "#/components/schemas/ImageEmbeddingResponse"}, SPEC)


def test_a_failure_shrinks_to_its_smallest_value_from_a_fixed_seed() -> None:
    def large(value: int) -> Failure | None:
        return Failure("large", "too large") if value >= 1000 else None

    found = smallest_failures(st.integers(), large, seed=7, examples=200)
    assert [(value, failure.signature) for value, failure in found] == [(1000, "large")]
    assert smallest_failures(st.integers(), large, seed=7, examples=200) == found


def test_different_failures_are_each_reported() -> None:
    def sign(value: int) -> Failure | None:
        if value > 10:
            return Failure("positive", "")
        return Failure("negative", "") if value < -10 else None

    found = smallest_failures(st.integers(), sign, seed=3, examples=300)
    assert sorted((value, failure.signature) for value, failure in found) == [(-11, "negative"), (11, "positive")]


def test_a_recursive_schema_is_refused() -> None:
    document = {
        "components": {
            "schemas": {"Node": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Node"}}}}
        }
    }
    with pytest.raises(UnsupportedSchema, match="refers to itself"):
        inline({"$ref": "#/components/schemas/Node"}, document)
