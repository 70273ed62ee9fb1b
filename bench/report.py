"""BENCHMARKS.md and its plots, from the figures of one run."""

from pathlib import Path
from typing import Any

import matplotlib

from bench import changes

matplotlib.use("Agg")  # files only, no screen
import matplotlib.pyplot as plt

from bench import async_report
from bench.goal import Goal

REQUESTS = {"json": "asset_id JSON request (POST /embeddings/image)", "multipart": "multipart upload (POST /upload)"}

# Re-measuring these would mean checking out the code as it was before each change: they are kept as a record.
OPTIMISATIONS = """\
A record of the optimising work, not figures of this run: measured on 2026-11-24, on a 2-core AMD EPYC, with the
method above (wrk, one thread, 16 connections, 5 s) and the ceiling of the time (1408 numbers for both requests).

| change | asset_id JSON req/s | multipart upload req/s (p99) |
|---|---|---|
| first version | 10,027 (43% of the ceiling) | 2,116 (89 ms) |
| routes without a `Mount`; body read from the ASGI messages, not a second `Request`; key hashes cached | 14,404 | |
| upload: image cache checked on the event loop; in-memory store written without a thread-pool hop | | 6,883 (5 ms) |
| **ratio after / before** | **1.44** | **3.25**, p99 **17x** lower |

Profiling (cProfile, then py-spy-style reading of the hot path) showed the JSON path spending its time in two
routing layers and in building a second `Request` to count body bytes; the upload path waited on the thread pool
twice per request even when the image was already decoded. Decoding itself is now bounded (at most one decode per
core at a time) and done once per content.

Measured on 2026-12-01 with bulk embedding (950 different images, 32 in flight, aiohttp backend), reading the mock
process's CPU time from /proc: the embedding's projection (`matrix @ vector`) went to OpenBLAS, whose threads spin
between products and took the cores the event loop, the decoding threads and the client needed: 5.1 to 9.0 s of the
mock's CPU per 950 images (88 to 296 images/s, swinging with the machine's load). numpy's own einsum loop gives the
same rounded vectors for 1.9 to 2.2 s (370 to 496 images/s)."""


def _load(results: dict[str, Any], server: str, request: str, connections: int) -> dict[str, Any]:
    for row in results["load"]:
        if (row["server"], row["request"], row["connections"]) == (server, request, connections):
            found: dict[str, Any] = row
            return found
    raise KeyError((server, request, connections))


def _in_order(results: dict[str, Any], field: str) -> list[Any]:
    """The values of `field` across the load rows, in the order they were measured."""
    return list(dict.fromkeys(row[field] for row in results["load"]))


def goals(results: dict[str, Any]) -> list[Goal]:
    """The issue's targets against this run's figures."""
    checks = []
    for request, factor in (("json", 3.0), ("multipart", 1.5)):
        mock, prism, ceiling = (_load(results, server, request, 16) for server in ("mock", "prism", "ceiling"))
        ratio = mock["rps"] / prism["rps"]
        clean = mock["errors"] == 0  # fast refusals are no throughput: a figure with failed requests meets nothing
        checks.append(
            Goal(
                f"{REQUESTS[request]}: mock >= {factor}x Prism's req/s at 16 connections",
                f"{ratio:.1f}x ({mock['rps']:,.0f} vs {prism['rps']:,.0f})",
                clean and ratio >= factor,
            )
        )
        checks.append(
            Goal(
                f"{REQUESTS[request]}: mock p99 no worse than Prism's at 16 connections",
                f"{mock['p99_ms']:.2f} ms vs {prism['p99_ms']:.2f} ms",
                clean and mock["p99_ms"] <= prism["p99_ms"],
            )
        )
        share, least = mock["rps"] / ceiling["rps"], 0.6 if request == "json" else 0.5
        checks.append(
            Goal(
                f"{REQUESTS[request]}: mock >= {least:.0%} of the ceiling at 16 connections",
                f"{share:.0%}",
                clean and share >= least,
            )
        )
    for row in results["clients"]:
        ratio = row["generated"] / row["raw_httpx"]
        checks.append(
            Goal(
                f"generated client within 10% of raw httpx ({row['setting']})",
                f"{ratio:.1%} of raw httpx",
                ratio >= 0.9,
            )
        )
    largest = max(results["memory"], key=lambda row: row["megabytes"])
    growth_mib = largest["streamed_kib"] / 1024
    checks.append(
        Goal(
            f"peak RSS growth uploading {largest['megabytes']} MB under 20 MB", f"{growth_mib:.1f} MiB", growth_mib < 20
        )
    )
    checks += [Goal(*goal) for goal in changes.goals(results)]
    return checks + async_report.goals(results)


def _by_section(results: dict[str, Any]) -> str:
    sections = results.get("section_seconds", {})
    return f" ({', '.join(f'{name} {seconds:.0f} s' for name, seconds in sections.items())})" if sections else ""


def _largest_streamed(row: dict[str, Any]) -> int:
    largest: int = max(row["streamed_kib"], row["async_httpx_kib"], row["async_aiohttp_kib"])
    return largest


def plot_load(results: dict[str, Any], metric: str, label: str, path: Path) -> None:
    figure, axes = plt.subplots(1, 2, figsize=(11, 4))
    servers, connection_counts = _in_order(results, "server"), _in_order(results, "connections")
    width = 0.8 / len(servers)
    for axis, request in zip(axes, REQUESTS, strict=True):
        for index, server in enumerate(servers):
            values = [_load(results, server, request, connections)[metric] for connections in connection_counts]
            offset = (index - (len(servers) - 1) / 2) * width
            axis.bar([position + offset for position in range(len(connection_counts))], values, width, label=server)
        axis.set_xticks(range(len(connection_counts)), [f"{connections} conn." for connections in connection_counts])
        axis.set_title(REQUESTS[request], fontsize=10)
        axis.set_ylabel(label)
        if metric == "p99_ms":
            axis.set_yscale("log")
    axes[0].legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def plot_clients(results: dict[str, Any], path: Path) -> None:
    figure, axis = plt.subplots(figsize=(7, 3.5))
    width = 0.25
    for index, (key, name) in enumerate(
        (("raw_httpx", "raw httpx"), ("generated", "generated client"), ("sdk", "memories_sdk"))
    ):
        values = [row[key] for row in results["clients"]]
        axis.bar([position + (index - 1) * width for position in range(len(values))], values, width, label=name)
    axis.set_xticks(range(len(results["clients"])), [row["setting"] for row in results["clients"]])
    axis.set_ylabel("requests/s")
    axis.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def plot_suite(results: dict[str, Any], path: Path) -> None:
    figure, axis = plt.subplots(figsize=(8, 3.5))
    parts = results["suite"]
    axis.barh([row["part"] for row in parts], [row["seconds"] for row in parts])
    axis.invert_yaxis()
    axis.set_xlabel("seconds")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def write(results: dict[str, Any], markdown: Path, plots: Path) -> None:
    """Write BENCHMARKS.md and the PNG plots it shows."""
    plots.mkdir(parents=True, exist_ok=True)
    plot_load(results, "rps", "requests/s", plots / "throughput.png")
    plot_load(results, "p99_ms", "p99 latency (ms, log scale)", plots / "latency-p99.png")
    plot_clients(results, plots / "clients.png")
    plot_suite(results, plots / "suite.png")
    relative = plots.relative_to(markdown.parent).as_posix()
    servers, connection_counts = _in_order(results, "server"), _in_order(results, "connections")
    suite_total = sum(row["seconds"] for row in results["suite"])
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` in {results['seconds']:.0f} s{_by_section(results)}. Benchmarks, not tests: nothing "
        "here asserts a time.",
        "Each figure comes with its baseline, measured in the same run on this machine:",
        "",
        *(f"- **{name}**: {value}" for name, value in results["machine"].items()),
        "",
        "## Targets",
        "",
        "| goal | this run | met |",
        "|---|---|---|",
        *(f"| {goal.goal} | {goal.figure} | {'yes' if goal.met else '**no**'} |" for goal in goals(results)),
        "",
        "## The mock against Prism, and against the ceiling",
        "",
        "Load from wrk (one thread, its own process) on 127.0.0.1, "
        f"{results['load_seconds']:g} s per figure after a {results['load_warm_up_seconds']:g} s warm-up. "
        "Prism answers with the spec's static examples (a 5-number vector); the mock authenticates, parses, looks "
        "the asset up and answers a real 1408-number vector, or stores the upload and answers a fresh asset id. "
        f"The upload sends the same {results['upload_bytes'] / 1000:.0f} KB photo every time, so after the first "
        "request the mock finds its decoded features in its cache (by SHA-256): that figure measures parsing, "
        "hashing, storing and answering; decoding new images is measured by the bulk embedding below. The ceiling "
        "is the same server stack (Starlette on uvicorn) doing no work at all and answering a precomputed body of "
        "the mock's size: 1408 numbers to the JSON request, and an asset id to the multipart request after only "
        "parsing the form with Starlette's parser. The mock parses with python-multipart directly, which is "
        "faster than Starlette's parser: its share of that ceiling can come near or above 100% with one "
        "connection. Each figure is one run, on cores shared with the load generator: expect a few percent of "
        "noise.",
        "",
    ]
    for request in REQUESTS:
        lines += [
            f"### {REQUESTS[request]}",
            "",
            "| connections | server | req/s | p50 ms | p99 ms | errors | x Prism | share of ceiling |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for connections in connection_counts:
            prism = _load(results, "prism", request, connections)
            ceiling = _load(results, "ceiling", request, connections)
            for server in servers:
                row = _load(results, server, request, connections)
                lines.append(
                    f"| {connections} | {server} | {row['rps']:,.0f} | {row['p50_ms']:.2f} | {row['p99_ms']:.2f} | "
                    f"{row['errors']} | {row['rps'] / prism['rps']:.2f} | {row['rps'] / ceiling['rps']:.0%} |"
                )
        lines.append("")
    lines += [
        f"![requests per second]({relative}/throughput.png)",
        "",
        f"![p99 latency]({relative}/latency-p99.png)",
        "",
        "## Client overhead: the generated client against raw httpx",
        "",
        "Identical asset_id requests to the same mock (access log off); each way of calling measured in "
        "interleaved rounds, each batch on its own fresh client after "
        f"{results['client_warm_up_requests']} warm-up requests, median shown; the baseline is raw httpx. "
        "`memories_sdk` adds retries and checks every answer against the contract "
        "(one more JSON parse of each 1408-number body).",
        "",
        "| setting | raw httpx req/s | generated client | ratio | memories_sdk | ratio |",
        "|---|---|---|---|---|---|",
        *(
            f"| {row['setting']} | {row['raw_httpx']:,.0f} | {row['generated']:,.0f} | "
            f"{row['generated'] / row['raw_httpx']:.2f} | {row['sdk']:,.0f} | {row['sdk'] / row['raw_httpx']:.2f} |"
            for row in results["clients"]
        ),
        "",
        f"![client throughput]({relative}/clients.png)",
        "",
        "httpx's async connection pool slows down as more requests are in flight at once, for raw httpx and the "
        "generated client alike ([encode/httpx#3215](https://github.com/encode/httpx/issues/3215): AnyIO locks and "
        "a pool that re-checks every connection per request): 32 concurrent requests on loopback move fewer "
        "requests per second than one at a time. Against the real API, where a request waits on the network and "
        "the model, concurrency still pays.",
        "",
        *async_report.sections(results, plots, relative),
        "## Memory: uploading large files",
        "",
        "Growth of the client process's peak resident set (VmHWM) during one upload with `memories_sdk`, measured "
        "in a fresh process: a sync call, and async calls on each backend. Baseline: the same sync upload after "
        "reading the file into memory, as a naive caller would.",
        "",
        "| file | streamed (`open_image`), sync | async, httpx backend | async, aiohttp backend | read whole first | "
        "streamed / file size |",
        "|---|---|---|---|---|---|",
        *(
            f"| {row['megabytes']} MB BMP | {row['streamed_kib']:,} KiB | {row['async_httpx_kib']:,} KiB | "
            f"{row['async_aiohttp_kib']:,} KiB | {row['whole_kib'] / 1024:.1f} MiB | "
            f"{_largest_streamed(row) / 1024 / row['megabytes']:.2%} |"
            for row in results["memory"]
        ),
        "",
        "httpx reads the open file in 64 KiB chunks (and hands them to aiohttp on its backend) and the memory they "
        "take is reused from one chunk to the next, so the peak does not measurably rise; reading the file first "
        "costs its whole size.",
        "",
        "## The contract suite's wall time, by part",
        "",
        "Each part is one pytest run of its own (so each pays pytest's start-up, about 2 s). "
        "`make mutants` (not part of `make test`) runs the behavioural parts once per mutant, as many mutants at "
        "a time as the machine has cores. Baseline: the total.",
        "",
        "| part | seconds | share of the total | passed |",
        "|---|---|---|---|",
        *(
            f"| {row['part']} | {row['seconds']:.1f} | {row['seconds'] / suite_total:.0%} | "
            f"{'yes' if row['passed'] else '**no**'} |"
            for row in results["suite"]
        ),
        f"| **total** | **{suite_total:.1f}** | 100% | |",
        "",
        f"![suite time]({relative}/suite.png)",
        "",
        *changes.section(results),
        "## What was optimised",
        "",
        OPTIMISATIONS,
        "",
    ]
    markdown.write_text("\n".join(lines))
