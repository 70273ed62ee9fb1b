"""Parsed values held to their classes' annotations: what a `cast` lets through is found."""

from typing import Any

from codegen.annotations import violations
from codegen.clients import generated_client
from codegen.regenerate import SPEC

CLIENT = generated_client(SPEC)
MODELS = CLIENT.module("models")
NAMESPACE = vars(MODELS)


def _envelope(**changes: Any) -> Any:
    body = {"code": 200, "msg": "success", "data": {"embedding": [0.5, 1]}, "success": True, **changes}
    return MODELS.ImageEmbeddingResponse.from_dict(body)


def test_a_value_as_declared_has_no_violation() -> None:
    assert violations(_envelope(), NAMESPACE) == []
    assert violations(_envelope(code="0000"), NAMESPACE) == []  # int | str


def test_a_cast_value_of_another_type_is_a_violation() -> None:
    assert list(map(str, violations(_envelope(msg=7), NAMESPACE))) == ["msg: int 7 where str is declared"]
    assert list(map(str, violations(_envelope(code=True), NAMESPACE))) == ["code: bool True is none of int | str"]
    assert list(map(str, violations(_envelope(data={"embedding": ["x"]}), NAMESPACE))) == [
        "data.embedding[0]: str 'x' where float is declared"
    ]


def test_a_literal_is_held_to_its_members() -> None:
    request = MODELS.ImageEmbeddingAssetRequest(asset_id="re_1", model="siglip")
    assert list(map(str, violations(request, NAMESPACE))) == [
        "model: str 'siglip' is not one of Literal['mobileclip', 'multimodalembedding@001']"
    ]


def test_values_of_one_type_anywhere_in_a_list_are_one_violation() -> None:
    first, second = violations(_envelope(data={"embedding": ["x", "y"]}), NAMESPACE)
    assert (str(first), str(second)) == (
        "data.embedding[0]: str 'x' where float is declared",
        "data.embedding[1]: str 'y' where float is declared",
    )
    assert first.signature == second.signature == "data.embedding[]: str where float is declared"
