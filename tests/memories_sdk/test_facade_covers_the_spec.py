"""Every operation of openapi.yaml has its method on Memories and AsyncMemories, and every method its operation.

The name follows the spec: the operation's first tag is the resource, the last segment of its path the method
(POST /embeddings/image, tag embeddings: `client.embeddings.image`). An operation added to the spec fails this test,
by name, until the facade offers it (ARCHITECTURE.md says why the facade is checked rather than generated).
"""

import copy
from collections.abc import Mapping
from typing import Any

from memories_sdk import AsyncMemories, Memories
from memories_spec import load_spec

# Methods of the facade that are no operation of their own, and the operation they call.
HELPERS = {("embeddings", "image_many"): ("embeddings", "image")}


def facade_gaps(spec: Mapping[str, Any]) -> list[str]:
    """Operations of `spec` that either client lacks (also under `with_raw_response`), then methods of none."""
    gaps = []
    offered: set[tuple[str, str]] = set()
    expected: set[tuple[str, str]] = set()
    for client in (Memories("k", base_url="http://127.0.0.1:9"), AsyncMemories("k", base_url="http://127.0.0.1:9")):
        kind = type(client).__name__
        resources = {name: value for name, value in vars(client).items() if not name.startswith("_")}
        for path, path_item in spec["paths"].items():
            for method, operation in path_item.items():
                resource, name = operation["tags"][0], path.rstrip("/").rsplit("/", 1)[-1]
                expected.add((resource, name))
                where = f"{kind}.{resource}.{name}"
                label = f"openapi.yaml's {method.upper()} {path} ({operation['operationId']})"
                if resource not in resources:
                    gaps.append(f"{label} has no {where}: {kind} has no `{resource}`")
                elif not callable(getattr(resources[resource], name, None)):
                    gaps.append(f"{label} has no {where}")
                elif not callable(getattr(resources[resource].with_raw_response, name, None)):
                    gaps.append(f"{label} has no {kind}.{resource}.with_raw_response.{name}")
        for resource_name, resource in resources.items():
            for name in dir(resource):
                if not name.startswith("_") and name != "with_raw_response":
                    offered.add((resource_name, name))
    for resource_name, name in sorted(offered - expected):
        if HELPERS.get((resource_name, name)) not in expected:
            gaps.append(f"{resource_name}.{name} calls no operation of openapi.yaml")
    return gaps


def test_the_facade_offers_exactly_the_operations_of_the_spec() -> None:
    assert facade_gaps(load_spec()) == []


def test_an_operation_added_to_the_spec_is_named_until_the_facade_offers_it() -> None:
    spec = copy.deepcopy(dict(load_spec()))
    image = spec["paths"]["/embeddings/image"]["post"]
    spec["paths"]["/embeddings/video"] = {"post": {**image, "operationId": "embedVideo"}}
    spec["paths"]["/collections/search"] = {"post": {**image, "operationId": "searchCollections", "tags": ["search"]}}
    assert facade_gaps(spec) == [
        "openapi.yaml's POST /embeddings/video (embedVideo) has no Memories.embeddings.video",
        "openapi.yaml's POST /collections/search (searchCollections) has no Memories.search.search: "
        "Memories has no `search`",
        "openapi.yaml's POST /embeddings/video (embedVideo) has no AsyncMemories.embeddings.video",
        "openapi.yaml's POST /collections/search (searchCollections) has no AsyncMemories.search.search: "
        "AsyncMemories has no `search`",
    ]


def test_an_operation_removed_from_the_spec_is_named_until_the_facade_drops_it() -> None:
    spec = copy.deepcopy(dict(load_spec()))
    del spec["paths"]["/upload"]
    assert facade_gaps(spec) == ["assets.upload calls no operation of openapi.yaml"]
