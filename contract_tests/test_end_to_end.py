"""The generated client and the mock over real HTTP, sync and async (bare, and through memories_sdk on both of its
async backends): the contract as a user meets it."""

import asyncio
import io
from typing import Any

import pytest

from contract_tests.mock_settings import SECOND_KEY
from memories_client import AuthenticatedClient
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
from memories_client.types import File, Response
from memories_contract.images import encode, scene
from memories_sdk import create_client
from memories_sdk.transport import AsyncBackend
from memories_spec import documented_error_statuses
from mock_server import RunningMock


def file_request(data: bytes, model: EmbeddingModel = "mobileclip") -> ImageEmbeddingFileRequest:
    """The file method's request for `data`, with no file name or media type to lean on."""
    return ImageEmbeddingFileRequest(file=File(payload=io.BytesIO(data), file_name="image"), model=model)


# The provider documents these lengths (Google: 1408 by default; Apple's MobileCLIP: 512).
DIMENSIONS: dict[EmbeddingModel, int] = {"multimodalembedding@001": 1408, "mobileclip": 512}
PNG = encode(scene(1))


def upload(client: AuthenticatedClient, data: bytes = PNG) -> str:
    result = upload_asset.sync(client=client, body=UploadRequest(file=File(payload=io.BytesIO(data), file_name="a")))
    assert isinstance(result, UploadResponse), result
    return result.data.asset_id


@pytest.mark.parametrize(("model", "length"), sorted(DIMENSIONS.items()))
def test_both_methods_give_the_models_vector(
    memories_client: AuthenticatedClient, model: EmbeddingModel, length: int
) -> None:
    asset_id = upload(memories_client)
    by_asset = embed_image.sync(client=memories_client, body=ImageEmbeddingAssetRequest(asset_id=asset_id, model=model))
    by_file = embed_image.sync(client=memories_client, body=file_request(PNG, model))
    assert isinstance(by_asset, ImageEmbeddingResponse)
    assert isinstance(by_file, ImageEmbeddingResponse)
    assert len(by_asset.data.embedding) == length
    assert by_asset.data.embedding == by_file.data.embedding
    assert by_asset.code in (200, "0000")
    assert by_asset.msg == "success"


def test_each_upload_keeps_its_own_image(memories_client: AuthenticatedClient) -> None:
    pictures = [encode(scene(seed)) for seed in (11, 12, 13)]
    asset_ids = [upload(memories_client, picture) for picture in pictures]
    assert len(set(asset_ids)) == len(asset_ids)  # no upload replaces another
    vectors = []
    for asset_id, picture in zip(asset_ids, pictures, strict=True):
        by_asset = embed_image.sync(
            client=memories_client, body=ImageEmbeddingAssetRequest(asset_id=asset_id, model="mobileclip")
        )
        by_file = embed_image.sync(client=memories_client, body=file_request(picture))
        assert isinstance(by_asset, ImageEmbeddingResponse)
        assert isinstance(by_file, ImageEmbeddingResponse)
        assert by_asset.data.embedding == by_file.data.embedding  # the id names that picture
        vectors.append(by_asset.data.embedding)
    assert len({tuple(vector) for vector in vectors}) == len(vectors)  # different pictures, different vectors


# The generated client alone, and memories_sdk's on each of its async backends.
ASYNC_CLIENTS = ["generated", "sdk-httpx", "sdk-aiohttp"]


def async_client(memories_mock: RunningMock, kind: str) -> AuthenticatedClient:
    """The generated client for the mock, bare or made by memories_sdk with the backend `kind` names."""
    if kind == "generated":
        return memories_mock.client()
    backend: AsyncBackend = "aiohttp" if kind == "sdk-aiohttp" else "httpx"
    return create_client(memories_mock.api_key, base_url=memories_mock.base_url, async_backend=backend)


@pytest.mark.parametrize("kind", ASYNC_CLIENTS)
def test_async_upload_then_embed(memories_mock: RunningMock, kind: str) -> None:
    async def flow() -> tuple[UploadResponse | ErrorEnvelope | None, ImageEmbeddingResponse | ErrorEnvelope | None]:
        async with async_client(memories_mock, kind) as client:
            body = UploadRequest(file=File(payload=io.BytesIO(PNG), file_name="a.png"))
            uploaded = await upload_asset.asyncio(client=client, body=body)
            assert isinstance(uploaded, UploadResponse)
            request = ImageEmbeddingAssetRequest(asset_id=uploaded.data.asset_id, model="multimodalembedding@001")
            return uploaded, await embed_image.asyncio(client=client, body=request)

    uploaded, embedded = asyncio.run(flow())
    assert isinstance(uploaded, UploadResponse)
    assert isinstance(embedded, ImageEmbeddingResponse)
    assert len(embedded.data.embedding) == 1408


@pytest.mark.parametrize("kind", ASYNC_CLIENTS)
def test_async_calls_by_both_methods_agree(memories_mock: RunningMock, kind: str) -> None:
    pictures = [encode(scene(seed)) for seed in (21, 22, 23, 24)]

    async def both_methods(picture: bytes, client: AuthenticatedClient) -> tuple[object, object]:
        uploaded = await upload_asset.asyncio(
            client=client, body=UploadRequest(file=File(payload=io.BytesIO(picture), file_name="a.png"))
        )
        assert isinstance(uploaded, UploadResponse), uploaded
        by_asset = await embed_image.asyncio(
            client=client, body=ImageEmbeddingAssetRequest(asset_id=uploaded.data.asset_id, model="mobileclip")
        )
        return by_asset, await embed_image.asyncio(client=client, body=file_request(picture))

    async def concurrently() -> list[tuple[object, object]]:
        async with async_client(memories_mock, kind) as client:
            return await asyncio.gather(*(both_methods(picture, client) for picture in pictures))

    results = asyncio.run(concurrently())
    vectors = set()
    for by_asset, by_file in results:
        assert isinstance(by_asset, ImageEmbeddingResponse)
        assert isinstance(by_file, ImageEmbeddingResponse)
        assert by_asset.data.embedding == by_file.data.embedding
        vectors.add(tuple(by_asset.data.embedding))
    assert len(vectors) == len(pictures)  # each answer went to its own request


@pytest.mark.parametrize("path", ["/embeddings/image", "/upload"])
def test_every_documented_error_reaches_the_client_as_its_model(memories_mock: RunningMock, path: str) -> None:
    for status in documented_error_statuses(path):
        with memories_mock.client().with_headers({"Prefer": f"code={status}"}) as client:
            if path == "/upload":
                result: Response[Any] = upload_asset.sync_detailed(
                    client=client, body=UploadRequest(file=File(payload=io.BytesIO(PNG)))
                )
            else:
                result = embed_image.sync_detailed(client=client, body=file_request(PNG))
        assert result.status_code == status
        assert isinstance(result.parsed, ErrorEnvelope), status
        assert result.parsed.code == status
        assert result.parsed.msg


@pytest.mark.parametrize(
    "api_key",
    [None, "", "sk-mai-not-a-key", f"Bearer {SECOND_KEY}"],
    ids=["missing", "empty", "unknown", "bearer"],
)
def test_only_the_raw_key_authenticates(memories_mock: RunningMock, api_key: str | None) -> None:
    client = AuthenticatedClient(base_url=memories_mock.base_url, token=api_key or "")
    if api_key is None:
        del client.get_httpx_client().headers["Authorization"]
    with client:
        result = embed_image.sync_detailed(client=client, body=file_request(PNG))
    assert result.status_code == 401
    assert isinstance(result.parsed, ErrorEnvelope)
    assert result.parsed.code == 401


def test_an_asset_exists_only_for_the_key_that_uploaded_it(
    memories_mock: RunningMock, memories_client: AuthenticatedClient
) -> None:
    asset_id = upload(memories_client)
    with memories_mock.client(api_key=SECOND_KEY) as other:
        result = embed_image.sync_detailed(
            client=other, body=ImageEmbeddingAssetRequest(asset_id=asset_id, model="mobileclip")
        )
    assert result.status_code == 400
    assert isinstance(result.parsed, ErrorEnvelope)
    assert result.parsed.msg == "Asset not found"
    assert asset_id not in result.content.decode()


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (PNG[: len(PNG) // 2], 400),
        (b"", 400),
        (b"plain text, not an image", 415),
        (encode(scene(2), "ICO"), 415),
    ],
    ids=["truncated-png", "empty", "text", "ico"],
)
@pytest.mark.parametrize("method", ["file", "asset"])
def test_what_is_no_accepted_image_is_refused_with_a_4xx(
    memories_client: AuthenticatedClient, data: bytes, status: int, method: str
) -> None:
    result: Response[Any]
    if method == "file":
        result = embed_image.sync_detailed(client=memories_client, body=file_request(data))
    else:  # the upload itself refuses what no endpoint could embed
        result = upload_asset.sync_detailed(
            client=memories_client, body=UploadRequest(file=File(payload=io.BytesIO(data)))
        )
    assert result.status_code == status
    assert isinstance(result.parsed, ErrorEnvelope)
    assert result.parsed.code == status


def test_an_unknown_model_is_refused(memories_client: AuthenticatedClient) -> None:
    body = file_request(PNG)
    body.model = "resnet-50"  # type: ignore[assignment]  # what a careless caller could send
    result = embed_image.sync_detailed(client=memories_client, body=body)
    assert result.status_code == 400
    assert isinstance(result.parsed, ErrorEnvelope)
