"""The spec itself: a valid OpenAPI 3.1 document whose examples, and the provider's own responses, fit it."""

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename
from starlette.routing import Route

from memories_spec import SPEC_PATH, Example, iter_examples, load_spec, response_schema_pointer, validator
from mock_server import API_PREFIX, Settings, create_app

PROVIDER_RESPONSES = Path(__file__).with_name("provider_responses.yaml")
EXAMPLES = list(iter_examples(load_spec()))


def test_spec_is_valid_openapi_31() -> None:
    document, base_uri = read_from_filename(str(SPEC_PATH))
    validate(document, base_uri=base_uri)
    assert document["openapi"] == "3.1.0"


def test_examples_are_found_in_every_kind_of_place() -> None:
    # Guards the walker: a walker that found nothing would make the next test vacuous.
    locations = [example.location for example in EXAMPLES]
    assert any("/content/application~1json/examples/" in location for location in locations)
    assert any(location.startswith("/components/schemas/") for location in locations)
    assert any(location.startswith("/components/headers/") for location in locations)
    assert len(locations) >= 20


@pytest.mark.parametrize("example", EXAMPLES, ids=[example.location for example in EXAMPLES])
def test_example_validates_against_its_schema(example: Example) -> None:
    errors = [error.message for error in validator(example.schema).iter_errors(example.value)]
    assert errors == []


def test_validation_rejects_a_wrong_example() -> None:
    # The same validator that passes the examples must fail a body that breaks the envelope.
    schema = response_schema_pointer("/embeddings/image", "post", "200")
    body: dict[str, Any] = {"code": 200.0, "data": {"embedding": ["x"]}}
    failing = sorted("/".join(map(str, error.absolute_path)) for error in validator(schema).iter_errors(body))
    # `code` 200.0 is no integer token, `msg` is missing (reported at the root), the item is no number.
    assert failing == ["", "code", "data/embedding/0"]


def _provider_responses() -> list[dict[str, Any]]:
    with PROVIDER_RESPONSES.open(encoding="utf-8") as handle:
        responses: list[dict[str, Any]] = yaml.safe_load(handle)
    return responses


@pytest.mark.parametrize("documented", _provider_responses(), ids=lambda documented: documented["name"])
def test_provider_documented_response_validates(documented: dict[str, Any]) -> None:
    body = documented["body"]
    if "elided" in documented:
        embedding = body["data"]["embedding"]
        assert embedding[-1] == documented["elided"]
        body = {**body, "data": {**body["data"], "embedding": embedding[:-1]}}
    path, method = documented["operation"]
    schema = response_schema_pointer(path, method, documented["status"])
    errors = [error.message for error in validator(schema).iter_errors(body)]
    assert errors == []


def test_operations_and_the_mocks_routes_match_both_ways() -> None:
    spec = load_spec()
    base_path = urlsplit(spec["servers"][0]["url"]).path
    documented = {
        (method.upper(), base_path + path, operation["operationId"])
        for path, item in spec["paths"].items()
        for method, operation in item.items()
    }
    served = {
        (method, route.path, route.name)
        for route in create_app(Settings(access_log=False)).routes
        if isinstance(route, Route) and route.path.startswith(base_path)
        for method in route.methods or ()
        if method != "HEAD"
    }
    assert served == documented


def test_the_mocks_address_is_one_of_the_servers() -> None:
    assert "http://127.0.0.1:4010" + API_PREFIX in [server["url"] for server in load_spec()["servers"]]
