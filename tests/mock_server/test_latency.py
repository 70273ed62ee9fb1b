"""Latency: delays parsed from the command line's words, drawn from their distribution by a seed, and waited on the
event loop, so that a thousand slow requests wait at once."""

import asyncio
import json
import statistics
import threading
import time

import pytest

from mock_server import API_PREFIX, DOCUMENTED_TEST_KEY, Settings, run_mock
from mock_server.latency import Fixed, Latency, LatencyDrawer, LogNormal, Uniform, duration, parse_delay


@pytest.mark.parametrize(("text", "seconds"), [("200ms", 0.2), ("1.5s", 1.5), ("0ms", 0.0), (" 3s ", 3.0)])
def test_durations_name_their_unit(text: str, seconds: float) -> None:
    assert duration(text) == seconds


@pytest.mark.parametrize("text", ["200", "1.5 s", "-1s", "fast", "1e3ms", ""])
def test_a_duration_without_a_unit_or_a_number_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"write it like 200ms or 1\.5s"):
        duration(text)


@pytest.mark.parametrize(
    ("text", "delay"),
    [
        ("200ms", Fixed(0.2)),
        ("lognormal:200ms:1.5s", LogNormal(0.2, 1.5)),
        ("uniform:100ms:300ms", Uniform(0.1, 0.3)),
    ],
)
def test_delays_read_back_as_written(text: str, delay: object) -> None:
    assert parse_delay(text) == delay
    assert str(delay) == text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("gaussian:1s:2s", "is no delay"),
        ("lognormal:200ms", "is no delay"),
        ("lognormal:1s:200ms", "median < 99th percentile"),
        ("uniform:2s:1s", "low <= high"),
    ],
)
def test_nonsense_delays_are_refused_with_examples(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_delay(text)


def test_an_operation_s_own_delay_wins_over_the_delay_for_all() -> None:
    latency = Latency.parse(["embedImage=lognormal:200ms:1s", "50ms", "embedImage=1s"])
    drawer = LatencyDrawer(latency, seed=0)
    assert drawer.draw("embedImage") == 1.0  # the last one given
    assert drawer.draw("uploadAsset") == 0.05
    assert LatencyDrawer(Latency.parse(["embedImage=1s"]), seed=0).draw("uploadAsset") is None
    assert not Latency().enabled
    assert str(latency) == "50ms embedImage=1s"


def test_lognormal_draws_have_the_median_and_99th_percentile_asked_for() -> None:
    drawer = LatencyDrawer(Latency.parse(["lognormal:200ms:1.5s"]), seed=4)
    draws = sorted(drawer.draw("embedImage") or 0.0 for _ in range(20_000))
    assert statistics.median(draws) == pytest.approx(0.2, rel=0.05)
    assert draws[int(0.99 * len(draws))] == pytest.approx(1.5, rel=0.1)
    assert statistics.mean(draws) == pytest.approx(LogNormal(0.2, 1.5).mean, rel=0.05)
    assert min(draws) > 0


def test_uniform_draws_stay_within_their_bounds_and_fill_them() -> None:
    drawer = LatencyDrawer(Latency.parse(["uniform:100ms:300ms"]), seed=4)
    draws = [drawer.draw("uploadAsset") or 0.0 for _ in range(5_000)]
    assert 0.1 <= min(draws) < 0.11
    assert 0.29 < max(draws) <= 0.3


def test_the_same_seed_draws_the_same_delays() -> None:
    latency = Latency.parse(["lognormal:200ms:1.5s"])
    first, second, other = LatencyDrawer(latency, 9), LatencyDrawer(latency, 9), LatencyDrawer(latency, 10)
    sequence = [first.draw("embedImage") for _ in range(50)]
    assert sequence == [second.draw("embedImage") for _ in range(50)]
    assert sequence != [other.draw("embedImage") for _ in range(50)]


async def _timed_request(port: int, started: list[float], finished: list[float]) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    body = json.dumps({"asset_id": "re_1", "model": "mobileclip"}).encode()
    head = (
        f"POST {API_PREFIX}/embeddings/image HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {DOCUMENTED_TEST_KEY}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    writer.write(head.encode() + body)
    await writer.drain()
    started.append(time.perf_counter())
    answer = await reader.read()
    finished.append(time.perf_counter())
    writer.close()
    await writer.wait_closed()
    return answer


def test_a_thousand_slow_requests_wait_at_once_holding_no_thread() -> None:
    # Far more requests than the thread pool's 40 workers: waits that held threads would come in waves of 40
    # (1000 / 40 * 1 s = 25 s), a wait that held the event loop one after another (17 min).
    requests, seconds = 1000, 1.0
    started: list[float] = []
    finished: list[float] = []
    threads: list[int] = []

    async def all_at_once(port: int) -> list[bytes]:
        answers = asyncio.gather(*(_timed_request(port, started, finished) for _ in range(requests)))
        await asyncio.sleep(seconds / 2)
        threads.append(threading.active_count())  # while every request waits
        return await answers

    with run_mock(Settings(access_log=False, latency=Latency.parse([f"{seconds}s"]))) as mock:
        threads.append(threading.active_count())
        answers = asyncio.run(all_at_once(mock.port))
    assert all(answer.startswith(b"HTTP/1.1 400 ") for answer in answers)  # the unknown asset, after the wait
    assert min(finished) - min(started) >= seconds * 0.9  # each waited
    assert threads[1] <= threads[0] + 1  # no thread per waiting request
    assert max(finished) - min(started) < 10 * seconds  # and all waited at once, not in turns
