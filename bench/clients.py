"""The client side: the generated client against raw httpx making identical requests, and bulk embedding."""

import asyncio
import io
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx
import numpy as np
from PIL import Image

from bench.servers import Target
from memories_client import AuthenticatedClient
from memories_client.api.embeddings import embed_image
from memories_client.models import ImageEmbeddingAssetRequest, ImageEmbeddingFileRequest, ImageEmbeddingResponse
from memories_client.types import File
from memories_sdk import create_client
from mock_server import DOCUMENTED_TEST_KEY

HEADERS = {"Authorization": DOCUMENTED_TEST_KEY}
# Requests sent before each timed batch, over the batch's own fresh client, so that connections and caches are warm.
# Each batch opens its own client because pools kept open side by side skewed the async comparison by up to 20%
# in favour of whichever client was opened first, while fresh clients measured the same way agree within noise.
WARM_UP = 200
WAYS = ("raw", "generated", "sdk")
BULK_IMAGES = 1000
BULK_SIZE = (160, 120)


@dataclass(frozen=True)
class Throughput:
    """Requests per second of each way of calling, in one setting (median of the rounds)."""

    setting: str
    raw_httpx: float
    generated: float
    sdk: float


def _library_client(target: Target, way: str) -> AuthenticatedClient:
    """A fresh client of `way` ("generated" or "sdk"), usable with `with` and `async with`."""
    if way == "generated":
        return AuthenticatedClient(base_url=target.base_url, token=DOCUMENTED_TEST_KEY)
    return create_client(DOCUMENTED_TEST_KEY, base_url=target.base_url)


def _refused() -> RuntimeError:
    return RuntimeError("the mock refused the benchmark request")


def interleaved(measure: Callable[[str], float], rounds: int) -> tuple[float, float, float]:
    """Raw httpx, the generated client and memories_sdk, medians of `rounds` rounds of `measure(way)`.

    The order alternates from round to round: two cores are shared with the server, and noise comes in bursts.
    """
    rates: dict[str, list[float]] = {way: [] for way in WAYS}
    for round_number in range(rounds):
        for way in reversed(WAYS) if round_number % 2 else WAYS:
            rates[way].append(measure(way))
    raw, generated, sdk = (statistics.median(rates[way]) for way in WAYS)
    return raw, generated, sdk


def _sequentially(call: Callable[[], object], requests: int) -> float:
    for _ in range(WARM_UP):
        call()
    started = time.perf_counter()
    for _ in range(requests):
        call()
    return requests / (time.perf_counter() - started)


def _sync_batch(target: Target, way: str, requests: int) -> float:
    body = target.json_body
    if way == "raw":
        with httpx.Client(headers=HEADERS) as raw:
            return _sequentially(lambda: raw.post(target.json_url, json=body).json()["data"]["embedding"], requests)
    model_body = ImageEmbeddingAssetRequest.from_dict(body)
    with _library_client(target, way) as client:

        def call() -> None:
            if not isinstance(embed_image.sync(client=client, body=model_body), ImageEmbeddingResponse):
                raise _refused()

        return _sequentially(call, requests)


def sync_rates(target: Target, requests: int, rounds: int) -> Throughput:
    """Sequential requests from one thread."""
    return Throughput("sync, sequential", *interleaved(lambda way: _sync_batch(target, way, requests), rounds))


async def _concurrently(call: Callable[[], Awaitable[object]], requests: int, concurrency: int) -> float:
    slots = asyncio.Semaphore(concurrency)

    async def one() -> None:
        async with slots:
            await call()

    await asyncio.gather(*(one() for _ in range(WARM_UP)))
    started = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(requests)))
    return requests / (time.perf_counter() - started)


async def _async_batch(target: Target, way: str, requests: int, concurrency: int) -> float:
    body = target.json_body
    if way == "raw":
        async with httpx.AsyncClient(headers=HEADERS) as raw:

            async def call_raw() -> None:
                (await raw.post(target.json_url, json=body)).json()["data"]["embedding"]

            return await _concurrently(call_raw, requests, concurrency)
    model_body = ImageEmbeddingAssetRequest.from_dict(body)
    async with _library_client(target, way) as client:

        async def call() -> None:
            if not isinstance(await embed_image.asyncio(client=client, body=model_body), ImageEmbeddingResponse):
                raise _refused()

        return await _concurrently(call, requests, concurrency)


def async_rates(target: Target, requests: int, concurrency: int, rounds: int) -> Throughput:
    """`concurrency` requests in flight at a time, each batch in its own event loop."""
    rates = interleaved(lambda way: asyncio.run(_async_batch(target, way, requests, concurrency)), rounds)
    return Throughput(f"async, {concurrency} concurrent", *rates)


def distinct_images(count: int) -> list[bytes]:
    """`count` different small JPEG pictures of BULK_SIZE, the same on every run."""
    generator = np.random.default_rng(1000)
    images = []
    for _ in range(count):
        pixels = generator.integers(0, 256, (12, 16, 3), dtype=np.uint8)
        picture = Image.fromarray(pixels).resize(BULK_SIZE, Image.Resampling.BILINEAR)
        buffer = io.BytesIO()
        picture.save(buffer, "JPEG", quality=85)
        images.append(buffer.getvalue())
    return images


@dataclass(frozen=True)
class Bulk:
    """Bulk embedding through the production client, and its baseline: as many asset_id re-sends, no decoding."""

    images: int
    concurrency: int
    seconds: float
    resend_seconds: float


def bulk_embedding(target: Target, images: list[bytes], concurrency: int) -> Bulk:
    """Embed every image by the file method with the async SDK client, `concurrency` at a time.

    The baseline re-sends the target's already-embedded asset id as many times, through the same client.
    """
    asset_body = ImageEmbeddingAssetRequest.from_dict(target.json_body)

    async def timed(requests: list[ImageEmbeddingFileRequest | ImageEmbeddingAssetRequest]) -> float:
        slots = asyncio.Semaphore(concurrency)
        async with create_client(DOCUMENTED_TEST_KEY, base_url=target.base_url) as client:

            async def embed(body: ImageEmbeddingFileRequest | ImageEmbeddingAssetRequest) -> None:
                async with slots:
                    if not isinstance(await embed_image.asyncio(client=client, body=body), ImageEmbeddingResponse):
                        raise _refused()

            started = time.perf_counter()
            await asyncio.gather(*(embed(body) for body in requests))
            return time.perf_counter() - started

    def by_file(image: bytes) -> ImageEmbeddingFileRequest:
        file = File(payload=io.BytesIO(image), file_name="image.jpg", mime_type="image/jpeg")
        return ImageEmbeddingFileRequest(file=file, model="multimodalembedding@001")

    seconds = asyncio.run(timed([by_file(image) for image in images]))
    resend_seconds = asyncio.run(timed([asset_body] * len(images)))
    return Bulk(len(images), concurrency, seconds, resend_seconds)
