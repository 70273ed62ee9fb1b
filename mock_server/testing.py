"""Run the mock on 127.0.0.1 in a background thread, on an ephemeral port, for tests and demos."""

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import uvicorn
from starlette.types import ASGIApp

from memories_client import AuthenticatedClient
from mock_server.app import API_PREFIX, create_app
from mock_server.settings import Settings

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
    """Serve any ASGI app with uvicorn in a thread until the block ends; yields the port (0 picks a free one)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, access_log=False, lifespan="off"))
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
