"""What the mock reads from openapi.yaml: its operations and the documented example of each response."""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class DocumentedResponse:
    """A response as the spec documents it: the first example body and example header values."""

    body: bytes
    headers: Mapping[str, str]


@dataclass(frozen=True)
class Operation:
    """One documented operation."""

    path: str
    operation_id: str
    responses: Mapping[int, DocumentedResponse]


def load_operations(spec_path: Path) -> dict[str, Operation]:
    """The spec's operations, by operationId."""
    spec = yaml.safe_load(spec_path.read_bytes())
    operations: dict[str, Operation] = {}
    for path, path_item in spec["paths"].items():
        for operation in path_item.values():
            responses = {
                int(status): _documented(spec, _resolve(spec, response))
                for status, response in operation["responses"].items()
            }
            operations[operation["operationId"]] = Operation(path, operation["operationId"], responses)
    return operations


def _documented(spec: Mapping[str, Any], response: Mapping[str, Any]) -> DocumentedResponse:
    media = response["content"]["application/json"]
    if "example" in media:
        example = media["example"]
    else:
        example = _resolve(spec, next(iter(media["examples"].values())))["value"]
    headers = {}
    for name, header in response.get("headers", {}).items():
        header = _resolve(spec, header)
        examples = header.get("examples", {})
        if examples:
            headers[name] = str(_resolve(spec, next(iter(examples.values())))["value"])
    return DocumentedResponse(json.dumps(example, separators=(",", ":")).encode(), headers)


def _resolve(spec: Mapping[str, Any], node: Any) -> Any:
    while isinstance(node, Mapping) and "$ref" in node:
        target: Any = spec
        for token in str(node["$ref"]).removeprefix("#/").split("/"):
            target = target[token.replace("~1", "/").replace("~0", "~")]
        node = target
    return node
