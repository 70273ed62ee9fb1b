"""The documented facts the probes hold a deployment to, each read from the spec (`memories_spec`), never restated.

The spec models the provider's page and its documented facts (`shared/reference/api-facts.md`): the models and their
vector lengths (`EmbeddingModel`'s enum and `x-dimensions`), the accepted image types (embedImage's `encoding`), the
statuses of refusals (the documented responses each refusal is described under), the price of each operation
(`x-price-usd`) and the header that carries the key.
"""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from memories_spec import (
    accepted_image_types,
    documented_error_statuses,
    lookup,
    model_dimensions,
    operation_price,
    pointer,
    response_schema_pointer,
    validator,
)

EMBED_PATH = "/embeddings/image"
UPLOAD_PATH = "/upload"
PATHS = (EMBED_PATH, UPLOAD_PATH)

MODEL_DIMENSIONS = model_dimensions()
MODELS = tuple(MODEL_DIMENSIONS)
IMAGE_TYPES = accepted_image_types()
KEY_HEADER: str = lookup("/components/securitySchemes/ApiKeyAuth/name")
EMBEDDING_PRICE: Decimal = operation_price(EMBED_PATH)
PRICES = {path: operation_price(path) for path in PATHS}

# A model no deployment of this API has: the enum names every model there is.
UNKNOWN_MODEL = "no-such-model"


def documented_status(response: str, path: str = EMBED_PATH) -> int:
    """The status under which `path` documents the shared response `response` (`BadRequest` is 400)."""
    reference = f"#/components/responses/{response}"
    responses = lookup(pointer("paths", path, "post", "responses"))
    (status,) = (int(status) for status, answer in responses.items() if answer.get("$ref") == reference)
    return status


def is_documented(path: str, status: int) -> bool:
    """Whether the spec documents `status` as an answer of `path`."""
    return status == 200 or status in documented_error_statuses(path)


def schema_errors(path: str, status: int, body: Any) -> list[str]:
    """What is wrong with `body` as the documented answer of `path` with `status` (empty when it fits)."""
    checker = validator(response_schema_pointer(path, "post", str(status)))
    return [f"{_place(error.absolute_path)}: {error.message}" for error in checker.iter_errors(body)]


def _place(path: Iterable[object]) -> str:
    return "/".join(map(str, path)) or "the body"
