"""Fixtures for the SDK's tests: both async backends, retries that record their waits, scripted and counting servers."""

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import anyio
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from memories_sdk import RetryPolicy
from memories_sdk.transport import AsyncBackend
from mock_server import API_PREFIX, Settings, create_app
from mock_server.testing import serve


@pytest.fixture(params=["httpx", "aiohttp"])
def async_backend(request: pytest.FixtureRequest) -> AsyncBackend:
    """Each async backend in turn: an async test taking this fixture runs once on each."""
    backend: AsyncBackend = request.param
    return backend


@pytest.fixture
def waits() -> list[float]:
    """The waits the retry policy asked for, in order."""
    return []


@pytest.fixture
def retry(waits: list[float]) -> RetryPolicy:
    """The default policy, without jitter, waiting by recording instead of sleeping."""

    async def record(seconds: float) -> None:
        waits.append(seconds)

    return RetryPolicy(random=lambda: 0.0, sleep=waits.append, async_sleep=record)


@dataclass
class Scripted:
    """An answer the scripted server gives: status, body, headers."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class ScriptedServer:
    """A loopback server that gives the answers queued in `script`, then 404s, and keeps each request's body."""

    base_url: str
    script: list[Scripted] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)


@pytest.fixture(scope="module")
def scripted_server() -> Iterator[ScriptedServer]:
    """A scripted server on 127.0.0.1 and an ephemeral port, shared by a module's tests."""
    state = ScriptedServer(base_url="")

    async def answer(request: Request) -> Response:
        state.bodies.append(await request.body())
        state.headers.append(dict(request.headers))
        if not state.script:
            return Response(b"no scripted answer left", 404)
        next_answer = state.script.pop(0)
        return Response(next_answer.body, next_answer.status, next_answer.headers)

    app = Starlette(routes=[Route("/{path:path}", answer, methods=["GET", "POST"])])
    with serve(app) as port:
        state.base_url = f"http://127.0.0.1:{port}/serve/api/v2"
        yield state


@pytest.fixture
def scripted(scripted_server: ScriptedServer) -> ScriptedServer:
    """The module's scripted server, with an empty script and no recorded bodies."""
    scripted_server.script.clear()
    scripted_server.bodies.clear()
    scripted_server.headers.clear()
    return scripted_server


@dataclass
class CountingMock:
    """A mock behind an ASGI middleware that counts the requests it sees and how many were in flight at once."""

    base_url: str
    api_key: str
    delay: float = 0.0
    paths: list[str] = field(default_factory=list)
    clients: list[tuple[str, int]] = field(default_factory=list)
    """The address each request came from: one port for requests that shared a connection."""
    in_flight: int = 0
    most_in_flight: int = 0


@contextmanager
def counting_mock(delay: float = 0.0) -> Iterator[CountingMock]:
    """A fresh mock on loopback whose every request waits `delay` seconds first, and is counted."""
    settings = Settings(access_log=False)
    mock = create_app(settings)
    state = CountingMock(base_url="", api_key=sorted(settings.api_keys)[0], delay=delay)

    async def counting(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await mock(scope, receive, send)
            return
        state.paths.append(scope["path"])
        state.clients.append(tuple(scope["client"]))
        state.in_flight += 1
        state.most_in_flight = max(state.most_in_flight, state.in_flight)
        try:
            await anyio.sleep(state.delay)
            await mock(scope, receive, send)
        finally:
            state.in_flight -= 1

    with serve(counting) as port:
        state.base_url = f"http://127.0.0.1:{port}{API_PREFIX}"
        yield state


class Pipe(io.RawIOBase):
    """A pipe-like stream: readable once, from the start, never rewound (wrap it in io.BufferedReader)."""

    def __init__(self, content: bytes) -> None:
        self._content = io.BytesIO(content)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: "memoryview | bytearray") -> int:  # type: ignore[override]
        chunk = self._content.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)
