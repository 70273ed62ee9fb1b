"""memories_sdk's two async backends side by side: httpx's pool and aiohttp's, at 1, 8, 32 and 64 requests in flight.

Each batch keeps `in_flight` identical asset_id requests going for a set time through a fresh
`create_client(async_backend=...)` in an event loop of its own, after a warm-up; the backends alternate from round to
round, and each figure is the median. Batches last a set time, not a set number of requests: the httpx backend at 64
in flight is several times slower than the aiohttp backend, and `make bench` has a time budget.
"""

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bench.clients import refused
from bench.servers import Target
from memories_client.api.embeddings import embed_image
from memories_client.models import ImageEmbeddingAssetRequest, ImageEmbeddingResponse
from memories_sdk import create_client
from memories_sdk.transport import ASYNC_BACKENDS, AsyncBackend
from mock_server import DOCUMENTED_TEST_KEY

IN_FLIGHT = (1, 8, 32, 64)


@dataclass(frozen=True)
class BackendRates:
    """Requests per second of each async backend with `in_flight` requests at a time."""

    in_flight: int
    httpx: float
    aiohttp: float


async def for_seconds(call: Callable[[], Awaitable[object]], seconds: float, in_flight: int) -> float:
    """Calls per second, `in_flight` at a time, started for `seconds` (each one started is waited for and counted)."""
    deadline = time.perf_counter() + seconds
    done = 0

    async def worker() -> None:
        nonlocal done
        while time.perf_counter() < deadline:
            await call()
            done += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(in_flight)))
    return done / (time.perf_counter() - started)


async def _batch(target: Target, backend: AsyncBackend, seconds: float, in_flight: int, warm_up: float) -> float:
    body = ImageEmbeddingAssetRequest.from_dict(target.json_body)
    async with create_client(DOCUMENTED_TEST_KEY, base_url=target.base_url, async_backend=backend) as client:

        async def call() -> None:
            if not isinstance(await embed_image.asyncio(client=client, body=body), ImageEmbeddingResponse):
                raise refused()

        await for_seconds(call, warm_up, in_flight)
        return await for_seconds(call, seconds, in_flight)


def rates(target: Target, seconds: float, rounds: int, warm_up: float) -> list[BackendRates]:
    """Each backend at each number of requests in flight, each batch `seconds` long after `warm_up` seconds."""
    rows = []
    for in_flight in IN_FLIGHT:
        measured: dict[AsyncBackend, list[float]] = {backend: [] for backend in ASYNC_BACKENDS}
        for round_number in range(rounds):
            for backend in reversed(ASYNC_BACKENDS) if round_number % 2 else ASYNC_BACKENDS:
                measured[backend].append(asyncio.run(_batch(target, backend, seconds, in_flight, warm_up)))
        row = BackendRates(in_flight, statistics.median(measured["httpx"]), statistics.median(measured["aiohttp"]))
        print(f"  {in_flight:>2} in flight: httpx {row.httpx:,.0f} req/s, aiohttp {row.aiohttp:,.0f} req/s")
        rows.append(row)
    return rows
