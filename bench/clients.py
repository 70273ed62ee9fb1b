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
from memories_sdk import RetryPolicy, create_client
from mock_server import DOCUMENTED_TEST_KEY

HEADERS = {"Authorization": DOCUMENTED_TEST_KEY}
# Requests sent before each timed batch, over the batch's own fresh client: connections and caches warm.
# Each batch opens its own client because pools kept open side by side skewed the async comparison by up to 20%
# in favour of whichever client was opened first, while fresh clients measured the same way agree within noise.
WARM_UP = 200


@dataclass(frozen=True)
class Throughput:
    """Requests per second of each way of calling, in one setting (median of the rounds)."""

    setting: str
    raw_httpx: float
    generated: float
    sdk: float


def _base_url(target: Target) -> str:
    return target.json_url.removesuffix("/embeddings/image")


def _json(target: Target) -> dict[str, str]:
    return {"asset_id": target.asset_id, "model": "multimodalembedding@001"}


def _body(target: Target) -> ImageEmbeddingAssetRequest:
    return ImageEmbeddingAssetRequest(asset_id=target.asset_id, model="multimodalembedding@001")


def _sequentially(call: Callable[[], object], requests: int) -> float:
    for _ in range(WARM_UP):
        call()
    started = time.perf_counter()
    for _ in range(requests):
        call()
    return requests / (time.perf_counter() - started)


def _sync_batch(target: Target, name: str, requests: int) -> float:
    if name == "raw":
        with httpx.Client(headers=HEADERS) as raw:
            return _sequentially(
                lambda: raw.post(target.json_url, json=_json(target)).json()["data"]["embedding"], requests
            )
    body = _body(target)
    with (
        AuthenticatedClient(base_url=_base_url(target), token=DOCUMENTED_TEST_KEY)
        if name == "generated"
        else create_client(DOCUMENTED_TEST_KEY, base_url=_base_url(target))
    ) as client:

        def call() -> None:
            if not isinstance(embed_image.sync(client=client, body=body), ImageEmbeddingResponse):
                raise RuntimeError("the mock refused the benchmark request")

        return _sequentially(call, requests)


def _interleaved(measure: Callable[[str], float], rounds: int) -> tuple[float, float, float]:
    """The three ways measured round by round in alternating order, so that bursts of noise hit all alike.

    The first round warms the server's caches and is dropped; each figure is the median of the rest.
    """
    names = ("raw", "generated", "sdk")
    rates: dict[str, list[float]] = {name: [] for name in names}
    for round_number in range(rounds + 1):
        for name in names if round_number % 2 else reversed(names):
            rates[name].append(measure(name))
    raw, generated, sdk = (statistics.median(rates[name][1:]) for name in names)
    return raw, generated, sdk


def sync_rates(target: Target, requests: int, rounds: int) -> Throughput:
    """Sequential requests from one thread."""
    return Throughput("sync, sequential", *_interleaved(lambda name: _sync_batch(target, name, requests), rounds))


async def _concurrently(call: Callable[[], Awaitable[object]], requests: int, concurrency: int) -> float:
    slots = asyncio.Semaphore(concurrency)

    async def one() -> None:
        async with slots:
            await call()

    await asyncio.gather(*(one() for _ in range(WARM_UP)))
    started = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(requests)))
    return requests / (time.perf_counter() - started)


async def _async_batch(target: Target, name: str, requests: int, concurrency: int) -> float:
    if name == "raw":
        async with httpx.AsyncClient(headers=HEADERS) as raw:

            async def call_raw() -> None:
                (await raw.post(target.json_url, json=_json(target))).json()["data"]["embedding"]

            return await _concurrently(call_raw, requests, concurrency)
    body = _body(target)
    async with (
        AuthenticatedClient(base_url=_base_url(target), token=DOCUMENTED_TEST_KEY)
        if name == "generated"
        else create_client(DOCUMENTED_TEST_KEY, base_url=_base_url(target))
    ) as client:

        async def call() -> None:
            if not isinstance(await embed_image.asyncio(client=client, body=body), ImageEmbeddingResponse):
                raise RuntimeError("the mock refused the benchmark request")

        return await _concurrently(call, requests, concurrency)


def async_rates(target: Target, requests: int, concurrency: int, rounds: int) -> Throughput:
    """`concurrency` requests in flight at a time, each batch in its own event loop."""
    rates = _interleaved(
        lambda name: asyncio.run(_async_batch(target, name, requests, concurrency)),
        rounds,
    )
    return Throughput(f"async, {concurrency} concurrent", *rates)


def distinct_images(count: int) -> list[bytes]:
    """`count` different small JPEG pictures, the same on every run."""
    generator = np.random.default_rng(1000)
    images = []
    for _ in range(count):
        pixels = generator.integers(0, 256, (12, 16, 3), dtype=np.uint8)
        picture = Image.fromarray(pixels).resize((160, 120), Image.Resampling.BILINEAR)
        buffer = io.BytesIO()
        picture.save(buffer, "JPEG", quality=85)
        images.append(buffer.getvalue())
    return images


@dataclass(frozen=True)
class Bulk:
    """Bulk embedding through the production client."""

    images: int
    concurrency: int
    seconds: float

    @property
    def images_per_second(self) -> float:
        return self.images / self.seconds


def bulk_embedding(target: Target, images: list[bytes], concurrency: int) -> Bulk:
    """Embed every image by the file method with the async SDK client, `concurrency` at a time."""

    async def run() -> float:
        slots = asyncio.Semaphore(concurrency)
        async with create_client(DOCUMENTED_TEST_KEY, base_url=_base_url(target), retry=RetryPolicy()) as client:

            async def embed(image: bytes) -> None:
                async with slots:
                    file = File(payload=io.BytesIO(image), file_name="image.jpg", mime_type="image/jpeg")
                    body = ImageEmbeddingFileRequest(file=file, model="multimodalembedding@001")
                    result = await embed_image.asyncio(client=client, body=body)
                    if not isinstance(result, ImageEmbeddingResponse):
                        raise RuntimeError("the mock refused an image")

            started = time.perf_counter()
            await asyncio.gather(*(embed(image) for image in images))
            return time.perf_counter() - started

    return Bulk(len(images), concurrency, asyncio.run(run()))
