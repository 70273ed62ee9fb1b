"""Answers that break off or break HTTP: retried like any failed attempt, on both async backends; only typed errors
escape."""

import asyncio
import json
import socket
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from memories_client import AuthenticatedClient
from memories_client.api.embeddings import embed_image
from memories_client.models import ImageEmbeddingAssetRequest, ImageEmbeddingResponse
from memories_sdk import (
    APIConnectionError,
    MalformedResponseError,
    MemoriesError,
    MemoriesTransport,
    RetryPolicy,
    create_client,
)
from memories_sdk.transport import AsyncBackend

BODY = ImageEmbeddingAssetRequest(asset_id="re_1", model="mobileclip")
GOOD = json.dumps({"code": 200, "msg": "success", "data": {"embedding": [0.6, 0.8]}}).encode()
COMPLETE = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(GOOD), GOOD)
CHUNKED_CUT = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n40\r\n" + GOOD[:20]
LENGTH_SHORT = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + GOOD[:8]
RESET = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + GOOD[:8] + b"<reset>"
BAD_GZIP = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 10\r\n\r\nnot gzip!!"
NO_ANSWER = b"<close>"
BAD_STATUS_LINE = b"HTTP/1.1 abc\r\n\r\n"
NOT_HTTP = b"hello, this is no HTTP\r\n\r\n"
BAD_HEADER = b"HTTP/1.1 200 OK\r\nX-Broken: \x00\r\nContent-Length: 0\r\n\r\n"
BAD_LENGTH = b"HTTP/1.1 200 OK\r\nContent-Length: many\r\n\r\n"


def closing(answer: bytes) -> bytes:
    """`answer` saying `Connection: close`."""
    status_line, _, rest = answer.partition(b"\r\n")
    return status_line + b"\r\nConnection: close\r\n" + rest


def _answer(connection: socket.socket, answer: bytes) -> None:
    received = b""
    while b"\r\n\r\n" not in received:
        received += connection.recv(65536)
    head, _, body = received.partition(b"\r\n\r\n")
    length = next(
        (int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")), 0
    )
    while len(body) < length:
        body += connection.recv(65536)
    if answer == NO_ANSWER:
        return
    if answer.endswith(b"<reset>"):
        connection.sendall(answer.removesuffix(b"<reset>"))
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close with RST
    else:
        connection.sendall(answer)


@contextmanager
def raw_server(answers: list[bytes]) -> Iterator[str]:
    """A loopback server that gives each connection the next raw answer, then closes it."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        for answer in answers:
            connection, _ = listener.accept()
            with connection:
                _answer(connection, answer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/serve/api/v2"
    finally:
        listener.close()
        thread.join(5)


BROKEN = {
    "chunked-cut": CHUNKED_CUT,
    "length-short": LENGTH_SHORT,
    "reset": RESET,
    "no-answer": NO_ANSWER,
    "bad-status-line": BAD_STATUS_LINE,
    "not-http": NOT_HTTP,
    "bad-header": BAD_HEADER,
    "bad-content-length": BAD_LENGTH,
}


@pytest.mark.parametrize("broken", BROKEN.values(), ids=BROKEN.keys())
def test_a_body_that_breaks_off_is_retried(broken: bytes, retry: RetryPolicy, waits: list[float]) -> None:
    with (
        raw_server([broken, broken, COMPLETE]) as base_url,
        create_client("k", base_url=base_url, retry=retry) as client,
    ):
        result = embed_image.sync(client=client, body=BODY)
    assert isinstance(result, ImageEmbeddingResponse)
    assert waits == [0.5, 1.0]


@pytest.mark.parametrize("broken", BROKEN.values(), ids=BROKEN.keys())
def test_a_body_that_always_breaks_off_is_a_connection_error(broken: bytes, retry: RetryPolicy) -> None:
    with raw_server([broken] * 3) as base_url, create_client("k", base_url=base_url, retry=retry) as client:
        with pytest.raises(APIConnectionError, match="after 3 attempt"):
            embed_image.sync(client=client, body=BODY)


async def _outcome(client: AuthenticatedClient) -> object:
    try:
        return await embed_image.asyncio(client=client, body=BODY)
    except MemoriesError as error:
        return error


async def _embed(client: AuthenticatedClient) -> object:
    async with client:
        return await _outcome(client)


@pytest.mark.parametrize("broken", BROKEN.values(), ids=BROKEN.keys())
def test_async_broken_answers_are_retried_alike(
    broken: bytes, retry: RetryPolicy, waits: list[float], async_backend: AsyncBackend
) -> None:
    with raw_server([broken, broken, COMPLETE]) as base_url:
        result = asyncio.run(_embed(create_client("k", base_url=base_url, retry=retry, async_backend=async_backend)))
    assert isinstance(result, ImageEmbeddingResponse)
    assert waits == [0.5, 1.0]


@pytest.mark.parametrize("broken", BROKEN.values(), ids=BROKEN.keys())
def test_async_broken_answers_end_in_a_connection_error(
    broken: bytes, retry: RetryPolicy, async_backend: AsyncBackend
) -> None:
    with raw_server([broken] * 3) as base_url:
        error = asyncio.run(_embed(create_client("k", base_url=base_url, retry=retry, async_backend=async_backend)))
    assert type(error) is APIConnectionError
    assert "after 3 attempt(s)" in str(error)
    assert isinstance(error.__cause__, httpx.RemoteProtocolError | httpx.ReadError)


def test_an_undecodable_body_is_malformed(retry: RetryPolicy) -> None:
    with raw_server([BAD_GZIP]) as base_url, create_client("k", base_url=base_url, retry=retry) as client:
        with pytest.raises(MalformedResponseError, match="cannot be decoded") as raised:
            embed_image.sync(client=client, body=BODY)
    assert raised.value.body == b""


def test_an_undecodable_body_is_malformed_on_both_async_backends(
    retry: RetryPolicy, waits: list[float], async_backend: AsyncBackend
) -> None:
    with raw_server([BAD_GZIP]) as base_url:
        error = asyncio.run(_embed(create_client("k", base_url=base_url, retry=retry, async_backend=async_backend)))
    assert isinstance(error, MalformedResponseError)
    assert "cannot be decoded" in str(error)
    assert waits == []  # not retried: the same answer would come again


def test_a_broken_answer_gives_its_connection_back_at_once(async_backend: AsyncBackend) -> None:
    # One connection in the pool, and a pool timeout far shorter than the retries' patience: a connection kept by
    # the undecodable or broken answer would make the requests after it wait for the pool, and time out.
    # (`Connection: close`, as the server closes each connection: else aiohttp may reuse it before it sees the close.)
    answers = [closing(BAD_GZIP), closing(CHUNKED_CUT), closing(COMPLETE)]
    with raw_server(answers) as base_url:
        client = create_client(
            "k",
            base_url=base_url,
            retry=RetryPolicy(max_retries=0),
            limits=httpx.Limits(max_connections=1),
            timeout=httpx.Timeout(5.0, pool=0.5),
            async_backend=async_backend,
        )

        async def in_turn() -> list[object]:
            async with client:
                return [await _outcome(client) for _ in answers]

        results = asyncio.run(in_turn())
    assert [type(result) for result in results] == [MalformedResponseError, APIConnectionError, ImageEmbeddingResponse]


def test_an_undecodable_body_gives_its_connection_back_at_once() -> None:
    # Left to itself, the half-read body is closed only when the event loop finalizes its generators, later.
    # (Sync calls give no such window in CPython: the generators are closed as the error unwinds.)
    events: list[str] = []

    async def trace(event: str, info: dict[str, Any]) -> None:
        events.append(event)

    async def traced(request: httpx.Request) -> None:
        request.extensions["trace"] = trace

    async def call(base_url: str) -> list[str]:
        transport = MemoriesTransport(retry=RetryPolicy(max_retries=0))
        hooks = {"request": [traced]}
        client = AuthenticatedClient(
            base_url=base_url, token="k", httpx_args={"transport": transport, "event_hooks": hooks}
        )
        async with client:
            with pytest.raises(MalformedResponseError):
                await embed_image.asyncio(client=client, body=BODY)
            return list(events)  # before anything else runs on the loop

    with raw_server([BAD_GZIP]) as base_url:
        seen = asyncio.run(call(base_url))
    assert "http11.response_closed.complete" in seen
