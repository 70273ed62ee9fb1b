"""The documented fixtures: a session's mock on loopback and a configured generated client for it."""

import io

import pytest

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
from memories_contract.images import encode, scene
from mock_server import RunningMock


def test_fixture_client_talks_to_the_mock_over_loopback(
    memories_mock: RunningMock, memories_client: AuthenticatedClient
) -> None:
    assert memories_mock.base_url.startswith("http://127.0.0.1:")
    assert memories_client.get_httpx_client().headers["Authorization"] == memories_mock.api_key
    image = encode(scene(1))
    uploaded = upload_asset.sync(client=memories_client, body=UploadRequest(file=File(payload=io.BytesIO(image))))
    assert isinstance(uploaded, UploadResponse)
    by_asset = embed_image.sync(
        client=memories_client, body=ImageEmbeddingAssetRequest(asset_id=uploaded.data.asset_id, model="mobileclip")
    )
    by_file = embed_image.sync(
        client=memories_client,
        body=ImageEmbeddingFileRequest(file=File(payload=io.BytesIO(image), file_name="a.png"), model="mobileclip"),
    )
    assert isinstance(by_asset, ImageEmbeddingResponse)
    assert isinstance(by_file, ImageEmbeddingResponse)
    assert by_asset.data.embedding == by_file.data.embedding
    assert len(by_asset.data.embedding) == 512


def test_a_wrong_key_reaches_the_client_as_the_error_envelope(memories_mock: RunningMock) -> None:
    with memories_mock.client(api_key="sk-mai-not-a-key") as client:
        result = embed_image.sync(client=client, body=ImageEmbeddingAssetRequest(asset_id="re_1", model="mobileclip"))
    assert isinstance(result, ErrorEnvelope)
    assert (result.code, result.msg) == (401, "Unauthorized")


@pytest.mark.anyio
async def test_fixture_client_works_async(memories_async_client: AuthenticatedClient) -> None:
    result = await embed_image.asyncio(
        client=memories_async_client,
        body=ImageEmbeddingFileRequest(
            file=File(payload=io.BytesIO(encode(scene(2), "JPEG"))), model="multimodalembedding@001"
        ),
    )
    assert isinstance(result, ImageEmbeddingResponse)
    assert len(result.data.embedding) == 1408
