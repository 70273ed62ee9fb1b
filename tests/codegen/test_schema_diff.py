"""The pieces the schema diff's rules stand on: types, what the generated parser checks, pattern containment."""

from typing import Any

import pytest

from codegen.schema_diff import covers, escapes, json_types, parser_checks

DOCUMENT: dict[str, Any] = {
    "components": {
        "schemas": {
            "Model": {"type": "object", "properties": {"a": {"type": "string"}}},
            "Code": {"anyOf": [{"type": "integer"}, {"type": "string"}]},
        }
    }
}


def test_an_any_of_of_types_is_a_type_array() -> None:
    spelled: list[dict[str, Any]] = [
        {"anyOf": [{"type": "integer"}, {"type": "string"}]},
        {"type": ["integer", "string"]},
        {"oneOf": [{"type": "string"}, {"$ref": "#/components/schemas/Code"}]},
    ]
    assert {json_types(schema, DOCUMENT) for schema in spelled} == {frozenset({"integer", "string"})}
    assert json_types({"const": True}, DOCUMENT) == frozenset({"boolean"})
    assert json_types({"description": "anything"}, DOCUMENT) is None


def test_an_integer_is_a_number() -> None:
    assert covers(frozenset({"number"}), frozenset({"integer"}))
    assert not covers(frozenset({"integer"}), frozenset({"number"}))
    assert covers(None, frozenset({"string"}))
    assert not covers(frozenset({"string"}), None)


@pytest.mark.parametrize(
    ("schema", "checked"),
    [
        ({"$ref": "#/components/schemas/Model"}, True),  # from_dict
        ({"type": "string", "enum": ["a"]}, True),  # literal enum: check_...
        ({"type": "string", "const": "a"}, True),  # ConstProperty raises ValueError
        ({"type": "boolean", "const": True}, False),  # BooleanProperty: plain bool, never checked
        ({"type": "boolean", "enum": [True]}, False),
        ({"type": "string"}, False),
        ({"type": "string", "format": "date-time"}, True),  # isoparse
        ({"type": "array", "items": {"type": "number"}}, False),  # cast(list[float], ...)
        ({"type": "array", "items": {"$ref": "#/components/schemas/Model"}}, True),
        ({"$ref": "#/components/schemas/Code"}, False),  # a union of plain types is cast
        ({"type": ["object", "null"], "properties": {}}, True),  # None first, then the model
    ],
)
def test_what_the_generated_parser_checks(schema: dict[str, Any], checked: bool) -> None:
    assert parser_checks(schema, DOCUMENT) is checked


def test_pattern_containment_by_drawing() -> None:
    assert escapes("^re_[0-9]+$", "^re_[0-9]{18}$")  # "re_0" fails the new pattern
    assert not escapes("^re_[0-9]{18}$", "^re_[0-9]+$")
    assert escapes("^re_[0-9]+$", "(")  # a pattern Python cannot read: assume the worst
