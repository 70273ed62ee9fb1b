"""`make bench` (`python -m bench`): measure everything in one run, write BENCHMARKS.md and bench/plots/."""

import argparse
import dataclasses
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from PIL import Image

from bench import changes, clients, load, machine, report, suite
from bench.servers import PRISM, REPO_ROOT, Target, ceiling, mock, prism

MEGABYTE = 1_000_000
CONNECTIONS = (1, 16, 64)
LOAD_WARM_UP_SECONDS = 1


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
    with mock("--max-upload-bytes", str(256 * 1024 * 1024)) as target:
        for megabytes in (10, 100):
            image = bmp_of(megabytes, scratch)
            growth = {}
            for mode in ("streamed", "whole"):
                command = [sys.executable, "-m", "bench.memory", target.base_url, str(image), mode]
                output = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, check=True).stdout
                growth[mode] = int(output.strip())
            streamed, whole = growth["streamed"] / 1024, growth["whole"] / 1024
            print(f"  {megabytes} MB: streamed +{streamed:.1f} MiB, whole +{whole:.1f} MiB")
            rows.append({"megabytes": megabytes, "streamed_kib": growth["streamed"], "whole_kib": growth["whole"]})
            image.unlink()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--seconds", type=float, default=5, help="duration of each load measurement")
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
        "bulk_image_size": "x".join(map(str, clients.BULK_SIZE)),
    }
    with tempfile.TemporaryDirectory(prefix="memories-bench-") as folder:
        scratch = Path(folder)
        print("Load: the mock, Prism and the ceiling")
        results["load"] = measure_load(args.seconds, scratch, photo)
        print("Clients: generated client, memories_sdk and raw httpx")
        with mock() as target:
            results["clients"] = [
                # A sequential batch lasts about a second, so a burst of noise sways it more: more rounds.
                dataclasses.asdict(clients.sync_rates(target, requests=1000, rounds=7)),
                dataclasses.asdict(clients.async_rates(target, requests=2000, concurrency=32, rounds=3)),
            ]
        print(f"Bulk embedding of {clients.BULK_IMAGES:,} images")
        images = clients.distinct_images(clients.BULK_IMAGES)
        results["bulk"] = []
        for concurrency in (4, 16):
            with mock() as target:  # a fresh mock each time: no image is cached yet
                results["bulk"].append(dataclasses.asdict(clients.bulk_embedding(target, images, concurrency)))
        print("Memory of large uploads")
        results["memory"] = measure_memory(scratch)
        print("One change report (python -m codegen changes)")
        results["changes"] = changes.measure(scratch)
    print("The contract suite, part by part")
    results["suite"] = [dataclasses.asdict(part) for part in suite.time_parts()]
    results["seconds"] = time.perf_counter() - started
    (REPO_ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    report.write(results, args.output, REPO_ROOT / "bench" / "plots")
    print(f"Wrote {args.output.relative_to(REPO_ROOT)} in {results['seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
