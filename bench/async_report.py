"""The sections of BENCHMARKS.md about memories_sdk's async backends, bulk embedding, faults and the soak."""

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, no screen
import matplotlib.pyplot as plt

from bench.goal import Goal

BACKENDS = ("httpx", "aiohttp")


def _sync_sequential(results: dict[str, Any]) -> float:
    """memories_sdk's sync, sequential requests per second: the baseline of the async figures."""
    rate: float = next(row["sdk"] for row in results["clients"] if row["setting"].startswith("sync"))
    return rate


def _backend_row(results: dict[str, Any], in_flight: int) -> dict[str, Any]:
    row: dict[str, Any] = next(row for row in results["backends"] if row["in_flight"] == in_flight)
    return row


def _share(row: dict[str, Any]) -> tuple[float, str]:
    """A bulk run's share of its ideal (in flight / mean latency) or of its baseline (re-sending one asset id)."""
    per_second = row["images"] / row["seconds"]
    if row["ideal_per_second"]:
        return per_second / row["ideal_per_second"], f"ideal {row['ideal_per_second']:,.0f}/s"
    baseline = row["images"] / row["resend_seconds"]
    return per_second / baseline, f"re-sending {baseline:,.0f}/s"


def _accounted(run: dict[str, Any]) -> int:
    errors = sum(run["typed_errors"].values()) + sum(run["untyped_errors"].values())
    accounted: int = run["succeeded"] + errors + run["wrong"]
    return accounted


def _growth(start: int, end: int) -> float:
    return end / start - 1 if start else float("inf")


def goals(results: dict[str, Any]) -> list[Goal]:
    """The targets of the async backends, bulk, faults, soak and async upload memory, against this run's figures."""
    checks = []
    at_32 = _backend_row(results, 32)
    ratio = at_32["aiohttp"] / at_32["httpx"]
    checks.append(
        Goal(
            "aiohttp backend >= 4x the httpx backend at 32 in flight",
            f"{ratio:.1f}x ({at_32['aiohttp']:,.0f} vs {at_32['httpx']:,.0f} req/s)",
            ratio >= 4,
        )
    )
    sync = _sync_sequential(results)
    best = max(at_32[backend] for backend in BACKENDS)
    checks.append(
        Goal(
            "async at 32 in flight (the faster backend) >= 1.5x sync sequential",
            f"{best / sync:.2f}x ({best:,.0f} vs {sync:,.0f} req/s)",
            best / sync >= 1.5,
        )
    )
    for row in results["bulk"]:
        share, against = _share(row)
        target = 0.9 if row["ideal_per_second"] else 0.8
        if row["latency"].startswith("lognormal"):
            continue  # reported, not a target: the target is for a 200 ms median without a tail
        checks.append(
            Goal(
                f"bulk, {row['backend']} backend, mock latency {row['latency']}, {row['in_flight']} in flight: "
                f">= {target:.0%} of the {'ideal' if row['ideal_per_second'] else 're-sending baseline'}",
                f"{share:.0%} ({row['images'] / row['seconds']:,.0f} images/s; {against})",
                share >= target,
            )
        )
    for run in results["faults"]:
        lost = run["wrong"] + sum(run["untyped_errors"].values()) + run["requests"] - _accounted(run)
        if run["max_retries"] >= 4:
            goal, met = "all succeed", run["succeeded"] == run["requests"]
        else:
            goal, met = "every failure a typed error, none lost", lost == 0
        checks.append(
            Goal(
                f"10% mixed faults, {run['backend']} backend, max_retries={run['max_retries']}: {goal}",
                f"{run['succeeded']:,}/{run['requests']:,} succeeded, "
                f"{sum(run['typed_errors'].values())} typed errors, {lost} lost",
                met,
            )
        )
    soak = results["soak"]
    errors = sum(soak["errors"].values())
    for side in ("client", "mock"):
        growth = _growth(soak[f"{side}_rss_start_kib"], soak[f"{side}_rss_end_kib"])
        checks.append(
            Goal(
                f"{soak['seconds']:.0f} s at {soak['connections']} connections: 0 errors, {side} RSS growth under 10%",
                f"{errors} errors, {growth:+.1%} RSS",
                errors == 0 and growth < 0.1,
            )
        )
    largest = max(results["memory"], key=lambda row: row["megabytes"])
    for backend in BACKENDS:
        growth_mib = largest[f"async_{backend}_kib"] / 1024
        checks.append(
            Goal(
                f"peak RSS growth uploading {largest['megabytes']} MB asynchronously ({backend} backend) under 20 MB",
                f"{growth_mib:.1f} MiB",
                growth_mib < 20,
            )
        )
    return checks


def plot_backends(results: dict[str, Any], path: Path) -> None:
    figure, axis = plt.subplots(figsize=(7, 3.5))
    in_flight = [row["in_flight"] for row in results["backends"]]
    for backend in BACKENDS:
        axis.plot(in_flight, [row[backend] for row in results["backends"]], marker="o", label=f"{backend} backend")
    axis.axhline(_sync_sequential(results), linestyle="--", color="grey", label="sync, sequential")
    axis.set_xscale("log", base=2)
    axis.set_xticks(in_flight, [str(count) for count in in_flight])
    axis.set_xlabel("requests in flight")
    axis.set_ylabel("requests/s")
    axis.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def sections(results: dict[str, Any], plots: Path, relative: str) -> list[str]:
    """The markdown of these sections, and their plot in `plots` (`relative` from BENCHMARKS.md)."""
    plot_backends(results, plots / "backends.png")
    sync = _sync_sequential(results)
    soak = results["soak"]
    lines = [
        "## Async backends: httpx's connection pool and aiohttp's",
        "",
        "memories_sdk's async client on each backend (`create_client(async_backend=...)`), identical asset_id "
        f"requests to the same mock for {results['backend_seconds']:g} s per batch after a "
        f"{results['backend_warm_up_seconds']:g} s warm-up, each batch on a fresh client in its own event loop, the "
        "backends alternating in rounds, median shown. "
        f"Baselines: the httpx backend, and memories_sdk's sync sequential requests ({sync:,.0f} req/s, above).",
        "",
        "| in flight | httpx req/s | aiohttp req/s | aiohttp / httpx | httpx / sync | aiohttp / sync |",
        "|---|---|---|---|---|---|",
        *(
            f"| {row['in_flight']} | {row['httpx']:,.0f} | {row['aiohttp']:,.0f} | "
            f"**{row['aiohttp'] / row['httpx']:.2f}** | {row['httpx'] / sync:.2f} | {row['aiohttp'] / sync:.2f} |"
            for row in results["backends"]
        ),
        "",
        f"![async backends]({relative}/backends.png)",
        "",
        "## Bulk embedding",
        "",
        f"{results['bulk'][0]['images']:,} different images ({results['bulk_image_size']} JPEG), each decoded and "
        "embedded by a fresh mock, through memories_sdk's async client on each backend (`bench/bulk.py`, the recipe "
        "of docs/sdk.md: one client, a semaphore bounding the requests in flight). With the mock answering at once, "
        "the baseline is the same client re-sending one already embedded asset id as many times (no upload, no "
        "decoding). With latency (`--latency embedImage=...`), the ideal is as many answers per second as requests "
        "in flight divided by the mean latency (a log-normal's mean lies above its median).",
        "",
        "| backend | mock latency | in flight | images/s | seconds | against | share |",
        "|---|---|---|---|---|---|---|",
        *(
            f"| {row['backend']} | {row['latency']} | {row['in_flight']} | **{row['images'] / row['seconds']:,.0f}** "
            f"| {row['seconds']:.1f} | {_share(row)[1]} | {_share(row)[0]:.0%} |"
            for row in results["bulk"]
        ),
        "",
        "## Under faults",
        "",
        f"{results['faults'][0]['requests']:,} asset_id requests, 32 in flight, to a mock started with "
        f"`{results['fault_options']}`: 10% of requests meet a fault (4% 500 or 503, 2% a reset, 2% a body cut off "
        "midway, 2% a body dripped over a second), and a retry may meet another. A success counts only with the "
        "right vector; an error is typed when it is a `MemoriesError`; none may be lost (a wrong vector, an untyped "
        "error, or no outcome at all).",
        "",
        "| backend | max_retries | succeeded | typed errors | untyped errors | wrong answers | accounted for "
        "| seconds |",
        "|---|---|---|---|---|---|---|---|",
        *(
            f"| {run['backend']} | {run['max_retries']} | **{run['succeeded']:,}** | "
            f"{', '.join(f'{count} {name}' for name, count in run['typed_errors'].items()) or '0'} | "
            f"{', '.join(f'{count} {name}' for name, count in run['untyped_errors'].items()) or '0'} | "
            f"{run['wrong']} | {_accounted(run):,}/{run['requests']:,} | {run['seconds']:.1f} |"
            for run in results["faults"]
        ),
        "",
        "## Soak",
        "",
        f"{soak['connections']} connections kept busy for {soak['seconds']:.0f} s through memories_sdk's aiohttp "
        "backend, alternating embeddings by asset id and by file, in a process of its own; resident memory at the "
        "start (after a 5 s warm-up) and at the end, of that client and of the mock.",
        "",
        "| requests | errors | client RSS start | client RSS end | mock RSS start | mock RSS end |",
        "|---|---|---|---|---|---|",
        f"| {soak['requests']:,} | {sum(soak['errors'].values())} "
        f"{'(' + ', '.join(f'{n} {name}' for name, n in soak['errors'].items()) + ')' if soak['errors'] else ''} | "
        f"{soak['client_rss_start_kib'] / 1024:.1f} MiB | {soak['client_rss_end_kib'] / 1024:.1f} MiB "
        f"({_growth(soak['client_rss_start_kib'], soak['client_rss_end_kib']):+.1%}) | "
        f"{soak['mock_rss_start_kib'] / 1024:.1f} MiB | {soak['mock_rss_end_kib'] / 1024:.1f} MiB "
        f"({_growth(soak['mock_rss_start_kib'], soak['mock_rss_end_kib']):+.1%}) |",
        "",
    ]
    return lines
