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
def mock_process(*options: str, broken_by: str = "") -> Iterator[str]:
    """The mock's command line on a free loopback port, after running `broken_by`; yields its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    arguments = ["--port", str(port), "--no-access-log", "--log-level", "error", *options]
    program = f"{broken_by}\nfrom mock_server.__main__ import main\nmain({arguments!r})"
    process = subprocess.Popen([sys.executable, "-c", program], cwd=REPO_ROOT)
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


def test_a_deployment_that_loses_uploads_fails_conformance(tmp_path: Path) -> None:
    # Every "Asset not found" would be excused as an unknown id, were it not for the ids uploads returned.
    losing = "from mock_server.assets import AssetStore\nAssetStore.get = lambda self, api_key, asset_id: None"
    with mock_process(broken_by=losing) as base_url:
        result = conformance(base_url, tmp_path)
    assert result.returncode != 0
    assert "uploads_are_embeddable" in result.stdout


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
