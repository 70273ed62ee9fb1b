"""The spec's examples: every one, with the schema it must satisfy, and the documented answer of each operation.

The mock answers `Prefer: code=NNN` with the first example of that documented response; the suite checks that every
example satisfies its schema.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from memories_spec.document import JSON, pointer, resolve

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


@dataclass(frozen=True)
class DocumentedResponse:
    """A response as the spec documents it: its first example body and the first example of each header."""

    body: Any
    headers: Mapping[str, str]


@dataclass(frozen=True)
class Operation:
    """One documented operation and its documented responses, by status."""

    path: str
    method: str
    operation_id: str
    responses: Mapping[int, DocumentedResponse]


def operations(spec: Mapping[str, Any]) -> dict[str, Operation]:
    """The operations of `spec`, by operationId."""
    found: dict[str, Operation] = {}
    for path, path_item in spec["paths"].items():
        for method, operation in path_item.items():
            responses = {
                int(status): _documented(spec, resolve(response, spec))
                for status, response in operation["responses"].items()
            }
            found[operation["operationId"]] = Operation(path, method, operation["operationId"], responses)
    return found


def _documented(spec: Mapping[str, Any], response: Mapping[str, Any]) -> DocumentedResponse:
    media = response["content"][JSON]
    first = media["example"] if "example" in media else resolve(next(iter(media["examples"].values())), spec)["value"]
    headers = {}
    for name, header in response.get("headers", {}).items():
        examples = resolve(header, spec).get("examples", {})
        if examples:
            headers[name] = str(resolve(next(iter(examples.values())), spec)["value"])
    return DocumentedResponse(first, headers)


def iter_examples(spec: Mapping[str, Any]) -> Iterator[Example]:
    """Every example in `spec`: of media types, parameters and headers, and of schemas."""
    yield from _walk_document(spec, spec, ())


def _walk_document(spec: Mapping[str, Any], node: Any, tokens: tuple[str, ...]) -> Iterator[Example]:
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _walk_document(spec, item, (*tokens, str(index)))
        return
    if not isinstance(node, Mapping):
        return
    if "schema" in node:
        # A media type, parameter or header object: its examples must satisfy its schema.
        schema = pointer(*tokens, "schema")
        if "example" in node:
            yield Example(pointer(*tokens, "example"), schema, node["example"])
        for name, example in node.get("examples", {}).items():
            yield Example(pointer(*tokens, "examples", name), schema, resolve(example, spec)["value"])
        yield from _walk_schema(node["schema"], (*tokens, "schema"))
    for key, value in node.items():
        if key == "schema" or ("schema" in node and key in ("example", "examples")):
            continue
        if tokens == ("components",) and key == "schemas":
            for name, schema_node in value.items():
                yield from _walk_schema(schema_node, (*tokens, key, name))
            continue
        yield from _walk_document(spec, value, (*tokens, key))


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
