"""`make conformance` against a deployment: here, the mock in a process of its own, or broken, in this one."""

import json
import os
import subprocess
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from mock_server import DOCUMENTED_TEST_KEY, Settings, run_mock
from mock_server.assets import AssetStore
from mock_server.testing import mock_process

REPO_ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def deployment(*options: str) -> Iterator[str]:
    """The mock's command line with `options`, quiet but for errors; yields its base URL."""
    with mock_process("--no-access-log", "--log-level", "error", *options) as mock:
        yield mock.base_url


def make_conformance(*variables: str, api_key: str | None = None) -> subprocess.CompletedProcess[str]:
    """`make conformance` as the README says to run it: the key, if any, in the environment."""
    environment = {name: value for name, value in os.environ.items() if not name.startswith("MAKE")}
    environment.pop("API_KEY", None)
    if api_key is not None:
        environment["API_KEY"] = api_key
    return subprocess.run(
        ["make", "--no-print-directory", "conformance", *variables],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def conformance(base_url: str, reports: Path) -> subprocess.CompletedProcess[str]:
    return make_conformance(f"BASE_URL={base_url}", f"REPORTS_DIR={reports}", api_key=DOCUMENTED_TEST_KEY)


def test_the_mock_conforms_and_the_reports_are_written(tmp_path: Path) -> None:
    with deployment() as base_url:
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
    with deployment("--fault-rate", "1") as base_url:
        result = conformance(base_url, tmp_path)
    assert result.returncode != 0
    assert "Server error" in result.stdout
    assert ElementTree.parse(tmp_path / "junit.xml").getroot().find(".//failure") is not None


def test_a_deployment_that_loses_uploads_fails_conformance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Every "Asset not found" would be excused as an unknown id, were it not for the ids uploads returned.
    monkeypatch.setattr(AssetStore, "get", lambda self, api_key, asset_id: None)
    with run_mock(Settings(access_log=False)) as mock:
        result = conformance(mock.base_url, tmp_path)
    assert result.returncode != 0
    assert "uploads_are_embeddable" in result.stdout


def test_a_wrong_key_fails_conformance(tmp_path: Path) -> None:
    with deployment("--api-key", "sk-mai-another-key") as base_url:
        result = conformance(base_url, tmp_path)
    assert result.returncode != 0
    assert "Authentication failed" in result.stdout


def test_conformance_needs_a_url_and_a_key() -> None:
    for result in (make_conformance("BASE_URL=http://127.0.0.1:9"), make_conformance(api_key=DOCUMENTED_TEST_KEY)):
        assert result.returncode == 2
        assert "usage: make conformance BASE_URL=" in result.stdout


def test_conformance_refuses_a_key_on_the_command_line() -> None:
    result = make_conformance("BASE_URL=http://127.0.0.1:9", f"API_KEY={DOCUMENTED_TEST_KEY}")
    assert result.returncode == 2
    assert "put the key in the environment" in result.stdout
    assert DOCUMENTED_TEST_KEY not in result.stdout + result.stderr
