"""`memories-conformance` and `make conformance` against deployments: the mock in a process of its own, broken mocks,
and URLs that cannot be tested. One whole run (about 10 s) against the mock; the rest stop after the probes.
"""

import json
import os
import socket
import subprocess
import threading
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from memories_contract.conformance import main
from memories_contract.exchanges import Credential
from memories_contract.plan import make_plan
from memories_contract.probes import Pictures, preflight_calls, probes
from mock_server import API_PREFIX, DOCUMENTED_TEST_KEY, Settings, run_mock
from mock_server.assets import AssetStore
from mock_server.testing import mock_process

REPO_ROOT = Path(__file__).resolve().parents[2]
SECOND_KEY = "sk-mai-the-second-key-of-the-conformance-tests"
PICTURES = Pictures()
PROBE_NAMES = [probe.name for probe in probes(PICTURES)]
# A cap that leaves schemathesis nothing: these runs are about the probes.
PROBES_ONLY = len(make_plan(preflight_calls(PICTURES), probes(PICTURES), 10**6, set(Credential)).calls)


@contextmanager
def deployment(*options: str, log: Path | None = None) -> Iterator[str]:
    """The mock's command line with `options` and both keys, quiet unless `log` keeps its access log; its base URL."""
    keys = ("--api-key", DOCUMENTED_TEST_KEY, "--api-key", SECOND_KEY)
    quiet = () if log else ("--no-access-log", "--log-level", "error")
    with (log or Path(os.devnull)).open("w") as stderr, mock_process(*keys, *quiet, *options, stderr=stderr) as mock:
        yield mock.base_url


@pytest.fixture(scope="module")
def mock_url() -> Iterator[str]:
    """One mock for the tests that only read from it."""
    with deployment() as base_url:
        yield base_url


def make_conformance(*variables: str, **keys: str) -> subprocess.CompletedProcess[str]:
    """`make conformance` as the README says to run it: the keys, if any, in the environment."""
    environment = {name: value for name, value in os.environ.items() if not name.startswith("MAKE")}
    for name in ("API_KEY", "API_KEY_2", "GITHUB_STEP_SUMMARY"):
        environment.pop(name, None)
    environment.update(keys)
    return subprocess.run(
        ["make", "--no-print-directory", "conformance", *variables],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def conformance(
    monkeypatch: pytest.MonkeyPatch, *args: str, second_key: bool = True, api_key: str = DOCUMENTED_TEST_KEY
) -> int:
    """`memories-conformance` in this process, with API_KEY (and API_KEY_2) in the environment."""
    monkeypatch.setenv("API_KEY", api_key)
    if second_key:
        monkeypatch.setenv("API_KEY_2", SECOND_KEY)
    else:
        monkeypatch.delenv("API_KEY_2", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    return main(list(args))


def failed_cases(junit: Path) -> set[str]:
    root = ElementTree.parse(junit).getroot()
    return {
        f"{case.get('classname')}: {case.get('name')}"
        for case in root.iter("testcase")
        if case.find("failure") is not None
    }


def test_the_mock_conforms_and_the_reports_are_written(tmp_path: Path) -> None:
    step_summary = tmp_path / "step-summary.md"
    step_summary.write_text("# an earlier step\n", encoding="utf-8")
    reports = tmp_path / "reports"
    with deployment() as base_url:
        result = make_conformance(
            f"BASE_URL={base_url}",
            f"REPORTS_DIR={reports}",
            API_KEY=DOCUMENTED_TEST_KEY,
            API_KEY_2=SECOND_KEY,
            GITHUB_STEP_SUMMARY=str(step_summary),
        )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert lines[0].endswith("contract profile default")
    assert lines[1].startswith("plan: at most 500 requests")
    assert "$" in lines[1]  # the cost, before any request
    assert lines.index("probes:") > 1
    for phase in ("examples", "coverage", "fuzzing", "stateful"):
        assert f"  schemathesis {phase}: success" in lines
    suites = {suite.get("name"): suite for suite in ElementTree.parse(reports / "junit.xml").getroot()}
    assert [case.get("name") for case in suites["probes"]] == PROBE_NAMES  # ownership too: API_KEY_2 is set
    checks = [case.get("name") for case in suites["schemathesis"]]
    assert set(checks) >= {"not_a_server_error", "envelope_code_matches_status", "uploads_are_embeddable"}
    assert len(checks) == len(set(checks)) >= 10
    assert failed_cases(reports / "junit.xml") == set()
    har_text = (reports / "network.har").read_text()
    entries = json.loads(har_text)["log"]["entries"]
    assert len(entries) > 100
    assert {entry["request"]["url"].split(API_PREFIX)[-1] for entry in entries} >= {"/embeddings/image", "/upload"}
    for secret in (DOCUMENTED_TEST_KEY, SECOND_KEY):
        assert secret not in har_text + result.stdout + step_summary.read_text()
    summary = (reports / "summary.md").read_text()
    assert summary.startswith("## memories-conformance: the deployment honours the contract")
    assert step_summary.read_text() == "# an earlier step\n" + summary


def test_a_deployment_that_loses_uploads_fails_conformance(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Every "Asset not found" would be excused as an unknown id, were it not for the ids uploads returned.
    monkeypatch.setattr(AssetStore, "get", lambda self, api_key, asset_id: None)
    with run_mock(Settings(access_log=False, api_keys=frozenset({DOCUMENTED_TEST_KEY, SECOND_KEY}))) as mock:
        assert conformance(monkeypatch, "--url", mock.base_url, "--reports", str(tmp_path)) == 1
    output = capsys.readouterr().out
    assert "failed  schemathesis: uploads_are_embeddable" in output
    assert "'Asset not found'" in output
    assert {"probes: dimensions[mobileclip]", "probes: methods-agree[mobileclip]"} <= failed_cases(
        tmp_path / "junit.xml"
    )


def test_a_failing_deployment_fails_with_a_curl_per_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with deployment("--fault-rate", "1") as base_url:
        status = conformance(monkeypatch, "--url", base_url, "--reports", str(tmp_path), "--max-requests", "40")
    assert status == 1
    failed = failed_cases(tmp_path / "junit.xml")
    assert {"probes: upload", "probes: refusal[truncated PNG]", "schemathesis: not_a_server_error"} <= failed
    summary = (tmp_path / "summary.md").read_text()
    assert "breaks the contract" in summary
    assert "a server error, not 400" in summary
    sections = summary.split("\n#### ")[1:]
    assert {section.partition("\n")[0] for section in sections} == failed
    # Each failure comes with the command that sends its request again, but one whose request could not be sent.
    unsent = [section for section in sections if "no asset id to send" in section]
    assert unsent == [section for section in sections if "```sh\ncurl " not in section]
    assert len(unsent) < len(sections) // 2
    assert '--header "Authorization: $API_KEY"' in summary
    # schemathesis's commands too read the key from the environment, rather than send the word it filtered it to.
    assert '```sh\ncurl -X POST -H "Authorization: $API_KEY"' in summary
    assert "[Filtered]" not in summary
    assert DOCUMENTED_TEST_KEY not in summary + capsys.readouterr().out


def test_the_cap_bounds_the_whole_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "mock.log"
    cap = PROBES_ONLY + 30
    with deployment(log=log) as base_url:
        status = conformance(monkeypatch, "--url", base_url, "--reports", str(tmp_path), "--max-requests", str(cap))
    assert status == 0
    # Every request the mock answered is in its access log; a malformed one (schemathesis's NULL-byte probe) is not.
    answered = [line for line in log.read_text().splitlines() if "mock_server.access" in line]
    assert cap - 2 <= len(answered) <= cap
    assert "schemathesis stopped at the request cap" in (tmp_path / "summary.md").read_text()


def test_without_a_second_key_ownership_is_reported_not_run(
    mock_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("--url", mock_url, "--reports", str(tmp_path), "--max-requests", str(PROBES_ONLY))
    assert conformance(monkeypatch, *args, second_key=False) == 0
    assert "not run: ownership (API_KEY_2 is not set" in capsys.readouterr().out
    (ownership,) = (
        case for case in ElementTree.parse(tmp_path / "junit.xml").iter("testcase") if case.get("name") == "ownership"
    )
    skipped = ownership.find("skipped")
    assert skipped is not None
    assert "API_KEY_2 is not set" in skipped.get("message", "")
    assert "| ⏭️ | probes: ownership | not run: API_KEY_2 is not set" in (tmp_path / "summary.md").read_text()


def test_a_dry_run_prints_the_plan_and_sends_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with _listening() as (url, connections):
        monkeypatch.delenv("API_KEY", raising=False)  # a plan needs no key
        monkeypatch.setenv("API_KEY_2", SECOND_KEY)
        assert main(["--url", url, "--dry-run", "--max-requests", "100"]) == 0
    assert connections == []
    output = capsys.readouterr().out
    assert (
        f"probes: {PROBES_ONLY} requests, {PROBES_ONLY - 1} of them billable (${(PROBES_ONLY - 1) / 10_000:.4f})"
        in output
    )
    assert f"at most {100 - PROBES_ONLY} requests" in output
    assert "plan: at most 100 requests (--max-requests), costing at most $0.0099" in output
    assert output.rstrip().endswith("dry run: nothing sent")


class _Html(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = b"<!DOCTYPE html><html><body>Welcome</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@contextmanager
def _html_site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Html)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/serve/api/v2"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def _listening() -> Iterator[tuple[str, list[object]]]:
    """A port that accepts connections and records them, answering nothing."""
    connections: list[object] = []
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connections.append(listener.accept())
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/serve/api/v2", connections
    finally:
        stop.set()
        thread.join()
        listener.close()


def _free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return int(probe.getsockname()[1])


@pytest.mark.parametrize(
    ("where", "reason"),
    [
        ("nothing", "nothing answers at"),
        ("no base path", "every request answered 404 Not Found: is the base path missing from --url"),
        ("html", "answers HTML (200, text/html), not the API's JSON"),
        ("wrong key", "the deployment refuses the key in API_KEY (401"),
    ],
)
def test_a_url_that_cannot_be_tested_says_why_in_one_line(
    where: str,
    reason: str,
    mock_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with _html_site() as html:
        url = {
            "nothing": f"http://127.0.0.1:{_free_port()}/serve/api/v2",
            "no base path": mock_url.removesuffix(API_PREFIX),
            "html": html,
            "wrong key": mock_url,
        }[where]
        api_key = "sk-mai-a-key-the-mock-does-not-know" if where == "wrong key" else DOCUMENTED_TEST_KEY
        assert conformance(monkeypatch, "--url", url, "--reports", str(tmp_path), api_key=api_key) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("memories-conformance: could not test: ")
    assert reason in captured.err
    assert not (tmp_path / "junit.xml").exists()


def test_conformance_needs_a_url_and_a_key() -> None:
    for result in (make_conformance("BASE_URL=http://127.0.0.1:9"), make_conformance(API_KEY=DOCUMENTED_TEST_KEY)):
        assert result.returncode == 2
        assert "usage: make conformance BASE_URL=" in result.stdout


@pytest.mark.parametrize("variable", ["API_KEY", "API_KEY_2"])
def test_conformance_refuses_a_key_on_the_command_line(variable: str) -> None:
    result = make_conformance("BASE_URL=http://127.0.0.1:9", f"{variable}={DOCUMENTED_TEST_KEY}")
    assert result.returncode == 2
    assert "put the keys in the environment" in result.stdout
    assert DOCUMENTED_TEST_KEY not in result.stdout + result.stderr
