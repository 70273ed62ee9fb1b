"""What the generated client puts on the wire for both input methods, sync and async (httpx.MockTransport)."""

import asyncio
import io
import json

import httpx

from contract_tests import wire
from contract_tests.wire import multipart_fields
from memories_client import AuthenticatedClient
from memories_client.api.assets import upload_asset
from memories_client.api.embeddings import embed_image
from memories_client.models import (
    ErrorEnvelope,
    ImageEmbeddingAssetRequest,
    ImageEmbeddingFileRequest,
    ImageEmbeddingResponse,
    UploadRequest,
    UploadResponse,
)
from memories_client.types import File
from mock_server import DOCUMENTED_TEST_KEY as API_KEY

BASE_URL = wire.BASE_URL
IMAGE = b"\x89PNG\r\n\x1a\n not really a png"


def recording_client(seen: list[httpx.Request], body: dict[str, object], status: int = 200) -> AuthenticatedClient:
    return wire.recording_client(seen, lambda request: httpx.Response(status, json=body), API_KEY)


EMBEDDING_BODY: dict[str, object] = {"code": 200, "msg": "success", "data": {"embedding": [0.6, 0.8]}}


def test_the_raw_key_is_the_default_auth_and_bearer_must_be_asked_for() -> None:
    seen: list[httpx.Request] = []
    with recording_client(seen, EMBEDDING_BODY) as client:
        embed_image.sync(client=client, body=ImageEmbeddingAssetRequest(asset_id="re_1", model="mobileclip"))
    assert seen[0].headers["Authorization"] == API_KEY
    bearer = AuthenticatedClient(base_url=BASE_URL, token=API_KEY, prefix="Bearer")
    assert bearer.get_httpx_client().headers["Authorization"] == f"Bearer {API_KEY}"


def test_multipart_boundary_is_random_so_no_file_content_can_break_it() -> None:
    seen: list[httpx.Request] = []
    tricky = b"\x89PNG\r\n\x1a\n\r\n--+++\r\nContent-Disposition: form-data; name=model\r\n\r\nfake"
    with recording_client(seen, EMBEDDING_BODY) as client:
        for _ in range(2):
            body = ImageEmbeddingFileRequest(
                file=File(payload=io.BytesIO(tricky), file_name="a.png"), model="mobileclip"
            )
            embed_image.sync(client=client, body=body)
    boundaries = [request.headers["content-type"].partition("boundary=")[2] for request in seen]
    assert boundaries[0] != boundaries[1]
    assert "+++" not in boundaries
    fields = multipart_fields(seen[0])
    assert fields["file"].get_payload(decode=True) == tricky
    assert fields["model"].get_payload(decode=True) == b"mobileclip"


def test_file_method_sends_multipart_with_file_and_model() -> None:
    seen: list[httpx.Request] = []
    with recording_client(seen, EMBEDDING_BODY) as client:
        body = ImageEmbeddingFileRequest(
            file=File(payload=io.BytesIO(IMAGE), file_name="a.png", mime_type="image/png"), model="mobileclip"
        )
        result = embed_image.sync(client=client, body=body)
    assert isinstance(result, ImageEmbeddingResponse)
    assert result.data.embedding == [0.6, 0.8]
    (request,) = seen
    assert (request.method, request.url.path) == ("POST", "/serve/api/v2/embeddings/image")
    assert request.headers["Authorization"] == API_KEY
    fields = multipart_fields(request)
    assert fields.keys() == {"file", "model"}
    assert fields["file"].get_content_type() == "image/png"
    assert fields["file"].get_filename() == "a.png"
    assert fields["file"].get_payload(decode=True) == IMAGE
    assert fields["model"].get_payload(decode=True) == b"mobileclip"


def test_asset_method_sends_json() -> None:
    seen: list[httpx.Request] = []
    with recording_client(seen, EMBEDDING_BODY) as client:
        body = ImageEmbeddingAssetRequest(asset_id="re_42", model="multimodalembedding@001")
        result = embed_image.sync(client=client, body=body)
    assert isinstance(result, ImageEmbeddingResponse)
    (request,) = seen
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content) == {"asset_id": "re_42", "model": "multimodalembedding@001"}


def test_async_methods_send_the_same_requests() -> None:
    seen: list[httpx.Request] = []

    async def both_methods() -> list[object]:
        async with recording_client(seen, EMBEDDING_BODY) as client:
            by_file = await embed_image.asyncio(
                client=client,
                body=ImageEmbeddingFileRequest(file=File(payload=io.BytesIO(IMAGE)), model="multimodalembedding@001"),
            )
            by_asset = await embed_image.asyncio(
                client=client, body=ImageEmbeddingAssetRequest(asset_id="re_42", model="mobileclip")
            )
            return [by_file, by_asset]

    results = asyncio.run(both_methods())
    assert all(isinstance(result, ImageEmbeddingResponse) for result in results)
    assert multipart_fields(seen[0])["model"].get_payload(decode=True) == b"multimodalembedding@001"
    assert json.loads(seen[1].content) == {"asset_id": "re_42", "model": "mobileclip"}
    assert all(request.headers["Authorization"] == API_KEY for request in seen)


def test_upload_returns_the_asset_id() -> None:
    seen: list[httpx.Request] = []
    body = {"code": 200, "msg": "success", "data": {"asset_id": "re_660727003963174912"}, "success": True}
    with recording_client(seen, body) as client:
        result = upload_asset.sync(client=client, body=UploadRequest(file=File(payload=io.BytesIO(IMAGE))))
    assert isinstance(result, UploadResponse)
    assert result.data.asset_id == "re_660727003963174912"
    assert multipart_fields(seen[0]).keys() == {"file"}


def test_documented_error_parses_into_the_error_envelope() -> None:
    seen: list[httpx.Request] = []
    with recording_client(seen, {"code": 401, "msg": "Unauthorized", "data": None}, status=401) as client:
        result = embed_image.sync(client=client, body=ImageEmbeddingAssetRequest(asset_id="re_1", model="mobileclip"))
    assert isinstance(result, ErrorEnvelope)
    assert (result.code, result.msg, result.data) == (401, "Unauthorized", None)
