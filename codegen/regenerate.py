"""Run openapi-python-client with the project's configuration and compare its output with the committed client.

The comparison works file by file (missing, extra, changed), like openapi-python-client's own end-to-end
tests, so a failure names what drifted instead of printing one large diff.
"""

import hashlib
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SPEC = REPO_ROOT / "openapi.yaml"
CONFIG = REPO_ROOT / "generator-config.yml"
TEMPLATES = REPO_ROOT / "generator_templates"
GENERATED_CLIENT = REPO_ROOT / "generated_client"
# Records the inputs of the generation, so that an edit of the spec that leaves the code unchanged
# (a comment, an example, a validation keyword) still shows as drift until `make generate` runs.
PROVENANCE = "GENERATED_FROM"

# Byproducts of importing, building or type-checking the installed client; never generator output.
_BYPRODUCT_DIRS = frozenset({"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", "build", "dist"})


def generate(output: Path, spec: Path = SPEC, templates: Path = TEMPLATES) -> None:
    """Generate the client from `spec` into `output`, replacing whatever is there."""
    bin_dir = Path(sys.executable).parent
    # The post-hooks in generator-config.yml call `ruff` by name: it must be this environment's pinned one.
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    command = [
        str(bin_dir / "openapi-python-client"),
        "generate",
        "--path",
        str(spec),
        "--config",
        str(CONFIG),
        "--custom-template-path",
        str(templates),
        "--meta",
        "uv",
        "--output-path",
        str(output),
        "--overwrite",
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    # openapi-python-client reports problems in the spec as warnings and still exits 0: any output but
    # its progress line fails the generation.
    report = (result.stdout + result.stderr).replace(f"Generating {output}", "").strip()
    if result.returncode != 0 or report:
        raise GenerationError(report or f"openapi-python-client exited with {result.returncode}")
    (output / PROVENANCE).write_text(_provenance(spec, templates), encoding="utf-8")


def _provenance(spec: Path, templates: Path) -> str:
    inputs = [("openapi.yaml", spec), ("generator-config.yml", CONFIG)]
    inputs += [
        (f"generator_templates/{path.relative_to(templates).as_posix()}", path)
        for path in sorted(templates.rglob("*.jinja"))
    ]
    lines = [
        "# Written by `make generate`; `make check-generated` fails when any input below has changed since.",
        f"openapi-python-client {version('openapi-python-client')}",
        *(f"sha256 {hashlib.sha256(path.read_bytes()).hexdigest()}  {name}" for name, path in inputs),
    ]
    return "\n".join(lines) + "\n"


class GenerationError(Exception):
    """openapi-python-client failed or warned about the spec."""


@dataclass(frozen=True)
class Drift:
    """Differences between a fresh generation (expected) and the committed client (actual)."""

    missing: list[str]
    extra: list[str]
    changed: list[str]

    def __bool__(self) -> bool:
        return bool(self.missing or self.extra or self.changed)

    def report(self) -> str:
        """Describe the drift for a person, one file per line."""
        lines = [f"missing: {name}" for name in self.missing]
        lines += [f"extra: {name}" for name in self.extra]
        lines += [f"changed: {name}" for name in self.changed]
        return "\n".join(lines)


def _files(root: Path) -> dict[str, Path]:
    return {
        path.relative_to(root).as_posix(): path
        for path in root.rglob("*")
        if path.is_file()
        and not _BYPRODUCT_DIRS.intersection(path.relative_to(root).parts)
        and not any(part.endswith(".egg-info") for part in path.relative_to(root).parts)
    }


def compare(expected: Path, actual: Path) -> Drift:
    """Compare two trees byte for byte."""
    expected_files, actual_files = _files(expected), _files(actual)
    shared = sorted(expected_files.keys() & actual_files.keys())
    return Drift(
        missing=sorted(expected_files.keys() - actual_files.keys()),
        extra=sorted(actual_files.keys() - expected_files.keys()),
        changed=[name for name in shared if expected_files[name].read_bytes() != actual_files[name].read_bytes()],
    )


def find_drift(spec: Path = SPEC, committed: Path = GENERATED_CLIENT) -> Drift:
    """Generate from `spec` into a temporary folder and compare with the committed client."""
    with tempfile.TemporaryDirectory(prefix="memories-client-") as scratch:
        fresh = Path(scratch) / "generated_client"
        generate(fresh, spec)
        return compare(fresh, committed)
