"""The generated client against the spec, with generated data: what it sends, and what it makes of answers.

Requests are captured at the transport and validated with schemathesis's view of the operation; response
bodies are drawn from the spec's own schemas by schemathesis's generators, for every documented status.
"""

import copy
import json
from collections.abc import Callable
from functools import cache
from io import BytesIO
from typing import Any, get_args
from urllib.parse import urlsplit

import httpx
import hypothesis.strategies as st
import pytest
import schemathesis
from hypothesis import HealthCheck, assume, given, settings

from contract_tests import wire
from memories_client import AuthenticatedClient
from memories_client import errors as generated_errors
from memories_client.api.assets import upload_asset
from memories_client.api.embeddings import embed_image
from memories_client.models import (
    EmbeddingModel,
    ErrorEnvelope,
    ImageEmbeddingAssetRequest,
    ImageEmbeddingFileRequest,
    ImageEmbeddingResponse,
    UploadRequest,
    UploadResponse,
)
from memories_client.types import File
from memories_sdk import MemoriesError, MemoriesTransport, RetryPolicy
from memories_sdk.contract import embedding_problem, error_envelope_problem, upload_problem
from memories_spec import (
    SPEC_PATH,
    accepted_image_types,
    binary_fields,
    documented_error_statuses,
    load_spec,
    multipart_body_is_valid,
    resolve,
    validator,
)

KEY = "sk-mai-contract_suite_key"
SCHEMA = schemathesis.openapi.from_path(SPEC_PATH, config=schemathesis.Config())  # no schemathesis.toml lookup
BASE_PATH = urlsplit(wire.BASE_URL).path
MODELS: tuple[EmbeddingModel, ...] = get_args(EmbeddingModel)
GENERATION = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# The schema behind each documented response, and the model the client must parse it into.
ResponseModel = type[ErrorEnvelope] | type[ImageEmbeddingResponse] | type[UploadResponse]
RESPONSES: list[tuple[str, int, str, ResponseModel]] = [
    (
        path,
        int(status),
        str(resolve(response)["content"]["application/json"]["schema"]["$ref"]).rpartition("/")[2],
        model,
    )
    for path, success in (("/embeddings/image", ImageEmbeddingResponse), ("/upload", UploadResponse))
    for status, response in load_spec()["paths"][path]["post"]["responses"].items()
    for model in [success if status == "200" else ErrorEnvelope]
]


def request_problems(request: httpx.Request) -> list[str]:
    """Where the request departs from the spec: operation, security, media type, body."""
    path = urlsplit(str(request.url)).path.removeprefix(BASE_PATH)
    operation = SCHEMA.find_operation_by_path(request.method, path)
    if operation is None:
        return [f"no operation {request.method} {path}"]
    problems = []
    scheme = load_spec()["components"]["securitySchemes"]["ApiKeyAuth"]
    if request.headers.get(scheme["name"]) != KEY:
        problems.append(f"{scheme['name']} is {request.headers.get(scheme['name'])!r}, not the raw key")
    media_type = request.headers.get("content-type", "").partition(";")[0].strip()
    body = operation.get_body_for_media_type(media_type)
    if body is None:
        return [*problems, f"{media_type!r} is no request media type of {operation.label}"]
    if media_type == "application/json":
        if not body.is_valid(json.loads(request.content)):
            problems.append(f"body {request.content!r} breaks the {media_type} schema of {operation.label}")
    else:  # multipart/form-data, the only other media type the spec declares
        # Files stay bytes; the other fields are text on the wire.
        files = binary_fields(path)
        fields = {
            name: content if name in files else content.decode(errors="replace")
            for name, part in wire.multipart_fields(request).items()
            for content in [bytes(part.get_payload(decode=True) or b"")]
        }
        if not multipart_body_is_valid(path, fields):
            problems.append(f"body with fields {sorted(fields)} breaks the {media_type} schema of {operation.label}")
    return problems


def answered(status: int, content: bytes) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(status, content=content, headers={"Content-Type": "application/json"})


UPLOADED = json.dumps({"code": 200, "msg": "success", "data": {"asset_id": "re_1"}}).encode()
EMBEDDED = json.dumps({"code": 200, "msg": "success", "data": {"embedding": [1.0]}}).encode()


def succeeded(request: httpx.Request) -> httpx.Response:
    """The success of whichever operation was called."""
    return answered(200, UPLOADED if request.url.path.endswith("/upload") else EMBEDDED)(request)


file_names = st.none() | st.text(
    st.characters(codec="ascii", categories=["L", "N"]) | st.sampled_from("._- "), min_size=1, max_size=24
)
mime_types = st.none() | st.sampled_from(accepted_image_types())


# What the client sends


@GENERATION
@given(model=st.sampled_from(MODELS), image=st.binary(min_size=1, max_size=2048), file_name=file_names, mime=mime_types)
def test_file_method_requests_fit_the_spec(
    model: EmbeddingModel, image: bytes, file_name: str | None, mime: str | None
) -> None:
    seen: list[httpx.Request] = []
    with wire.recording_client(seen, answered(200, EMBEDDED), KEY) as client:
        body = ImageEmbeddingFileRequest(
            file=File(payload=BytesIO(image), file_name=file_name, mime_type=mime), model=model
        )
        embed_image.sync(client=client, body=body)
    (request,) = seen
    assert request_problems(request) == []
    fields = wire.multipart_fields(request)
    assert fields["file"].get_payload(decode=True) == image
    assert fields["model"].get_payload(decode=True) == model.encode()


@GENERATION
@given(asset_id=st.from_regex(r"re_[0-9]{1,20}", fullmatch=True), model=st.sampled_from(MODELS))
def test_asset_method_requests_fit_the_spec(asset_id: str, model: EmbeddingModel) -> None:
    seen: list[httpx.Request] = []
    with wire.recording_client(seen, answered(200, EMBEDDED), KEY) as client:
        embed_image.sync(client=client, body=ImageEmbeddingAssetRequest(asset_id=asset_id, model=model))
    (request,) = seen
    assert request_problems(request) == []
    assert json.loads(request.content) == {"asset_id": asset_id, "model": model}


@GENERATION
@given(image=st.binary(min_size=1, max_size=2048), file_name=file_names)
def test_upload_requests_fit_the_spec(image: bytes, file_name: str | None) -> None:
    seen: list[httpx.Request] = []
    with wire.recording_client(seen, answered(200, UPLOADED), KEY) as client:
        upload_asset.sync(client=client, body=UploadRequest(file=File(payload=BytesIO(image), file_name=file_name)))
    (request,) = seen
    assert request_problems(request) == []
    assert wire.multipart_fields(request)["file"].get_payload(decode=True) == image


@pytest.mark.anyio
async def test_async_requests_fit_the_spec_too() -> None:
    seen: list[httpx.Request] = []
    async with wire.recording_client(seen, succeeded, KEY) as client:
        await embed_image.asyncio(client=client, body=ImageEmbeddingAssetRequest(asset_id="re_7", model="mobileclip"))
        file = File(payload=BytesIO(b"\xff\xd8\xff"), file_name="a.jpg", mime_type="image/jpeg")
        await embed_image.asyncio(client=client, body=ImageEmbeddingFileRequest(file=file, model="mobileclip"))
        await upload_asset.asyncio(client=client, body=UploadRequest(file=File(payload=BytesIO(b"GIF89a"))))
    assert [request_problems(request) for request in seen] == [[], [], []]


def test_request_validation_catches_what_breaks_the_spec() -> None:
    # The validator above must be able to fail: a JSON body sent as a form, a Bearer key, a missing model.
    as_form = httpx.Request(
        "POST",
        f"{wire.BASE_URL}/embeddings/image",
        headers={"Authorization": KEY},
        data={"asset_id": "re_1", "model": "mobileclip"},
    )
    bearer = httpx.Request(
        "POST",
        f"{wire.BASE_URL}/embeddings/image",
        headers={"Authorization": f"Bearer {KEY}"},
        json={"asset_id": "re_1", "model": "mobileclip"},
    )
    no_model = httpx.Request(
        "POST", f"{wire.BASE_URL}/embeddings/image", headers={"Authorization": KEY}, files={"file": ("a", b"x")}
    )
    for request in (as_form, bearer, no_model):
        request.read()
    assert "no request media type" in request_problems(as_form)[0]
    assert "not the raw key" in request_problems(bearer)[0]
    assert "breaks the multipart/form-data schema" in request_problems(no_model)[0]


# What the client makes of answers


@cache  # building a schema for each draw would cost more than the draw
def body_strategy(component: str, mode: schemathesis.GenerationMode) -> st.SearchStrategy[Any]:
    """Instances of components/schemas/<component> (or, negative, JSON that breaks it), by schemathesis."""
    spec = load_spec()
    synthetic = {
        "openapi": spec["openapi"],
        "info": {"title": component, "version": "1"},
        "paths": {
            "/body": {
                "post": {
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
                    },
                    "responses": {"200": {"description": "unused"}},
                }
            }
        },
        "components": copy.deepcopy(dict(spec["components"])),
    }
    operation = schemathesis.openapi.from_dict(synthetic, config=schemathesis.Config())["/body"]["POST"]
    return operation.as_strategy(generation_mode=mode).map(lambda case: case.body)


def call(path: str, client: Any) -> Any:
    if path == "/upload":
        return upload_asset.sync_detailed(client=client, body=UploadRequest(file=File(payload=BytesIO(b"GIF89a"))))
    return embed_image.sync_detailed(
        client=client, body=ImageEmbeddingAssetRequest(asset_id="re_1", model="mobileclip")
    )


@pytest.mark.parametrize(("path", "status", "component", "model"), RESPONSES, ids=[f"{r[0]}-{r[1]}" for r in RESPONSES])
@GENERATION
@given(data=st.data())
def test_documented_responses_parse_into_their_model_and_round_trip(
    path: str, status: int, component: str, model: ResponseModel, data: st.DataObject
) -> None:
    body = data.draw(body_strategy(component, schemathesis.GenerationMode.POSITIVE))
    seen: list[httpx.Request] = []
    with wire.recording_client(seen, answered(status, json.dumps(body).encode()), KEY) as client:
        parsed: Any = call(path, client).parsed
    assert isinstance(parsed, model)
    assert parsed.to_dict() == body


SDK_CHECKS = {
    "ImageEmbeddingResponse": embedding_problem,
    "UploadResponse": upload_problem,
    "ErrorEnvelope": error_envelope_problem,
}


def finite(value: Any) -> bool:
    """Whether every number in `value` is a finite double, as JSON numbers exchanged in practice are."""
    if isinstance(value, float):
        return value == value and abs(value) != float("inf")
    if isinstance(value, int) and not isinstance(value, bool):
        return abs(value) < 2**1023
    if isinstance(value, dict):
        return all(finite(item) for item in value.values())
    if isinstance(value, list):
        return all(finite(item) for item in value)
    return True


@pytest.mark.parametrize("component", sorted(SDK_CHECKS))
@GENERATION
@given(data=st.data())
def test_the_sdks_checks_agree_with_the_spec(component: str, data: st.DataObject) -> None:
    mode = data.draw(st.sampled_from([schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]))
    body = data.draw(body_strategy(component, mode))
    assume(finite(body))  # JSON has no NaN or infinity; Python's json would, the SDK refuses them
    valid = validator(f"/components/schemas/{component}").is_valid(body)
    assert (SDK_CHECKS[component](body) is None) == valid, body


@pytest.mark.parametrize(
    ("component", "body"),
    [
        ("UploadResponse", {"code": 200, "msg": "ok", "data": {"asset_id": "re_1\n"}}),  # ECMA-262 `$`, not Python's
        ("UploadResponse", {"code": "0000", "msg": "ok", "data": {"asset_id": "re_660727003963174912"}}),
        ("ImageEmbeddingResponse", {"code": 200.0, "msg": "ok", "data": {"embedding": [0.5]}}),
        ("ImageEmbeddingResponse", {"code": 200, "msg": "ok", "data": {"embedding": [True]}}),
        ("ImageEmbeddingResponse", {"code": 200, "msg": "ok", "data": {"embedding": [1e308, 1e308]}}),  # sum overflows
        ("ErrorEnvelope", {"code": 401, "msg": "Unauthorized", "data": None}),
        ("ErrorEnvelope", {"code": 401, "msg": "Unauthorized", "data": []}),
        ("ErrorEnvelope", {"code": 401, "msg": "Unauthorized", "success": True, "failed": False}),
        ("ImageEmbeddingResponse", {"code": 200, "msg": "ok", "data": {"embedding": [1]}, "failed": True}),
    ],
)
def test_the_sdks_checks_agree_with_the_spec_at_the_edges(component: str, body: dict[str, Any]) -> None:
    valid = validator(f"/components/schemas/{component}").is_valid(body)
    assert (SDK_CHECKS[component](body) is None) == valid


# Statuses the spec does not document, and bodies that are not JSON

DOCUMENTED = {200, *documented_error_statuses("/embeddings/image")}
# IANA's and the others networks send: a CDN's 520-527, nginx's 499, AWS's 561 (openapi-python-client#1442).
UNDOCUMENTED = [status for status in range(200, 600) if status not in DOCUMENTED]
ODD_BODIES = [
    b"",
    b"<html><body>502 Bad Gateway</body></html>",
    b"null",
    b"[]",
    b'{"code": 200, "msg": "success", "data": null}',
    b'{"code": 200, "msg": "success"}',
    b'{"code": 200, "msg": "success", "data": {"embedding": null}}',
    b'{"code": 200, "msg": "success", "data": []}',
    b'{"msg": "no code", "data": {"asset_id": "re_1"}}',
    b'{"code": 500, "msg": "truncated", "da',
]


@GENERATION
@given(status=st.sampled_from(UNDOCUMENTED), content=st.binary(max_size=64) | st.sampled_from(ODD_BODIES))
def test_the_generated_client_returns_none_or_raises_unexpected_status(status: int, content: bytes) -> None:
    seen: list[httpx.Request] = []
    with wire.recording_client(seen, answered(status, content), KEY) as client:
        detailed = call("/embeddings/image", client)
        assert (detailed.status_code, detailed.parsed, detailed.content) == (status, None, content)
        strict = wire.recording_client(seen, answered(status, content), KEY)
        strict.raise_on_unexpected_status = True
        with strict, pytest.raises(generated_errors.UnexpectedStatus) as raised:
            call("/embeddings/image", strict)
    assert (raised.value.status_code, raised.value.content) == (status, content)


# Each operation's success, and its error statuses together: they share one schema, so one test draws the status.
BODY_KINDS = sorted({(path, component, model) for path, _, component, model in RESPONSES}, key=str)


@pytest.mark.parametrize(("path", "component", "model"), BODY_KINDS, ids=[f"{k[0]}-{k[1]}" for k in BODY_KINDS])
@GENERATION
@given(data=st.data())
def test_the_generated_client_parses_a_documented_status_or_raises_malformed_response(
    path: str, component: str, model: ResponseModel, data: st.DataObject
) -> None:
    status = data.draw(st.sampled_from([status for p, status, c, _ in RESPONSES if (p, c) == (path, component)]))
    negative = body_strategy(component, schemathesis.GenerationMode.NEGATIVE).filter(_serializable).map(_encoded)
    content = data.draw(st.sampled_from(ODD_BODIES) | st.binary(max_size=64) | negative)
    seen: list[httpx.Request] = []
    with wire.recording_client(seen, answered(status, content), KEY) as client:
        outcome: Any
        try:
            outcome = call(path, client).parsed
        except generated_errors.MalformedResponse as error:
            outcome = error
    if isinstance(outcome, generated_errors.MalformedResponse):
        assert (outcome.status_code, outcome.content) == (status, content)
        assert outcome.__cause__ is not None
    else:  # the models trust what they parse: a body can break the schema and still fit the model's shape
        assert isinstance(outcome, model)


def _serializable(body: Any) -> bool:
    try:
        json.dumps(body)
    except (TypeError, ValueError):  # schemathesis's negative bodies may hold bytes
        return False
    return True


def _encoded(body: Any) -> bytes:
    return json.dumps(body).encode()


@pytest.mark.parametrize(
    ("status", "content", "strict", "outcome"),
    [
        (520, b"<html>origin error</html>", False, None),
        (520, b"", True, generated_errors.UnexpectedStatus),
        (499, b"", True, generated_errors.UnexpectedStatus),
        (200, b"", False, generated_errors.MalformedResponse),
        (200, b'{"code": 200, "msg": "success", "data": null}', False, generated_errors.MalformedResponse),
        (500, b"<html><body>Internal error</body></html>", True, generated_errors.MalformedResponse),
        (401, b"", False, generated_errors.MalformedResponse),
    ],
    ids=["520", "520-strict", "499-strict", "empty-200", "data-null-200", "html-500", "empty-401"],
)
def test_the_generated_client_meets_what_real_networks_answer(
    status: int, content: bytes, strict: bool, outcome: type[Exception] | None
) -> None:
    seen: list[httpx.Request] = []
    with wire.recording_client(seen, answered(status, content), KEY) as client:
        client.raise_on_unexpected_status = strict
        if outcome is None:
            detailed = call("/embeddings/image", client)
            assert (detailed.status_code, detailed.parsed) == (status, None)
        else:
            with pytest.raises(outcome) as raised:
                call("/embeddings/image", client)
            assert getattr(raised.value, "status_code", None) == status


@pytest.mark.parametrize("raise_status_errors", [True, False])
@GENERATION
@given(
    status=st.integers(201, 599) | st.sampled_from(sorted(DOCUMENTED - {200})),
    content=st.binary(max_size=64) | st.just(b"<html><body>Bad gateway</body></html>"),
)
def test_the_production_client_meets_any_status_and_body_with_a_typed_error(
    raise_status_errors: bool, status: int, content: bytes
) -> None:
    assume(raise_status_errors or status not in DOCUMENTED or not _is_json(content))
    answer = httpx.MockTransport(lambda request: httpx.Response(status, content=content))
    transport = MemoriesTransport(
        retry=RetryPolicy(max_retries=0), raise_status_errors=raise_status_errors, sync_transport=answer
    )
    client = AuthenticatedClient(base_url=wire.BASE_URL, token=KEY, httpx_args={"transport": transport})
    with client, pytest.raises(MemoriesError):
        call("/embeddings/image", client)


def _is_json(content: bytes) -> bool:
    try:
        json.loads(content)
    except ValueError:
        return False
    return True
