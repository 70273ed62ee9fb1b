"""A soak: 64 connections kept busy for 60 s against the mock through memories_sdk (aiohttp backend): errors, and the
resident memory of the client and of the mock at the start (after a warm-up) and at the end.

`python -m bench.soak BASE_URL ASSET_ID MOCK_PID SECONDS CONNECTIONS` runs it in a fresh process and prints its
figures as JSON; each connection alternates embedding by asset id and by file (a small photo, decoded once).
"""

import asyncio
import io
import json
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

from bench.load import photo_jpeg
from memories_client.api.embeddings import embed_image
from memories_client.models import ImageEmbeddingAssetRequest, ImageEmbeddingFileRequest, ImageEmbeddingResponse
from memories_client.types import File
from memories_sdk import create_client
from mock_server import DOCUMENTED_TEST_KEY

WARM_UP_SECONDS = 5.0


@dataclass(frozen=True)
class Soak:
    """What `connections` busy connections did in `seconds`."""

    backend: str
    connections: int
    seconds: float
    requests: int
    errors: dict[str, int] = field(default_factory=dict)
    client_rss_start_kib: int = 0
    client_rss_end_kib: int = 0
    mock_rss_start_kib: int = 0
    mock_rss_end_kib: int = 0


def rss_kib(pid: int | str = "self") -> int:
    """The resident set of a process, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


async def soak(
    base_url: str, asset_id: str, mock_pid: int, seconds: float, connections: int, warm_up: float = WARM_UP_SECONDS
) -> Soak:
    """Keep `connections` requests in flight for `seconds`; the resident sets are sampled after `warm_up` s."""
    photo = photo_jpeg()
    by_asset = ImageEmbeddingAssetRequest(asset_id=asset_id, model="multimodalembedding@001")
    outcomes: Counter[str] = Counter()
    rss: dict[str, int] = {}
    started = time.monotonic()
    deadline = started + seconds
    client = create_client(
        DOCUMENTED_TEST_KEY,
        base_url=base_url,
        async_backend="aiohttp",
        limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
    )

    async def worker(index: int) -> None:
        turn = index
        while time.monotonic() < deadline:
            turn += 1
            if turn % 2:
                body: ImageEmbeddingAssetRequest | ImageEmbeddingFileRequest = by_asset
            else:
                file = File(payload=io.BytesIO(photo), file_name="photo.jpg", mime_type="image/jpeg")
                body = ImageEmbeddingFileRequest(file=file, model="multimodalembedding@001")
            try:
                result = await embed_image.asyncio(client=client, body=body)
            except Exception as error:  # every kind counts: this is what the soak looks for
                outcomes[type(error).__name__] += 1
            else:
                outcomes["ok" if isinstance(result, ImageEmbeddingResponse) else "unexpected answer"] += 1

    async def sample_at_start() -> None:
        await asyncio.sleep(warm_up)
        rss.update(client=rss_kib(), mock=rss_kib(mock_pid))

    async with client:
        await asyncio.gather(sample_at_start(), *(worker(index) for index in range(connections)))
    ok = outcomes.pop("ok", 0)
    return Soak(
        "aiohttp",
        connections,
        time.monotonic() - started,
        ok + sum(outcomes.values()),
        dict(outcomes),
        rss["client"],
        rss_kib(),
        rss["mock"],
        rss_kib(mock_pid),
    )


def main() -> int:
    base_url, asset_id, mock_pid, seconds, connections = sys.argv[1:6]
    result = asyncio.run(soak(base_url, asset_id, int(mock_pid), float(seconds), int(connections)))
    print(json.dumps(asdict(result)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
