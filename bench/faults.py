"""1,000 requests under 10% mixed faults (5xx, resets, bodies cut off, bodies dripped) through memories_sdk: how
many succeed, how many raise a typed error, and that none is lost silently (a wrong vector, or an error that is no
`MemoriesError`), with the default retries and with `max_retries=4`, on each async backend."""

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field

from bench.servers import Target
from memories_client.api.embeddings import embed_image
from memories_client.models import ImageEmbeddingAssetRequest, ImageEmbeddingResponse
from memories_sdk import MemoriesError, RetryPolicy, create_client
from memories_sdk.transport import AsyncBackend
from mock_server import DOCUMENTED_TEST_KEY

REQUESTS = 1000
IN_FLIGHT = 32
# 10% in all: 4% 500/503, 2% resets, 2% bodies cut off, 2% bodies dripped over a second.
MOCK_OPTIONS = ("--fault-rate", "0.04", "--reset-rate", "0.02", "--cut-off-rate", "0.02", "--drip-rate", "0.02")
SEED = 13


@dataclass(frozen=True)
class FaultRun:
    """What became of each of `requests` requests."""

    backend: str
    max_retries: int
    requests: int
    succeeded: int
    typed_errors: dict[str, int] = field(default_factory=dict)
    """MemoriesErrors raised, by class."""
    untyped_errors: dict[str, int] = field(default_factory=dict)
    """Other exceptions, which a caller's `except MemoriesError` would let through, by class."""
    wrong: int = 0
    """Answers taken for successes that hold the wrong vector: requests lost silently."""
    seconds: float = 0.0

    @property
    def accounted(self) -> int:
        """Requests that ended in a success, an error, or a wrong answer: all of them, unless one hung."""
        return self.succeeded + sum(self.typed_errors.values()) + sum(self.untyped_errors.values()) + self.wrong


async def _run(
    target: Target, backend: AsyncBackend, max_retries: int, expected: list[float], requests: int
) -> FaultRun:
    body = ImageEmbeddingAssetRequest.from_dict(target.json_body)
    slots = asyncio.Semaphore(IN_FLIGHT)
    client = create_client(
        DOCUMENTED_TEST_KEY, base_url=target.base_url, retry=RetryPolicy(max_retries=max_retries), async_backend=backend
    )

    async def one() -> tuple[str, str]:
        async with slots:
            try:
                result = await embed_image.asyncio(client=client, body=body)
            except MemoriesError as error:
                return "typed", type(error).__name__
            except Exception as error:  # what a caller's `except MemoriesError` would let through
                return "untyped", type(error).__name__
        fits = isinstance(result, ImageEmbeddingResponse) and result.data.embedding == expected
        return ("succeeded", "") if fits else ("wrong", "")

    async with client:
        started = time.perf_counter()
        outcomes = await asyncio.gather(*(one() for _ in range(requests)))
        seconds = time.perf_counter() - started
    kinds = Counter(kind for kind, _ in outcomes)
    typed = Counter(name for kind, name in outcomes if kind == "typed")
    untyped = Counter(name for kind, name in outcomes if kind == "untyped")
    return FaultRun(
        backend, max_retries, requests, kinds["succeeded"], dict(typed), dict(untyped), kinds["wrong"], seconds
    )


def under_faults(
    target: Target, backend: AsyncBackend, max_retries: int, expected: list[float], requests: int = REQUESTS
) -> FaultRun:
    """`requests` asset_id requests to a mock started with MOCK_OPTIONS, whose healthy answer is `expected`."""
    run = asyncio.run(_run(target, backend, max_retries, expected, requests))
    errors = ", ".join(f"{count} {name}" for name, count in {**run.typed_errors, **run.untyped_errors}.items())
    outcome = f"{run.succeeded:,} succeeded, {errors or 'no error'}, {run.wrong} wrong"
    print(f"  {backend:<7} max_retries={max_retries}: {outcome}")
    return run
