"""Run the mock on 127.0.0.1 and an ephemeral port, for tests, demos and benchmarks.

`run_mock` serves it in a background thread of this process; `mock_process` runs `python -m mock_server` as a
process of its own; `serve` runs any ASGI app like `run_mock` does.
"""

import os
import selectors
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any

import uvicorn
from starlette.types import ASGIApp

from memories_client import AuthenticatedClient
from mock_server.app import ANNOUNCED_ORIGIN, API_PREFIX, create_app
from mock_server.server import server_config
from mock_server.settings import ENV_PREFIX, Settings

__all__ = ["MockProcess", "RunningMock", "mock_process", "run_mock", "serve"]

_STARTUP_TIMEOUT = 10.0


@dataclass(frozen=True)
class RunningMock:
    """A mock listening on loopback."""

    host: str
    port: int
    settings: Settings

    @property
    def origin(self) -> str:
        """`http://127.0.0.1:<port>`."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The API's base URL, as the generated client takes it."""
        return self.origin + API_PREFIX

    @property
    def api_key(self) -> str:
        """A key the mock accepts (the first, in sorted order)."""
        return sorted(self.settings.api_keys)[0]

    def client(self, api_key: str | None = None) -> AuthenticatedClient:
        """A generated client for this mock, sending the raw key like the real API expects."""
        return AuthenticatedClient(base_url=self.base_url, token=api_key or self.api_key, prefix="")


@contextmanager
def serve(app: ASGIApp, host: str = "127.0.0.1", port: int = 0) -> Iterator[int]:
    """Serve any ASGI app with uvicorn in a thread until the block ends; yields the port (0 picks a free one).

    The server is the mock's (mock_server.server), so that the mock's network faults happen on the wire.
    """
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    server = uvicorn.Server(server_config(app, log_config=None, access_log=False, lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True, name="loopback-server")
    thread.start()
    try:
        waited = threading.Event()
        for _ in range(int(_STARTUP_TIMEOUT / 0.01)):
            if server.started or not thread.is_alive():
                break
            waited.wait(0.01)
        if not server.started:
            raise RuntimeError("the server did not start")
        yield listener.getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(_STARTUP_TIMEOUT)
        listener.close()


@contextmanager
def run_mock(settings: Settings | None = None, host: str = "127.0.0.1", port: int = 0) -> Iterator[RunningMock]:
    """Serve a fresh mock until the block ends; port 0 picks a free ephemeral port without a race."""
    settings = settings or Settings()
    with serve(create_app(settings), host, port) as bound_port:
        yield RunningMock(host, bound_port, settings)


@dataclass(frozen=True)
class MockProcess:
    """A `python -m mock_server` process listening on loopback."""

    origin: str
    """`http://127.0.0.1:<port>`."""
    process: subprocess.Popen[str]

    @property
    def base_url(self) -> str:
        """The API's base URL, as the generated client takes it."""
        return self.origin + API_PREFIX


@contextmanager
def mock_process(
    *options: str,
    env: Mapping[str, str] | None = None,
    stderr: int | IO[Any] | None = None,
    timeout: float = 20.0,
) -> Iterator[MockProcess]:
    """Run `python -m mock_server` with command-line `options` on 127.0.0.1 and a free port until the block ends.

    The mock sees this process's environment without its MEMORIES_MOCK_* variables, plus `env`, so that only
    what the caller gives configures it. Its log goes to `stderr` (a file, `subprocess.DEVNULL`; default: this
    process's). Raises RuntimeError if it exits or stays silent for `timeout` seconds before it listens.
    """
    environment = {name: value for name, value in os.environ.items() if not name.startswith(ENV_PREFIX)}
    process = subprocess.Popen(
        [sys.executable, "-m", "mock_server", "--host", "127.0.0.1", "--port", "0", *options],
        stdout=subprocess.PIPE,
        stderr=stderr,
        env={**environment, **(env or {})},
        text=True,
    )
    try:
        yield MockProcess(_announced_origin(process, timeout), process)
    finally:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        assert process.stdout is not None
        process.stdout.close()


def _announced_origin(process: subprocess.Popen[str], timeout: float) -> str:
    # The mock binds port 0 itself and prints the URL once it listens: no port race, no polling. Its end closes
    # the pipe, which ends the wait at once.
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            raise RuntimeError(f"the mock did not start within {timeout} s")
    line = process.stdout.readline()
    if not line:
        raise RuntimeError(f"the mock exited before it listened (status {process.wait(timeout)}): see its log")
    announced = ANNOUNCED_ORIGIN.match(line)
    if announced is None:
        raise RuntimeError(f"the mock printed {line!r} instead of its URL")
    return announced.group(1)
