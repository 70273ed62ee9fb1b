"""The soak keeps its connections busy and reads resident memory from /proc."""

import asyncio
import os

from bench.servers import Target
from bench.soak import rss_kib, soak


def test_a_short_soak_counts_its_requests_and_memory(target: Target) -> None:
    result = asyncio.run(soak(target.base_url, target.asset_id, os.getpid(), 1.0, 8, warm_up=0.2))
    assert result.requests > 8
    assert result.errors == {}
    assert 0 < result.client_rss_start_kib <= rss_kib() * 2
    assert result.mock_rss_start_kib > 0  # the mock runs in this process here
