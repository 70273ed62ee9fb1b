"""How long one change report takes: `python -m codegen changes` on two specs of this size, in a fresh process.

The report generates both clients, diffs their Python API and runs the client generated from OLD against what
NEW allows. Baseline: one generation with openapi-python-client's own command line (what regenerating the client
costs anyway), measured in the same run.
"""

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.servers import REPO_ROOT

ROUNDS = 3
TARGET_SECONDS = 10.0
# Four edits a pull request could make, each breaking clients generated from the old spec differently.
EDITS = (
    ("operationId: uploadAsset", "operationId: storeAsset"),  # every import of the module fails
    ("      required: [code, msg, data]\n", "      required: [code, data]\n"),  # KeyError in from_dict (the first)
    ("        - multimodalembedding@001\n        - mobileclip\n", "        - multimodalembedding@001\n"),
    (
        "    ImageEmbedding:\n      type: object\n",
        "    ImageEmbedding:\n      title: EmbeddingVector\n      type: object\n",
    ),
)


def _edited(spec: str) -> str:
    for old, new in EDITS:
        if old not in spec:
            raise ValueError(f"openapi.yaml no longer contains {old!r}: update bench/changes.py")
        spec = spec.replace(old, new, 1)
    return spec


def _seconds(command: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    return time.perf_counter() - started, result


def measure(scratch: Path, rounds: int = ROUNDS) -> dict[str, Any]:
    """Median seconds of a report and of one command-line generation, each in fresh processes."""
    old, new = scratch / "old.yaml", scratch / "new.yaml"
    spec = (REPO_ROOT / "openapi.yaml").read_text(encoding="utf-8")
    old.write_text(spec, encoding="utf-8")
    new.write_text(_edited(spec), encoding="utf-8")
    report = [sys.executable, "-m", "codegen", "changes", str(old), str(new), "--format", "json"]
    generation = [
        str(Path(sys.executable).with_name("openapi-python-client")),
        "generate",
        *("--path", str(old), "--config", str(REPO_ROOT / "generator-config.yml")),
        *("--custom-template-path", str(REPO_ROOT / "generator_templates")),
        *("--meta", "uv", "--output-path", str(scratch / "client"), "--overwrite"),
    ]
    reports, generations, found = [], [], {}
    for _ in range(rounds):
        seconds, result = _seconds(report)
        if result.returncode not in (0, 1):
            raise RuntimeError(f"python -m codegen changes failed: {result.stderr}")
        reports.append(seconds)
        found = json.loads(result.stdout)
        generations.append(_seconds(generation)[0])
    return {
        "report_seconds": statistics.median(reports),
        "generation_seconds": statistics.median(generations),
        "rounds": rounds,
        "changes": len(found["changes"]),
        "failures": sum(len(change["evidence"]) for change in found["changes"]),
    }


def goals(results: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """The issue's target for one report, as (goal, figure, met); none when this run did not measure it."""
    if "changes" not in results:
        return []
    seconds = results["changes"]["report_seconds"]
    return [
        (f"a change report in under {TARGET_SECONDS:g} s on this machine", f"{seconds:.1f} s", seconds < TARGET_SECONDS)
    ]


def section(results: dict[str, Any]) -> list[str]:
    """BENCHMARKS.md's section on the change report."""
    if "changes" not in results:
        return []
    figures = results["changes"]
    ratio = figures["report_seconds"] / figures["generation_seconds"]
    return [
        "## The change report",
        "",
        "`python -m codegen changes OLD NEW` on openapi.yaml and a copy with four breaking edits (an operationId, "
        "a required response property, an enum member, a schema title), in a fresh process: both clients generated, "
        "their Python APIs compared, the client generated from OLD run against what NEW allows. Baseline: one "
        f"generation with openapi-python-client's command line. Median of {figures['rounds']} rounds.",
        "",
        "| report | changes found | failures of the old client shown | one CLI generation | ratio |",
        "|---|---|---|---|---|",
        f"| {figures['report_seconds']:.1f} s | {figures['changes']} | {figures['failures']} | "
        f"{figures['generation_seconds']:.1f} s | {ratio:.1f} |",
        "",
    ]
