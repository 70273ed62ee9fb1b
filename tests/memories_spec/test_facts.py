"""The facts the spec states for tools (`x-dimensions`, `x-price-usd`) agree with what its prose tells readers."""

import re
from decimal import Decimal

from memories_spec import load_spec, lookup, model_dimensions, operation_price


def _descriptions(node: object) -> list[str]:
    if isinstance(node, dict):
        found = [node["description"]] if isinstance(node.get("description"), str) else []
        return found + [text for value in node.values() for text in _descriptions(value)]
    if isinstance(node, list):
        return [text for value in node for text in _descriptions(value)]
    return []


def test_every_model_of_the_enum_has_a_length() -> None:
    model = lookup("/components/schemas/EmbeddingModel")
    assert list(model["x-dimensions"]) == model["enum"]
    assert model_dimensions() == {"multimodalembedding@001": 1408, "mobileclip": 512}


def test_the_prose_states_the_same_lengths() -> None:
    prose = "\n".join(_descriptions(load_spec()))
    stated = re.findall(r"(\d+) for `([^`]+)`", prose) + [
        (length, name) for name, length in re.findall(r"`([^`]+)` \([^)]*?(\d+) dimensions\)", prose)
    ]
    assert {name for _, name in stated} == set(model_dimensions())
    assert all(model_dimensions()[name] == int(length) for length, name in stated), stated


def test_the_prices_are_the_described_ones() -> None:
    embed = load_spec()["paths"]["/embeddings/image"]["post"]
    upload = load_spec()["paths"]["/upload"]["post"]
    (described,) = re.findall(r"Costs \$(\d+\.\d+) per image", embed["description"])
    assert operation_price("/embeddings/image") == Decimal(described) == Decimal("0.0001")
    assert "Uploads are free" in upload["description"]
    assert operation_price("/upload") == 0
