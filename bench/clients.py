"""The client side: the generated client against raw httpx making identical requests."""

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

from bench.servers import Target
from memories_client import AuthenticatedClient
from memories_client.api.embeddings import embed_image
from memories_client.models import ImageEmbeddingAssetRequest, ImageEmbeddingResponse
from memories_sdk import create_client
from mock_server import DOCUMENTED_TEST_KEY

HEADERS = {"Authorization": DOCUMENTED_TEST_KEY}
# Requests sent before each timed batch, over the batch's own fresh client, so that connections and caches are warm.
# Each batch opens its own client because pools kept open side by side skewed the async comparison by up to 20%
# in favour of whichever client was opened first, while fresh clients measured the same way agree within noise.
WARM_UP = 200
WAYS = ("raw", "generated", "sdk")


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


def refused() -> RuntimeError:
    """The error of a benchmark request the server did not answer as expected."""
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
                raise refused()

        return _sequentially(call, requests)


def sync_rates(target: Target, requests: int, rounds: int) -> Throughput:
    """Sequential requests from one thread."""
    return Throughput("sync, sequential", *interleaved(lambda way: _sync_batch(target, way, requests), rounds))


async def concurrently(
    call: Callable[[], Awaitable[object]], requests: int, concurrency: int, warm_up: int = WARM_UP
) -> float:
    """Requests per second of `requests` calls, `concurrency` at a time, after `warm_up` calls not timed."""
    slots = asyncio.Semaphore(concurrency)

    async def one() -> None:
        async with slots:
            await call()

    await asyncio.gather(*(one() for _ in range(warm_up)))
    started = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(requests)))
    return requests / (time.perf_counter() - started)


async def _async_batch(target: Target, way: str, requests: int, concurrency: int) -> float:
    body = target.json_body
    if way == "raw":
        async with httpx.AsyncClient(headers=HEADERS) as raw:

            async def call_raw() -> None:
                (await raw.post(target.json_url, json=body)).json()["data"]["embedding"]

            return await concurrently(call_raw, requests, concurrency)
    model_body = ImageEmbeddingAssetRequest.from_dict(body)
    async with _library_client(target, way) as client:

        async def call() -> None:
            if not isinstance(await embed_image.asyncio(client=client, body=model_body), ImageEmbeddingResponse):
                raise refused()

        return await concurrently(call, requests, concurrency)


def async_rates(target: Target, requests: int, concurrency: int, rounds: int) -> Throughput:
    """`concurrency` requests in flight at a time, each batch in its own event loop."""
    rates = interleaved(lambda way: asyncio.run(_async_batch(target, way, requests, concurrency)), rounds)
    return Throughput(f"async, {concurrency} concurrent", *rates)


def embedding(target: Target) -> list[float]:
    """The vector `target` answers to its asset_id request."""
    answer = httpx.post(target.json_url, headers=HEADERS, json=target.json_body)
    answer.raise_for_status()
    vector: list[float] = answer.json()["data"]["embedding"]
    return vector
