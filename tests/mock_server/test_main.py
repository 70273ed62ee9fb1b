"""`python -m mock_server`: options over the environment, and a real process serving on loopback."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from mock_server.__main__ import parse_settings
from mock_server.settings import DOCUMENTED_TEST_KEY


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


def test_bad_values_exit_with_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        parse_settings(["--fault-rate", "2"])
    assert exited.value.code == 2
    assert "fault_rate must be between 0 and 1" in capsys.readouterr().err


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_serves_on_loopback_and_logs_without_the_key(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mock_server", "--port", str(port), "--data-dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "MEMORIES_MOCK_FAULT_RATE": "0"},
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                spec = httpx.get(f"http://127.0.0.1:{port}/openapi.yaml")
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline, "the mock did not start"
                time.sleep(0.1)
        assert spec.status_code == 200
        response = httpx.post(
            f"http://127.0.0.1:{port}/serve/api/v2/embeddings/image",
            headers={"Authorization": DOCUMENTED_TEST_KEY},
            json={"asset_id": "re_1", "model": "mobileclip"},
        )
        assert response.json()["msg"] == "Asset not found"
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=20)
    assert "POST /serve/api/v2/embeddings/image 400" in output
    assert DOCUMENTED_TEST_KEY not in output
    assert "Traceback" not in output
