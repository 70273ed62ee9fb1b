"""The contract, loaded once, with the lookups the suite needs: examples, response schemas, validators.

Schemas are validated with the OpenAPI 3.1 dialect (openapi-schema-validator) through a `referencing`
registry that holds the whole document, so a schema is named by its JSON pointer and its `$ref`s resolve
wherever they point.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import validators
from jsonschema.protocols import Validator
from openapi_schema_validator import OAS31Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_PATH = Path(__file__).resolve().parent.parent / "openapi.yaml"
_SPEC_URI = "urn:memories-ai:openapi"
MULTIPART = "multipart/form-data"

# JSON Schema keywords whose values are subschemas: one schema, a list of them, or a map of them.
_SUBSCHEMA = ("items", "not", "additionalProperties", "contains", "if", "then", "else")
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SUBSCHEMA_MAPS = ("properties", "patternProperties", "$defs")


@dataclass(frozen=True)
class Example:
    """One example in the spec and the schema it must satisfy, both named by JSON pointer."""

    location: str
    schema: str
    value: Any


@cache
def load_spec() -> Mapping[str, Any]:
    """The parsed openapi.yaml."""
    with SPEC_PATH.open(encoding="utf-8") as handle:
        spec: dict[str, Any] = yaml.safe_load(handle)
    return spec


def pointer(*tokens: str) -> str:
    """A JSON pointer (RFC 6901) built from unescaped tokens."""
    return "".join("/" + token.replace("~", "~0").replace("/", "~1") for token in tokens)


def resolve(node: Any) -> Any:
    """Follow local `$ref`s until a node that is not a reference."""
    resolver = _registry().resolver(base_uri=_SPEC_URI)
    while isinstance(node, Mapping) and "$ref" in node:
        node = resolver.lookup(str(node["$ref"])).contents
    return node


def _is_integer_token(checker: object, instance: object) -> bool:
    return isinstance(instance, int) and not isinstance(instance, bool)


# JSON Schema counts 200.0 as an integer; a client in a typed language does not, and neither does this suite.
_StrictValidator = validators.extend(  # type: ignore[no-untyped-call]  # untyped in types-jsonschema
    OAS31Validator, type_checker=OAS31Validator.TYPE_CHECKER.redefine("integer", _is_integer_token)
)


@cache
def _registry() -> Registry[Any]:
    resource: Resource[Any] = Resource.from_contents(load_spec(), default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(_SPEC_URI, resource)
    return registry


def validator(schema_pointer: str) -> Validator:
    """A validator for the schema at `schema_pointer` in the spec."""
    checker: Validator = _StrictValidator(
        {"$ref": f"{_SPEC_URI}#{schema_pointer}"},
        registry=_registry(),
        format_checker=OAS31Validator.FORMAT_CHECKER,
    )
    return checker


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
    return base + pointer("content", "application/json", "schema")


def request_body_pointer(path: str, media_type: str, method: str = "post") -> str:
    """The pointer to an operation's request body for one media type (its `schema`, `encoding`...)."""
    return pointer("paths", path, method, "requestBody", "content", media_type)


def _node(json_pointer: str) -> Any:
    return _registry().resolver(base_uri=_SPEC_URI).lookup(f"{_SPEC_URI}#{json_pointer}").contents


def accepted_image_types() -> tuple[str, ...]:
    """The media types embedImage's `file` part may have: its `encoding`'s `contentType`, in the spec's order."""
    content_type = _node(request_body_pointer("/embeddings/image", MULTIPART) + "/encoding/file/contentType")
    return tuple(media_type.strip() for media_type in str(content_type).split(","))


def binary_fields(path: str) -> frozenset[str]:
    """The multipart fields of an operation that the spec declares `format: binary`: files."""
    schema = resolve(_node(request_body_pointer(path, MULTIPART) + "/schema"))
    return frozenset(name for name, field in schema["properties"].items() if resolve(field).get("format") == "binary")


def multipart_body_is_valid(path: str, fields: Mapping[str, Any]) -> bool:
    """Whether a multipart body, given field by field, satisfies the operation's schema.

    JSON Schema has no bytes, so a file (bytes) in a `format: binary` field is validated as a placeholder string.
    Anything else in such a field, text included, is no file: the field is not satisfied."""
    files = binary_fields(path)
    if any(name in files and not isinstance(value, bytes) for name, value in fields.items()):
        return False
    value = {name: "<file>" if name in files else item for name, item in fields.items()}
    return validator(request_body_pointer(path, MULTIPART) + "/schema").is_valid(value)


def iter_examples() -> Iterator[Example]:
    """Every example in the spec: of media types, parameters and headers, and of schemas."""
    yield from _walk_document(load_spec(), ())


def _walk_document(node: Any, tokens: tuple[str, ...]) -> Iterator[Example]:
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _walk_document(item, (*tokens, str(index)))
        return
    if not isinstance(node, Mapping):
        return
    if "schema" in node:
        # A media type, parameter or header object: its examples must satisfy its schema.
        schema = pointer(*tokens, "schema")
        if "example" in node:
            yield Example(pointer(*tokens, "example"), schema, node["example"])
        for name, example in node.get("examples", {}).items():
            yield Example(pointer(*tokens, "examples", name), schema, resolve(example)["value"])
        yield from _walk_schema(node["schema"], (*tokens, "schema"))
    for key, value in node.items():
        if key == "schema" or ("schema" in node and key in ("example", "examples")):
            continue
        if tokens == ("components",) and key == "schemas":
            for name, schema_node in value.items():
                yield from _walk_schema(schema_node, (*tokens, key, name))
            continue
        yield from _walk_document(value, (*tokens, key))


def _walk_schema(node: Any, tokens: tuple[str, ...]) -> Iterator[Example]:
    if not isinstance(node, Mapping):
        return
    schema = pointer(*tokens)
    if "example" in node:
        yield Example(pointer(*tokens, "example"), schema, node["example"])
    for index, value in enumerate(node.get("examples", [])):
        yield Example(pointer(*tokens, "examples", str(index)), schema, value)
    for keyword in _SUBSCHEMA:
        yield from _walk_schema(node.get(keyword), (*tokens, keyword))
    for keyword in _SUBSCHEMA_LISTS:
        for index, subschema in enumerate(node.get(keyword, [])):
            yield from _walk_schema(subschema, (*tokens, keyword, str(index)))
    for keyword in _SUBSCHEMA_MAPS:
        for name, subschema in node.get(keyword, {}).items():
            yield from _walk_schema(subschema, (*tokens, keyword, name))
