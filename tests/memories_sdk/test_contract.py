"""What real networks return: odd statuses, HTML and empty bodies, malformed 200s. Always a typed error."""

import io
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from memories_client.api.assets import upload_asset
from memories_client.api.embeddings import embed_image
from memories_client.models import ErrorEnvelope, ImageEmbeddingAssetRequest, ImageEmbeddingResponse, UploadRequest
from memories_client.types import File
from memories_sdk import (
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    MalformedResponseError,
    MemoriesError,
    RetryPolicy,
    UnexpectedStatusError,
    create_client,
)
from memories_sdk.contract import CheckedResponse
from tests.memories_sdk.conftest import Scripted, ScriptedServer

ASSET_BODY = ImageEmbeddingAssetRequest(asset_id="re_1", model="mobileclip")
HTML = b"<html><body><h1>502 Bad Gateway</h1></body></html>"


def envelope(**fields: object) -> bytes:
    return json.dumps({"code": 200, "msg": "success", "success": True, "failed": False, **fields}).encode()


MALFORMED_EMBEDDINGS = {
    "html": HTML,
    "empty": b"",
    "not-an-object": b"[1, 2, 3]",
    "no-data": envelope(),
    "null-data": envelope(data=None),
    "data-not-object": envelope(data=[0.1]),
    "no-embedding": envelope(data={}),
    "empty-embedding": envelope(data={"embedding": []}),
    "strings-in-embedding": envelope(data={"embedding": ["0.1", "0.2"]}),
    "booleans-in-embedding": envelope(data={"embedding": [True, False]}),
    "nan-in-embedding": b'{"code": 200, "msg": "success", "data": {"embedding": [0.1, NaN]}}',
    "embedding-not-array": envelope(data={"embedding": "0.1,0.2"}),
    "float-code": envelope(code=200.0, data={"embedding": [0.1]}),
    "boolean-code": envelope(code=True, data={"embedding": [0.1]}),
    "no-msg": json.dumps({"code": 200, "data": {"embedding": [0.1]}}).encode(),
    "success-not-boolean": envelope(success="yes", data={"embedding": [0.1]}),
    "success-false": envelope(success=False, data={"embedding": [0.1]}),
    "deeply-nested": b"[" * 100_000,
    "integer-beyond-a-double": b'{"code": 200, "msg": "success", "data": {"embedding": [1' + b"0" * 400 + b"]}}",
}


@pytest.mark.parametrize("body", MALFORMED_EMBEDDINGS.values(), ids=MALFORMED_EMBEDDINGS.keys())
@pytest.mark.parametrize("raise_status_errors", [True, False])
def test_a_malformed_200_is_a_typed_error(
    scripted: ScriptedServer, retry: RetryPolicy, body: bytes, raise_status_errors: bool
) -> None:
    scripted.script = [Scripted(200, body, {"Content-Type": "application/json"})]
    client = create_client("k", base_url=scripted.base_url, retry=retry, raise_status_errors=raise_status_errors)
    with client, pytest.raises(MalformedResponseError) as raised:
        embed_image.sync(client=client, body=ASSET_BODY)
    assert raised.value.status_code == 200
    assert raised.value.body == body
    assert "/embeddings/image" in str(raised.value)


@pytest.mark.parametrize(
    "body",
    [
        envelope(data={"asset_id": 42}),
        envelope(data={"asset_id": "asset-42"}),
        envelope(data={"id": "re_42"}),
    ],
    ids=["number", "other-form", "missing"],
)
def test_a_malformed_upload_answer_is_a_typed_error(scripted: ScriptedServer, retry: RetryPolicy, body: bytes) -> None:
    scripted.script = [Scripted(200, body)]
    with create_client("k", base_url=scripted.base_url, retry=retry) as client:
        with pytest.raises(MalformedResponseError, match="asset_id"):
            upload_asset.sync(client=client, body=UploadRequest(file=File(payload=io.BytesIO(b"GIF89a"))))


def test_well_formed_answers_in_both_shapes_pass(scripted: ScriptedServer, retry: RetryPolicy) -> None:
    scripted.script = [
        Scripted(200, json.dumps({"code": "0000", "msg": "success", "data": {"embedding": [1, 0.5]}}).encode()),
        Scripted(200, json.dumps({"code": 200, "msg": "ok", "data": {"embedding": [0.1]}, "extra": 1}).encode()),
    ]
    with create_client("k", base_url=scripted.base_url, retry=retry) as client:
        first = embed_image.sync(client=client, body=ASSET_BODY)
        second = embed_image.sync(client=client, body=ASSET_BODY)
    assert first is not None
    assert second is not None
    assert first.to_dict()["code"] == "0000"
    assert second.additional_properties == {"extra": 1}


@pytest.mark.parametrize(
    ("status", "body", "error_class", "code", "msg"),
    [
        (400, HTML, BadRequestError, None, None),
        (401, b"", AuthenticationError, None, None),
        (
            400,
            b'{"code": "E400", "msg": "Invalid request parameters"}',
            BadRequestError,
            "E400",
            "Invalid request parameters",
        ),
        (499, b"client closed request", UnexpectedStatusError, None, None),
        (404, b'{"code": 404, "msg": "Not found"}', UnexpectedStatusError, 404, "Not found"),
        (204, b"", UnexpectedStatusError, None, None),
        (301, b"", UnexpectedStatusError, None, None),
        (520, HTML, InternalServerError, None, None),
        (502, HTML, InternalServerError, None, None),
    ],
    ids=["400-html", "401-empty", "400-string-code", "499", "404", "204", "301", "520-html", "502-html"],
)
def test_odd_statuses_and_bodies_are_typed_errors(
    scripted: ScriptedServer,
    retry: RetryPolicy,
    status: int,
    body: bytes,
    error_class: type[MemoriesError],
    code: str | int | None,
    msg: str | None,
) -> None:
    scripted.script = [Scripted(status, body)] * 3  # 5xx are retried twice
    with create_client("k", base_url=scripted.base_url, retry=retry) as client:
        with pytest.raises(error_class) as raised:
            embed_image.sync(client=client, body=ASSET_BODY)
    error = raised.value
    assert type(error) is error_class
    assert (getattr(error, "status_code", None), getattr(error, "code", None), getattr(error, "msg", None)) == (
        status,
        code,
        msg,
    )
    assert getattr(error, "body", None) == body


def test_a_documented_status_without_the_envelope_is_malformed_when_returning(
    scripted: ScriptedServer, retry: RetryPolicy
) -> None:
    scripted.script = [Scripted(400, HTML), Scripted(400, b'{"code": 400, "msg": "Asset not found"}')]
    with create_client("k", base_url=scripted.base_url, retry=retry, raise_status_errors=False) as client:
        with pytest.raises(MalformedResponseError, match="error 400 without the error envelope"):
            embed_image.sync(client=client, body=ASSET_BODY)
        result = embed_image.sync(client=client, body=ASSET_BODY)
    assert isinstance(result, ErrorEnvelope)
    assert result.msg == "Asset not found"


def test_requests_outside_the_api_pass_through_unchecked(scripted: ScriptedServer, retry: RetryPolicy) -> None:
    scripted.script = [Scripted(200, b"openapi: 3.1.0")]
    with create_client("k", base_url=scripted.base_url, retry=retry) as client:
        response = client.get_httpx_client().get("/openapi.yaml")
    assert response.content == b"openapi: 3.1.0"


# Each answer's body is parsed once, by the check, and handed to the generated code


@pytest.mark.parametrize(
    ("answer", "raise_status_errors", "parsed_class"),
    [
        (Scripted(200, envelope(data={"embedding": [0.6, 0.8]})), True, ImageEmbeddingResponse),
        (Scripted(400, b'{"code": 400, "msg": "Asset not found"}'), False, ErrorEnvelope),
    ],
    ids=["success", "returned-error"],
)
def test_each_body_is_parsed_once(
    scripted: ScriptedServer,
    retry: RetryPolicy,
    monkeypatch: pytest.MonkeyPatch,
    answer: Scripted,
    raise_status_errors: bool,
    parsed_class: type[Any],
) -> None:
    parsed: list[str | bytes | bytearray] = []
    loads: Callable[..., Any] = json.loads

    def counting_loads(text: str | bytes | bytearray, **kwargs: Any) -> Any:
        parsed.append(text)
        return loads(text, **kwargs)

    scripted.script = [answer]
    with create_client("k", base_url=scripted.base_url, retry=retry, raise_status_errors=raise_status_errors) as client:
        monkeypatch.setattr(json, "loads", counting_loads)  # httpx's `json()` calls it too
        result = embed_image.sync(client=client, body=ASSET_BODY)
    assert isinstance(result, parsed_class)
    assert parsed == [answer.body]


def test_only_the_first_json_call_gets_the_checked_body() -> None:
    request = httpx.Request("POST", "http://127.0.0.1/serve/api/v2/embeddings/image")
    response = CheckedResponse.unread(httpx.Response(200, content=b'{"data": [1]}'), request)
    response.read()
    body = {"data": [1]}
    response.hold(body)
    assert response.json(parse_int=float) == {"data": [1.0]}  # arguments ask for a parse of their own
    assert response.json() is body
    again = response.json()
    assert again == body
    assert again is not body
    assert again["data"] is not body["data"]
