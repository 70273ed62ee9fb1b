"""Bulk embedding: 1,000 different images through memories_sdk's async client, 32 in flight, on each backend, with
the mock answering at once and after 200 ms.

`embed_many` is the bulk path measured: the recipe of docs/sdk.md (one client, a semaphore bounding the requests in
flight). It is the one place to change to measure another path, such as the SDK's own bulk call.
"""

import asyncio
import io
import math
import time
from dataclasses import dataclass

import numpy as np
from PIL import Image

from bench.clients import refused
from bench.servers import Target
from memories_client import AuthenticatedClient
from memories_client.api.embeddings import embed_image
from memories_client.models import (
    EmbeddingModel,
    ImageEmbeddingAssetRequest,
    ImageEmbeddingFileRequest,
    ImageEmbeddingResponse,
)
from memories_client.types import File
from memories_sdk import create_client
from memories_sdk.transport import AsyncBackend
from mock_server import DOCUMENTED_TEST_KEY

IMAGES = 1000
SIZE = (160, 120)
IN_FLIGHT = 32
MODEL: EmbeddingModel = "multimodalembedding@001"


def distinct_images(count: int) -> list[bytes]:
    """`count` different small JPEG pictures of SIZE, the same on every run."""
    generator = np.random.default_rng(1000)
    images = []
    for _ in range(count):
        pixels = generator.integers(0, 256, (12, 16, 3), dtype=np.uint8)
        picture = Image.fromarray(pixels).resize(SIZE, Image.Resampling.BILINEAR)
        buffer = io.BytesIO()
        picture.save(buffer, "JPEG", quality=85)
        images.append(buffer.getvalue())
    return images


Body = ImageEmbeddingFileRequest | ImageEmbeddingAssetRequest


async def _bounded(client: AuthenticatedClient, bodies: list[Body], in_flight: int) -> list[list[float]]:
    slots = asyncio.Semaphore(in_flight)

    async def embed(body: Body) -> list[float]:
        async with slots:
            result = await embed_image.asyncio(client=client, body=body)
        if not isinstance(result, ImageEmbeddingResponse):
            raise refused()
        return result.data.embedding

    return await asyncio.gather(*(embed(body) for body in bodies))


async def embed_many(client: AuthenticatedClient, images: list[bytes], in_flight: int) -> list[list[float]]:
    """Each image's vector, by the file method, `in_flight` requests at a time: the bulk path measured."""
    bodies: list[Body] = []
    for image in images:
        file = File(payload=io.BytesIO(image), file_name="image.jpg", mime_type="image/jpeg")
        bodies.append(ImageEmbeddingFileRequest(file=file, model=MODEL))
    return await _bounded(client, bodies, in_flight)


@dataclass(frozen=True)
class Bulk:
    """One bulk run, and what it could have been: `ideal_per_second` (in flight / mean latency), or the baseline of
    re-sending one already embedded asset id as many times through the same client (no upload, no decoding)."""

    backend: str
    latency: str
    images: int
    in_flight: int
    seconds: float
    ideal_per_second: float | None
    resend_seconds: float | None


async def _timed_bulk(target: Target, backend: AsyncBackend, images: list[bytes], resend: bool) -> tuple[float, float]:
    async with create_client(DOCUMENTED_TEST_KEY, base_url=target.base_url, async_backend=backend) as client:
        started = time.perf_counter()
        vectors = await embed_many(client, images, IN_FLIGHT)
        seconds = time.perf_counter() - started
        if len({tuple(vector) for vector in vectors}) != len(images):
            raise RuntimeError("different images came back with the same vector")
        resend_seconds = math.nan
        if resend:
            body = ImageEmbeddingAssetRequest.from_dict(target.json_body)
            started = time.perf_counter()
            await _bounded(client, [body] * len(images), IN_FLIGHT)
            resend_seconds = time.perf_counter() - started
    return seconds, resend_seconds


def bulk_embedding(
    target: Target, backend: AsyncBackend, images: list[bytes], latency: str, mean_latency: float
) -> Bulk:
    """Embed every image on a fresh mock (`target`, answering after `mean_latency` s on average; 0: at once)."""
    seconds, resend_seconds = asyncio.run(_timed_bulk(target, backend, images, resend=mean_latency == 0))
    ideal = IN_FLIGHT / mean_latency if mean_latency else None
    return Bulk(backend, latency, len(images), IN_FLIGHT, seconds, ideal, None if ideal else resend_seconds)
