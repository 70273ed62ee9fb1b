"""Fixtures for the SDK's tests: both async backends, retries that record their waits, a server of scripted answers."""

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from memories_sdk import RetryPolicy
from memories_sdk.transport import AsyncBackend
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


@pytest.fixture(scope="module")
def scripted_server() -> Iterator[ScriptedServer]:
    """A scripted server on 127.0.0.1 and an ephemeral port, shared by a module's tests."""
    state = ScriptedServer(base_url="")

    async def answer(request: Request) -> Response:
        state.bodies.append(await request.body())
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
    return scripted_server
