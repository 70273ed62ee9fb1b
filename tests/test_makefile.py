"""The Makefile's choice of Python: one environment per version, and one line when no interpreter fits."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def make(*args: str) -> subprocess.CompletedProcess[str]:
    environment = {name: value for name, value in os.environ.items() if not name.startswith(("MAKE", "MFLAGS"))}
    return subprocess.run(
        ["make", "--no-print-directory", *args], cwd=ROOT, env=environment, capture_output=True, text=True, check=False
    )


def fake_python(folder: Path, version: str) -> Path:
    """An interpreter that answers the probe as Python `version` would, below the supported range."""
    program = folder / f"python{version}"
    program.write_text(f'#!/bin/sh\necho "{version} {program}"\nexit 3\n', encoding="utf-8")
    program.chmod(0o755)
    return program


@pytest.mark.parametrize("target", ["venv", "test", "demo", "dist"])
def test_too_old_a_python_stops_make_with_one_line_naming_the_versions_that_work(tmp_path: Path, target: str) -> None:
    result = make("--dry-run", target, f"PYTHON={fake_python(tmp_path, '3.10')}")
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert "is Python 3.10: this project needs Python 3.11 or newer" in line
    assert "PYTHON=python3.12" in line


def test_an_interpreter_that_does_not_run_is_named_in_one_line() -> None:
    result = make("--dry-run", "venv", "PYTHON=no-such-python")
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert "no Python interpreter runs as 'no-such-python'" in line


def test_each_python_version_gets_its_own_environment() -> None:
    result = make("--dry-run", "--always-make", "venv", f"PYTHON={sys.executable}")
    assert result.returncode == 0, result.stderr
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert f"sync --frozen --python {sys.executable}" in result.stdout
    assert f".venv-{version}/.synced" in result.stdout


def test_targets_that_need_no_python_run_without_one() -> None:
    result = make("help", "PYTHON=no-such-python")
    assert result.returncode == 0
    assert result.stderr == ""
