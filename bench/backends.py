"""memories_sdk's two async backends side by side: httpx's pool and aiohttp's, at 1, 8, 32 and 64 requests in flight.

Each batch sends identical asset_id requests through a fresh `create_client(async_backend=...)` in an event loop of
its own, after warm-up requests; the backends alternate from round to round, and each figure is the median.
"""

import asyncio
import statistics
from dataclasses import dataclass

from bench.clients import WARM_UP, concurrently, refused
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


async def _batch(target: Target, backend: AsyncBackend, requests: int, in_flight: int, warm_up: int) -> float:
    body = ImageEmbeddingAssetRequest.from_dict(target.json_body)
    async with create_client(DOCUMENTED_TEST_KEY, base_url=target.base_url, async_backend=backend) as client:

        async def call() -> None:
            if not isinstance(await embed_image.asyncio(client=client, body=body), ImageEmbeddingResponse):
                raise refused()

        return await concurrently(call, requests, in_flight, warm_up)


def rates(target: Target, requests: int, rounds: int, warm_up: int = WARM_UP) -> list[BackendRates]:
    """Each backend at each number of requests in flight, each batch after `warm_up` requests."""
    rows = []
    for in_flight in IN_FLIGHT:
        measured: dict[AsyncBackend, list[float]] = {backend: [] for backend in ASYNC_BACKENDS}
        for round_number in range(rounds):
            for backend in reversed(ASYNC_BACKENDS) if round_number % 2 else ASYNC_BACKENDS:
                measured[backend].append(asyncio.run(_batch(target, backend, requests, in_flight, warm_up)))
        row = BackendRates(in_flight, statistics.median(measured["httpx"]), statistics.median(measured["aiohttp"]))
        print(f"  {in_flight:>2} in flight: httpx {row.httpx:,.0f} req/s, aiohttp {row.aiohttp:,.0f} req/s")
        rows.append(row)
    return rows
