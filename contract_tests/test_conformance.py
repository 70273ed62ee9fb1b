"""`make conformance` against a deployment: here, the mock started by hand as its own process."""

import json
import os
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from mock_server import API_PREFIX, DOCUMENTED_TEST_KEY

REPO_ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def mock_process(*options: str) -> Iterator[str]:
    """`python -m mock_server` on a free loopback port; yields its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "mock_server", "--port", str(port), "--no-access-log", "--log-level", "error"]
    process = subprocess.Popen([*command, *options], cwd=REPO_ROOT)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/openapi.yaml")
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline, "the mock did not start"
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}{API_PREFIX}"
    finally:
        process.terminate()
        process.wait(timeout=20)


def conformance(base_url: str, reports: Path) -> subprocess.CompletedProcess[str]:
    variables = [f"BASE_URL={base_url}", f"API_KEY={DOCUMENTED_TEST_KEY}", f"REPORTS_DIR={reports}"]
    environment = {name: value for name, value in os.environ.items() if not name.startswith("MAKE")}
    return subprocess.run(
        ["make", "--no-print-directory", "conformance", *variables],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_mock_conforms_and_the_reports_are_written(tmp_path: Path) -> None:
    with mock_process() as base_url:
        result = conformance(base_url, tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    for phase in ("Examples", "Coverage", "Fuzzing", "Stateful"):
        assert f"✅ {phase}" in result.stdout
    suite = ElementTree.parse(tmp_path / "junit.xml").getroot()
    cases = suite.iter("testcase")
    assert {case.get("name") for case in cases} == {"POST /embeddings/image", "POST /upload", "Stateful tests"}
    assert suite.find(".//failure") is None
    har = json.loads((tmp_path / "network.har").read_text())
    assert len(har["log"]["entries"]) > 100
    assert DOCUMENTED_TEST_KEY not in (tmp_path / "network.har").read_text()  # schemathesis filters the key


def test_a_failing_deployment_fails_conformance(tmp_path: Path) -> None:
    with mock_process("--fault-rate", "1") as base_url:
        result = conformance(base_url, tmp_path)
    assert result.returncode != 0
    assert "Server error" in result.stdout
    assert ElementTree.parse(tmp_path / "junit.xml").getroot().find(".//failure") is not None


def test_a_wrong_key_fails_conformance(tmp_path: Path) -> None:
    with mock_process("--api-key", "sk-mai-another-key") as base_url:
        result = conformance(base_url, tmp_path)
    assert result.returncode != 0
    assert "Authentication failed" in result.stdout


def test_conformance_needs_a_url_and_a_key() -> None:
    result = subprocess.run(
        ["make", "--no-print-directory", "conformance", "API_KEY="],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "usage: make conformance BASE_URL=" in result.stdout
