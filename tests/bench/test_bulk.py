"""The bulk path measured: every image's own vector, in order, at most so many requests in flight."""

import asyncio
import io

from bench.bulk import bulk_embedding, distinct_images, embed_many
from bench.servers import Target
from memories_client.api.embeddings import embed_image
from memories_client.models import ImageEmbeddingFileRequest, ImageEmbeddingResponse
from memories_client.types import File
from memories_sdk import create_client
from mock_server import DOCUMENTED_TEST_KEY


def test_each_image_gets_its_own_vector_in_order(target: Target) -> None:
    images = distinct_images(12)
    assert len(set(images)) == 12

    async def both() -> tuple[list[list[float]], list[list[float]]]:
        async with create_client(DOCUMENTED_TEST_KEY, base_url=target.base_url, async_backend="aiohttp") as client:
            in_bulk = await embed_many(client, images, 4)
            one_by_one = []
            for image in images:
                body = ImageEmbeddingFileRequest(file=File(payload=io.BytesIO(image)), model="multimodalembedding@001")
                result = await embed_image.asyncio(client=client, body=body)
                assert isinstance(result, ImageEmbeddingResponse)
                one_by_one.append(result.data.embedding)
            return in_bulk, one_by_one

    in_bulk, one_by_one = asyncio.run(both())
    assert in_bulk == one_by_one


def test_a_run_without_latency_is_measured_against_re_sending(target: Target) -> None:
    run = bulk_embedding(target, "httpx", distinct_images(8), "none", 0.0)
    assert (run.images, run.in_flight, run.ideal_per_second) == (8, 32, None)
    assert run.seconds > 0
    assert run.resend_seconds is not None
    assert run.resend_seconds > 0
    with_latency = bulk_embedding(target, "aiohttp", distinct_images(4), "200 ms", 0.2)
    assert with_latency.ideal_per_second == 160
    assert with_latency.resend_seconds is None
