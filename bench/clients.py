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


def sync_rates(target: Target, requests: int, rounds: int) -> Throughput:
    """Sequential requests from one thread; the three ways interleaved round by round, so noise hits all alike."""
    body = ImageEmbeddingAssetRequest(asset_id=target.asset_id, model="multimodalembedding@001")
    rates: dict[str, list[float]] = {"raw": [], "generated": [], "sdk": []}
    with (
        httpx.Client(headers=HEADERS) as raw,
        AuthenticatedClient(base_url=_base_url(target), token=DOCUMENTED_TEST_KEY) as generated,
        create_client(DOCUMENTED_TEST_KEY, base_url=_base_url(target)) as sdk,
    ):

        def call_raw() -> None:
            raw.post(target.json_url, json=_json(target)).json()["data"]["embedding"]

        def call_generated() -> None:
            if not isinstance(embed_image.sync(client=generated, body=body), ImageEmbeddingResponse):
                raise RuntimeError("the mock refused the benchmark request")

        def call_sdk() -> None:
            if not isinstance(embed_image.sync(client=sdk, body=body), ImageEmbeddingResponse):
                raise RuntimeError("the mock refused the benchmark request")

        calls = {"raw": call_raw, "generated": call_generated, "sdk": call_sdk}
        for round_number in range(rounds + 1):  # the first round warms connections and caches, and is dropped
            # The order alternates: two cores are shared with the server, and noise comes in bursts.
            for name, call in calls.items() if round_number % 2 else reversed(calls.items()):
                started = time.perf_counter()
                for _ in range(requests):
                    call()
                rates[name].append(requests / (time.perf_counter() - started))
    return Throughput("sync, sequential", *(statistics.median(rates[name][1:]) for name in ("raw", "generated", "sdk")))


async def _concurrently(call: Callable[[], Awaitable[object]], requests: int, concurrency: int) -> float:
    slots = asyncio.Semaphore(concurrency)

    async def one() -> None:
        async with slots:
            await call()

    started = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(requests)))
    return requests / (time.perf_counter() - started)


def async_rates(target: Target, requests: int, concurrency: int, rounds: int) -> Throughput:
    """`concurrency` requests in flight at a time, from one event loop."""
    body = ImageEmbeddingAssetRequest(asset_id=target.asset_id, model="multimodalembedding@001")

    async def measure() -> dict[str, list[float]]:
        rates: dict[str, list[float]] = {"raw": [], "generated": [], "sdk": []}
        async with (
            httpx.AsyncClient(headers=HEADERS) as raw,
            AuthenticatedClient(base_url=_base_url(target), token=DOCUMENTED_TEST_KEY) as generated,
            create_client(DOCUMENTED_TEST_KEY, base_url=_base_url(target)) as sdk,
        ):

            async def call_raw() -> None:
                (await raw.post(target.json_url, json=_json(target))).json()["data"]["embedding"]

            async def call_generated() -> None:
                if not isinstance(await embed_image.asyncio(client=generated, body=body), ImageEmbeddingResponse):
                    raise RuntimeError("the mock refused the benchmark request")

            async def call_sdk() -> None:
                if not isinstance(await embed_image.asyncio(client=sdk, body=body), ImageEmbeddingResponse):
                    raise RuntimeError("the mock refused the benchmark request")

            calls = {"raw": call_raw, "generated": call_generated, "sdk": call_sdk}
            for round_number in range(rounds + 1):
                for name, call in calls.items() if round_number % 2 else reversed(calls.items()):
                    rates[name].append(await _concurrently(call, requests, concurrency))
        return rates

    rates = asyncio.run(measure())
    setting = f"async, {concurrency} concurrent"
    return Throughput(setting, *(statistics.median(rates[name][1:]) for name in ("raw", "generated", "sdk")))


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
