"""The contract, openapi.yaml, loaded once: JSON pointers into it, `$ref` resolution, and the lookups its users need.

The bundled document (`SPEC_PATH`) is the repository's openapi.yaml; `load_spec(path)` reads another one (a mock
configured with its own spec, or an older revision being compared).
"""

from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

SPEC_PATH = Path(__file__).resolve().with_name("openapi.yaml")
MULTIPART = "multipart/form-data"
JSON = "application/json"


@cache
def load_spec(path: Path = SPEC_PATH) -> Mapping[str, Any]:
    """The parsed OpenAPI document at `path` (default: the bundled openapi.yaml); read once per path."""
    with path.open(encoding="utf-8") as handle:
        spec: dict[str, Any] = yaml.safe_load(handle)
    return spec


def pointer(*tokens: str) -> str:
    """A JSON pointer (RFC 6901) built from unescaped tokens."""
    return "".join("/" + token.replace("~", "~0").replace("/", "~1") for token in tokens)


def lookup(json_pointer: str, spec: Mapping[str, Any] | None = None) -> Any:
    """The node at a JSON pointer in `spec` (default: the bundled document)."""
    node: Any = load_spec() if spec is None else spec
    for token in json_pointer.removeprefix("#").split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


def resolve(node: Any, spec: Mapping[str, Any] | None = None) -> Any:
    """Follow local `$ref`s (`#/...`) from `node` until a node that is not a reference."""
    while isinstance(node, Mapping) and "$ref" in node:
        node = lookup(str(node["$ref"]), spec)
    return node


def documented_error_statuses(path: str, method: str = "post") -> list[int]:
    """The error statuses the spec documents for an operation, ascending."""
    return sorted(int(status) for status in load_spec()["paths"][path][method]["responses"] if status != "200")


def response_schema_pointer(path: str, method: str, status: str) -> str:
    """The pointer to the JSON schema of an operation's documented response."""
    response = load_spec()["paths"][path][method]["responses"][status]
    if "$ref" in response:
        base = str(response["$ref"]).removeprefix("#")
    else:
        base = pointer("paths", path, method, "responses", status)
    return base + pointer("content", JSON, "schema")


def request_body_pointer(path: str, media_type: str, method: str = "post") -> str:
    """The pointer to an operation's request body for one media type (its `schema`, `encoding`...)."""
    return pointer("paths", path, method, "requestBody", "content", media_type)


def accepted_image_types() -> tuple[str, ...]:
    """The media types embedImage's `file` part may have: its `encoding`'s `contentType`, in the spec's order."""
    content_type = lookup(request_body_pointer("/embeddings/image", MULTIPART) + "/encoding/file/contentType")
    return tuple(media_type.strip() for media_type in str(content_type).split(","))


def binary_fields(path: str) -> frozenset[str]:
    """The multipart fields of an operation that the spec declares `format: binary`: files."""
    schema = resolve(lookup(request_body_pointer(path, MULTIPART) + "/schema"))
    return frozenset(name for name, field in schema["properties"].items() if resolve(field).get("format") == "binary")


def model_dimensions() -> dict[str, int]:
    """Each embedding model the spec names, in its order, with the length of its vectors (`x-dimensions`)."""
    model = lookup("/components/schemas/EmbeddingModel")
    return {name: int(model["x-dimensions"][name]) for name in model["enum"]}


def operation_price(path: str, method: str = "post") -> Decimal:
    """What one call of an operation costs, in US dollars (`x-price-usd`; free when the spec names no price)."""
    return Decimal(str(load_spec()["paths"][path][method].get("x-price-usd", 0)))
