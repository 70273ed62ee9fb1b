"""`make bench` (`python -m bench`): measure everything in one run, write BENCHMARKS.md and bench/plots/."""

import argparse
import dataclasses
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from PIL import Image

from bench import backends, bulk, changes, clients, faults, load, machine, report, suite
from bench.servers import PRISM, REPO_ROOT, Target, ceiling, mock, prism
from memories_sdk.transport import ASYNC_BACKENDS
from mock_server.latency import LogNormal

MEGABYTE = 1_000_000
CONNECTIONS = (1, 16, 64)
LOAD_WARM_UP_SECONDS = 1
SOAK_CONNECTIONS = 64
BACKEND_SECONDS = 1.5
BACKEND_WARM_UP_SECONDS = 0.3


def measure_load(seconds: float, scratch: Path, photo: bytes) -> list[dict[str, Any]]:
    """Every server, both requests, every connection count."""
    servers: list[Callable[[], AbstractContextManager[Target]]] = [
        mock,
        lambda: mock(access_log=True),
        prism,
        ceiling,
    ]
    multipart = load.multipart_script(scratch, photo)
    rows = []
    for start in servers:
        with start() as target:
            scripts = {"json": (target.json_url, load.json_script(scratch, target.json_body))}
            scripts["multipart"] = (target.multipart_url, multipart)
            for request, (url, lua) in scripts.items():
                for connections in CONNECTIONS:
                    load.run_wrk(url, lua, connections, LOAD_WARM_UP_SECONDS)  # not kept
                    result = load.run_wrk(url, lua, connections, seconds)
                    rate = result.requests_per_second
                    print(f"  {target.name:<20} {request:<9} {connections:>2} conn.: {rate:>9,.0f} req/s")
                    row = {"server": target.name, "request": request, "connections": connections}
                    rows.append(
                        row
                        | {
                            "rps": result.requests_per_second,
                            "p50_ms": result.p50_ms,
                            "p99_ms": result.p99_ms,
                            "errors": result.errors,
                        }
                    )
    return rows


def bmp_of(megabytes: int, folder: Path) -> Path:
    """A valid BMP image of about `megabytes` MB (24-bit, so 3 bytes a pixel)."""
    side = int((megabytes * MEGABYTE / 3) ** 0.5)
    path = folder / f"{megabytes}mb.bmp"
    Image.new("RGB", (side, side), (90, 140, 200)).save(path, "BMP")
    return path


def measure_memory(scratch: Path) -> list[dict[str, Any]]:
    rows = []
    ways = {"streamed_kib": ("streamed", "sync"), "whole_kib": ("whole", "sync")}
    ways |= {f"async_{backend}_kib": ("streamed", backend) for backend in ASYNC_BACKENDS}
    with mock("--max-upload-bytes", str(256 * 1024 * 1024)) as target:
        for megabytes in (10, 100):
            image = bmp_of(megabytes, scratch)
            row = {"megabytes": megabytes}
            for name, (mode, way) in ways.items():
                command = [sys.executable, "-m", "bench.memory", target.base_url, str(image), mode, way]
                output = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, check=True).stdout
                row[name] = int(output.strip())
            print(f"  {megabytes} MB: " + ", ".join(f"{name} +{row[name] / 1024:.1f} MiB" for name in ways))
            rows.append(row)
            image.unlink()
    return rows


def measure_bulk() -> list[dict[str, Any]]:
    """Bulk embedding on each backend, with the mock answering at once, after 200 ms, and with a long tail."""
    images = bulk.distinct_images(bulk.IMAGES)
    tail = LogNormal(0.2, 1.0)
    latencies = [("none", (), 0.0), ("200 ms", ("--latency", "embedImage=200ms"), 0.2)]
    latencies.append((f"{tail} (mean {tail.mean * 1000:.0f} ms)", ("--latency", f"embedImage={tail}"), tail.mean))
    rows = []
    for latency, options, mean in latencies:
        for backend in ASYNC_BACKENDS:
            with mock(*options) as target:  # a fresh mock each time: no image is cached yet
                row = bulk.bulk_embedding(target, backend, images, latency, mean)
            print(f"  {backend:<7} latency {latency}: {row.images / row.seconds:,.0f} images/s")
            rows.append(dataclasses.asdict(row))
    return rows


def measure_faults() -> list[dict[str, Any]]:
    with mock() as healthy:
        expected = clients.embedding(healthy)
    options = (*faults.MOCK_OPTIONS, "--fault-seed", str(faults.SEED))
    with mock(*options) as target:
        runs = [
            faults.under_faults(target, backend, max_retries, expected)
            for max_retries in (2, 4)
            for backend in ASYNC_BACKENDS
        ]
    return [dataclasses.asdict(run) for run in runs]


def measure_soak(seconds: float, connections: int) -> dict[str, Any]:
    with mock() as target:
        command = [sys.executable, "-m", "bench.soak", target.base_url, target.asset_id, str(target.pid)]
        command += [str(seconds), str(connections)]
        output = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, check=True).stdout
    soaked: dict[str, Any] = json.loads(output)
    print(f"  {soaked['requests']:,} requests, {sum(soaked['errors'].values())} errors")
    return soaked


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--seconds", type=float, default=4, help="duration of each load measurement")
    parser.add_argument("--soak-seconds", type=float, default=60, help="duration of the soak")
    parser.add_argument("--output", type=Path, default=REPO_ROOT / "BENCHMARKS.md")
    args = parser.parse_args(argv)
    missing = [tool for tool, found in (("wrk", shutil.which("wrk")), ("prism", PRISM.exists())) if not found]
    if missing:
        print(f"missing: {', '.join(missing)}; `make bench` installs them", file=sys.stderr)
        return 2
    started = time.perf_counter()
    photo = load.photo_jpeg()
    results: dict[str, Any] = {
        "machine": machine.describe(),
        "load_seconds": args.seconds,
        "load_warm_up_seconds": LOAD_WARM_UP_SECONDS,
        "upload_bytes": len(photo),
        "client_warm_up_requests": clients.WARM_UP,
        "backend_seconds": BACKEND_SECONDS,
        "backend_warm_up_seconds": BACKEND_WARM_UP_SECONDS,
        "bulk_image_size": "x".join(map(str, bulk.SIZE)),
        "fault_options": " ".join(faults.MOCK_OPTIONS),
    }
    sections: dict[str, float] = {}
    results["section_seconds"] = sections

    @contextmanager
    def section(name: str, title: str) -> Iterator[None]:
        print(title)
        begun = time.perf_counter()
        yield
        sections[name] = time.perf_counter() - begun

    with tempfile.TemporaryDirectory(prefix="memories-bench-") as folder:
        scratch = Path(folder)
        with section("load", "Load: the mock, Prism and the ceiling"):
            results["load"] = measure_load(args.seconds, scratch, photo)
        with mock() as target:
            with section("clients", "Clients: generated client, memories_sdk and raw httpx"):
                results["clients"] = [
                    # A sequential batch lasts about a second, so a burst of noise sways it more: more rounds.
                    dataclasses.asdict(clients.sync_rates(target, requests=1000, rounds=5)),
                    dataclasses.asdict(clients.async_rates(target, requests=600, concurrency=32, rounds=3)),
                ]
            with section("async backends", "Async backends: httpx and aiohttp"):
                rows = backends.rates(target, BACKEND_SECONDS, rounds=3, warm_up=BACKEND_WARM_UP_SECONDS)
                results["backends"] = [dataclasses.asdict(row) for row in rows]
        with section("bulk", f"Bulk embedding of {bulk.IMAGES:,} images, {bulk.IN_FLIGHT} in flight"):
            results["bulk"] = measure_bulk()
        with section("faults", f"{faults.REQUESTS:,} requests under 10% mixed faults"):
            results["faults"] = measure_faults()
        with section("soak", f"Soak: {SOAK_CONNECTIONS} connections for {args.soak_seconds:g} s"):
            results["soak"] = measure_soak(args.soak_seconds, SOAK_CONNECTIONS)
        with section("memory", "Memory of large uploads"):
            results["memory"] = measure_memory(scratch)
        with section("changes", "One change report (python -m codegen changes)"):
            results["changes"] = changes.measure(scratch)
    with section("suite", "The contract suite, part by part"):
        results["suite"] = [dataclasses.asdict(part) for part in suite.time_parts()]
    results["machine"]["Load average at the end (1, 5, 15 min)"] = machine.load_average()
    results["seconds"] = time.perf_counter() - started
    (REPO_ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    report.write(results, args.output, REPO_ROOT / "bench" / "plots")
    print(f"Wrote {args.output.relative_to(REPO_ROOT)} in {results['seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
