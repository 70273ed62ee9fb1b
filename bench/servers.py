"""The servers under load, each in a process of its own on 127.0.0.1: the mock, Prism, the ceiling.

Prism and the ceiling cannot say which port they bound, so they get a free one chosen here; the mock binds its own.
"""

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from mock_server import DOCUMENTED_TEST_KEY
from mock_server.testing import mock_process

REPO_ROOT = Path(__file__).resolve().parent.parent
PRISM = REPO_ROOT / "bench" / "prism" / "node_modules" / ".bin" / "prism"
SAMPLE = REPO_ROOT / "samples" / "sunset.png"


@dataclass(frozen=True)
class Target:
    """A server and the URLs of the two requests measured on it."""

    name: str
    base_url: str
    json_path: str = "/embeddings/image"
    multipart_path: str = "/upload"
    asset_id: str = "re_660727003963174912"
    pid: int | None = None
    """The server's process, when the benchmark started it."""

    @property
    def json_url(self) -> str:
        return self.base_url + self.json_path

    @property
    def multipart_url(self) -> str:
        return self.base_url + self.multipart_path

    @property
    def json_body(self) -> dict[str, str]:
        """The measured asset_id request's body."""
        return {"asset_id": self.asset_id, "model": "multimodalembedding@001"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serving(command: list[str], port: int) -> Iterator[None]:
    """Run `command` until the block ends, once it accepts HTTP on `port`."""
    process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{command[0]} did not start") from None
                time.sleep(0.2)
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def mock(*options: str, access_log: bool = False) -> Iterator[Target]:
    """`python -m mock_server`, with an uploaded sample so that the JSON request names a real asset."""
    options = ("--log-level", "warning", *options, *(() if access_log else ("--no-access-log",)))
    with mock_process(*options, stderr=subprocess.DEVNULL) as running:
        asset_id = _upload_sample(running.base_url)
        name = "mock, access log on" if access_log else "mock"
        yield Target(name, running.base_url, asset_id=asset_id, pid=running.process.pid)


def _upload_sample(base_url: str, attempts: int = 20) -> str:
    """The asset id of the sample, uploaded to the mock at `base_url` (again while its injected faults fail it)."""
    for _ in range(attempts):
        try:
            with SAMPLE.open("rb") as sample:
                uploaded = httpx.post(
                    f"{base_url}/upload", headers={"Authorization": DOCUMENTED_TEST_KEY}, files={"file": sample}
                )
            uploaded.raise_for_status()
            asset_id: str = uploaded.json()["data"]["asset_id"]
            return asset_id
        except (httpx.TransportError, httpx.HTTPStatusError):
            continue
    raise RuntimeError(f"the sample could not be uploaded in {attempts} attempts")


@contextmanager
def prism() -> Iterator[Target]:
    """Stoplight Prism 5.14.2 serving the same openapi.yaml (static examples)."""
    port = free_port()
    with serving([str(PRISM), "mock", "-h", "127.0.0.1", "-p", str(port), "openapi.yaml"], port):
        yield Target("prism", f"http://127.0.0.1:{port}")


@contextmanager
def ceiling() -> Iterator[Target]:
    """The same server stack doing no work (bench/ceiling.py)."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "bench.ceiling:app", "--port", str(port)]
    with serving([*command, "--no-access-log", "--log-level", "warning"], port):
        yield Target("ceiling", f"http://127.0.0.1:{port}", json_path="/json", multipart_path="/multipart")
