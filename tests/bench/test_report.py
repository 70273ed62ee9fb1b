"""BENCHMARKS.md from a run's figures: the targets are judged from them, and the plots are drawn."""

from pathlib import Path
from typing import Any

from bench.report import REQUESTS, goals, write

SERVERS = ("mock", "mock, access log on", "prism", "ceiling")
CONNECTIONS = (1, 16, 64)


def bulk_row(
    backend: str, latency: str, seconds: float, ideal: float | None = None, resend_seconds: float | None = None
) -> dict[str, Any]:
    return {
        "backend": backend,
        "latency": latency,
        "images": 1000,
        "in_flight": 32,
        "seconds": seconds,
        "ideal_per_second": ideal,
        "resend_seconds": resend_seconds,
    }


def fault_run(backend: str, max_retries: int, succeeded: int, typed: dict[str, int] | None = None) -> dict[str, Any]:
    return {
        "backend": backend,
        "max_retries": max_retries,
        "requests": 1000,
        "succeeded": succeeded,
        "typed_errors": typed or {},
        "untyped_errors": {},
        "wrong": 0,
        "seconds": 9.0,
    }


def results(mock_json_rps: float = 15_000, generated_sync: float = 950, streamed_kib: int = 512) -> dict[str, Any]:
    rates = {"mock": mock_json_rps, "mock, access log on": 12_000, "prism": 2_000, "ceiling": 25_000}
    load = [
        {
            "server": server,
            "request": request,
            "connections": connections,
            "rps": rates[server] if request == "json" else rates[server] / 3,
            "p50_ms": 1.0,
            "p99_ms": 20.0 if server == "prism" else 3.0,
            "errors": 0,
        }
        for server in SERVERS
        for request in REQUESTS
        for connections in CONNECTIONS
    ]
    return {
        "machine": {"CPU": "test"},
        "load_seconds": 5,
        "load_warm_up_seconds": 1,
        "upload_bytes": 12_345,
        "client_warm_up_requests": 200,
        "backend_seconds": 1.5,
        "backend_warm_up_seconds": 0.3,
        "bulk_image_size": "160x120",
        "seconds": 300.0,
        "section_seconds": {"load": 150.0, "suite": 80.0},
        "load": load,
        "clients": [
            {"setting": "sync, sequential", "raw_httpx": 1000.0, "generated": generated_sync, "sdk": 700.0},
            {"setting": "async, 32 concurrent", "raw_httpx": 300.0, "generated": 290.0, "sdk": 250.0},
        ],
        "backends": [
            {"in_flight": in_flight, "httpx": 400.0, "aiohttp": 2_000.0 if in_flight > 1 else 900.0}
            for in_flight in (1, 8, 32, 64)
        ],
        "bulk": [
            bulk_row("httpx", "none", 5.0, resend_seconds=4.0),
            bulk_row("aiohttp", "none", 2.0, resend_seconds=1.8),
            bulk_row("httpx", "200 ms", 6.5, ideal=160.0),
            bulk_row("aiohttp", "200 ms", 6.4, ideal=160.0),
            bulk_row("aiohttp", "lognormal:200ms:1s (mean 261 ms)", 9.0, ideal=122.6),
        ],
        "fault_options": "--fault-rate 0.04",
        "faults": [
            fault_run("httpx", 2, succeeded=990, typed={"APIConnectionError": 6, "ServiceUnavailableError": 4}),
            fault_run("aiohttp", 4, succeeded=1000),
        ],
        "soak": {
            "backend": "aiohttp",
            "connections": 64,
            "seconds": 60.2,
            "requests": 120_000,
            "errors": {},
            "client_rss_start_kib": 100_000,
            "client_rss_end_kib": 101_000,
            "mock_rss_start_kib": 90_000,
            "mock_rss_end_kib": 90_500,
        },
        "memory": [
            {
                "megabytes": 100,
                "streamed_kib": streamed_kib,
                "whole_kib": 97_000,
                "async_httpx_kib": 0,
                "async_aiohttp_kib": 256,
            }
        ],
        "suite": [{"part": "spec", "seconds": 3.0, "passed": True}, {"part": "mock", "seconds": 1.0, "passed": True}],
    }


def test_goals_are_judged_from_the_figures() -> None:
    judged = {goal.goal: goal.met for goal in goals(results())}
    assert len(judged) == 9 + 2 + 4 + 2 + 2 + 2
    assert all(judged.values()), [goal for goal, met in judged.items() if not met]
    # Every goal of these figures but the p99 ones (the next test) misses here: a goal judged from no figure would
    # still be met.
    slow = results(mock_json_rps=2_400, generated_sync=850, streamed_kib=30_000)
    missed = sorted(goal.figure for goal in goals(slow) if not goal.met)
    assert missed == ["1.2x (2,400 vs 2,000)", "1.2x (800 vs 667)", "10%", "10%", "29.3 MiB", "85.0% of raw httpx"]


def test_the_mock_s_json_share_of_the_ceiling_must_hold_at_60_percent() -> None:
    missed = [goal.goal for goal in goals(results(mock_json_rps=14_000)) if not goal.met]
    assert missed == ["asset_id JSON request (POST /embeddings/image): mock >= 60% of the ceiling at 16 connections"]


def test_the_async_targets_are_judged_from_their_figures() -> None:
    run = results()
    run["backends"][2]["aiohttp"] = 1_500.0  # 3.75x httpx; 2.1x the sync 700 req/s
    run["bulk"][3]["seconds"] = 7.5  # 133 images/s: 83% of the ideal 160
    run["bulk"][0]["seconds"] = 5.5  # 182 images/s against 250 re-sending: 73%
    run["faults"][1]["succeeded"] = 999
    run["faults"][1]["typed_errors"] = {"APIConnectionError": 1}
    run["faults"][0]["untyped_errors"] = {"ClientResponseError": 1}
    run["faults"][0]["succeeded"] = 989
    run["soak"]["mock_rss_end_kib"] = 99_000  # +10%
    run["memory"][0]["async_aiohttp_kib"] = 30 * 1024
    missed = {goal.goal: goal.figure for goal in goals(run) if not goal.met}
    assert missed == {
        "aiohttp backend >= 4x the httpx backend at 32 in flight": "3.8x (1,500 vs 400 req/s)",
        "bulk, aiohttp backend, mock latency 200 ms, 32 in flight: >= 90% of the ideal": (
            "83% (133 images/s; ideal 160/s)"
        ),
        "bulk, httpx backend, mock latency none, 32 in flight: >= 80% of the re-sending baseline": (
            "73% (182 images/s; re-sending 250/s)"
        ),
        "10% mixed faults, httpx backend, max_retries=2: every failure a typed error, none lost": (
            "989/1,000 succeeded, 10 typed errors, 1 lost"
        ),
        "10% mixed faults, aiohttp backend, max_retries=4: all succeed": "999/1,000 succeeded, 1 typed errors, 0 lost",
        "60 s at 64 connections: 0 errors, mock RSS growth under 10%": "0 errors, +10.0% RSS",
        "peak RSS growth uploading 100 MB asynchronously (aiohttp backend) under 20 MB": "30.0 MiB",
    }


def test_a_slower_p99_than_prism_misses_its_goal() -> None:
    run = results()
    for row in run["load"]:
        if row["server"] == "mock":
            row["p99_ms"] = 25.0
    missed = [goal.figure for goal in goals(run) if not goal.met]
    assert missed == ["25.00 ms vs 20.00 ms"] * 2  # the JSON request's goal, then the upload's


def test_a_figure_with_failed_requests_meets_no_target() -> None:
    run = results()
    for row in run["load"]:
        if row["server"] == "mock":
            row["errors"] = 3
    of_the_mock = [goal for goal in goals(run) if goal.goal.startswith(tuple(REQUESTS.values()))]
    assert len(of_the_mock) == 6
    assert not any(goal.met for goal in of_the_mock)


def test_the_report_and_its_plots_are_written(tmp_path: Path) -> None:
    markdown = tmp_path / "BENCHMARKS.md"
    write(results(), markdown, tmp_path / "plots")
    text = markdown.read_text()
    assert "| asset_id JSON request (POST /embeddings/image): mock >= 3.0x Prism's req/s" in text
    assert "![requests per second](plots/throughput.png)" in text
    assert sorted(path.name for path in (tmp_path / "plots").iterdir()) == [
        "backends.png",
        "clients.png",
        "latency-p99.png",
        "suite.png",
        "throughput.png",
    ]
    assert all(path.read_bytes().startswith(b"\x89PNG") for path in (tmp_path / "plots").iterdir())
    assert "| httpx | none | 32 | **200** | 5.0 | re-sending 250/s | 80% |" in text
    assert "| aiohttp | 200 ms | 32 | **156** | 6.4 | ideal 160/s | 98% |" in text
    assert "| 32 | 400 | 2,000 | **5.00** | 0.57 | 2.86 |" in text
    assert (
        "| httpx | 2 | **990** | 6 APIConnectionError, 4 ServiceUnavailableError | 0 | 0 | 1,000/1,000 | 9.0 |" in text
    )
    assert "| 120,000 | 0  | 97.7 MiB | 98.6 MiB (+1.0%) | 87.9 MiB | 88.4 MiB (+0.6%) |" in text
    assert "| 100 MB BMP | 512 KiB | 0 KiB | 256 KiB | 94.7 MiB | 0.50% |" in text
    assert "| spec | 3.0 | 75% | yes |" in text
    assert "the same 12 KB photo" in text
    assert "Written by `make bench` in 300 s (load 150 s, suite 80 s)." in text
    assert "after 200 warm-up requests" in text
