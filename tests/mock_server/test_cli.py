"""`python -m mock_server`: options over the environment, and a real process serving on loopback."""

import subprocess
from pathlib import Path

import httpx
import pytest

from mock_server.cli import parse_settings
from mock_server.faults import Fault
from mock_server.latency import Latency
from mock_server.settings import DOCUMENTED_TEST_KEY
from mock_server.testing import mock_process
from tests.mock_server.helpers import PNG


def test_options_override_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MEMORIES_MOCK_FAULT_RATE", "0.5")
    monkeypatch.setenv("MEMORIES_MOCK_RATE_LIMIT", "7")
    args, settings = parse_settings(
        ["--port", "0", "--api-key", "sk-a", "--api-key", "sk-b", "--fault-rate", "0.1", "--data-dir", str(tmp_path)]
    )
    assert args.port == 0
    assert settings.api_keys == {"sk-a", "sk-b"}
    assert settings.fault_rate == 0.1
    assert settings.rate_limit == 7
    assert settings.data_dir == tmp_path


def test_fault_and_latency_options_override_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEMORIES_MOCK_LATENCY", "5s")
    monkeypatch.setenv("MEMORIES_MOCK_DRIP_RATE", "0.5")
    _, settings = parse_settings(
        [
            *("--latency", "uniform:10ms:20ms", "--latency", "uploadAsset=1s", "--latency-seed", "3"),
            *("--reset-rate", "0.1", "--empty-rate", "0.05", "--cut-off-rate", "0.02", "--drip-seconds", "3"),
        ]
    )
    assert settings.latency == Latency.parse(["uniform:10ms:20ms", "uploadAsset=1s"])
    assert settings.latency_seed == 3
    assert settings.network_fault_rates == {Fault.RESET: 0.1, Fault.EMPTY: 0.05, Fault.CUT_OFF: 0.02, Fault.DRIP: 0.5}
    assert settings.drip_seconds == 3


def test_rate_limit_zero_switches_the_limit_off_like_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEMORIES_MOCK_RATE_LIMIT", "7")
    assert parse_settings(["--rate-limit", "0"])[1].rate_limit is None
    monkeypatch.setenv("MEMORIES_MOCK_RATE_LIMIT", "0")
    assert parse_settings([])[1].rate_limit is None


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--fault-rate", "2"], "fault_rate must be between 0 and 1"),
        (["--api-key", ""], "API keys must not be empty or blank"),
        (["--api-key", "sk-a", "--api-key", "  "], "API keys must not be empty or blank"),
        (["--rate-limit", "-1"], "rate_limit must be at least 1"),
        (["--latency", "fast"], "'fast' is no duration: write it like 200ms or 1.5s"),
        (["--latency", "=1s"], "'=1s' names no operation before '='"),
        (["--latency", "embedVideo=1s"], "latency names no operation of the spec: embedVideo"),
        (["--reset-rate", "0.6", "--drip-rate", "0.6"], "the fault rates add up to more than 1"),
    ],
    ids=[
        "fault-rate",
        "empty-key",
        "blank-key",
        "negative-rate-limit",
        "latency",
        "no-operation",
        "unknown-operation",
        "rates-sum",
    ],
)
def test_bad_values_exit_with_a_usage_error(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    with pytest.raises(SystemExit) as exited:
        parse_settings(argv)
    assert exited.value.code == 2
    assert message in capsys.readouterr().err


def test_serves_on_loopback_and_logs_without_the_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MEMORIES_MOCK_FAULT_RATE", "1")  # not passed on: only the options and `env` configure it
    log, data = tmp_path / "mock.log", tmp_path / "data"
    headers = {"Authorization": DOCUMENTED_TEST_KEY}
    with log.open("w") as stderr, mock_process(env={"MEMORIES_MOCK_DATA_DIR": str(data)}, stderr=stderr) as mock:
        assert mock.origin.startswith("http://127.0.0.1:")
        assert httpx.get(f"{mock.origin}/openapi.yaml").status_code == 200
        missing = httpx.post(
            f"{mock.base_url}/embeddings/image", headers=headers, json={"asset_id": "re_1", "model": "mobileclip"}
        )
        assert missing.json()["msg"] == "Asset not found"
        uploaded = httpx.post(f"{mock.base_url}/upload", headers=headers, files={"file": ("a.png", PNG, "image/png")})
        assert uploaded.status_code == 200
    assert mock.process.poll() is not None
    assert [path.name for path in (data / "assets").iterdir()] == [f"{uploaded.json()['data']['asset_id']}.json"]
    output = log.read_text()
    assert "POST /serve/api/v2/embeddings/image 400" in output
    assert DOCUMENTED_TEST_KEY not in output
    assert "Traceback" not in output


def test_a_mock_that_cannot_start_fails_at_once() -> None:
    with pytest.raises(RuntimeError, match=r"exited before it listened \(status 2\)"):
        with mock_process("--fault-rate", "2", stderr=subprocess.DEVNULL):
            pytest.fail("the mock should not have started")
