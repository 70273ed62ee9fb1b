"""Answers that break while they are read: retried like any failed attempt, and only typed errors escape."""

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
from memories_sdk import APIConnectionError, MalformedResponseError, MemoriesTransport, RetryPolicy, create_client

BODY = ImageEmbeddingAssetRequest(asset_id="re_1", model="mobileclip")
GOOD = json.dumps({"code": 200, "msg": "success", "data": {"embedding": [0.6, 0.8]}}).encode()
COMPLETE = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(GOOD), GOOD)
CHUNKED_CUT = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n40\r\n" + GOOD[:20]
LENGTH_SHORT = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + GOOD[:8]
RESET = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + GOOD[:8] + b"<reset>"
BAD_GZIP = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 10\r\n\r\nnot gzip!!"


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


BROKEN = {"chunked-cut": CHUNKED_CUT, "length-short": LENGTH_SHORT, "reset": RESET}


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


def test_async_reads_are_retried_alike(retry: RetryPolicy, waits: list[float]) -> None:
    async def call(base_url: str) -> object:
        async with create_client("k", base_url=base_url, retry=retry) as client:
            return await embed_image.asyncio(client=client, body=BODY)

    with raw_server([RESET, CHUNKED_CUT, COMPLETE]) as base_url:
        result = asyncio.run(call(base_url))
    assert isinstance(result, ImageEmbeddingResponse)
    assert waits == [0.5, 1.0]


def test_an_undecodable_body_is_malformed(retry: RetryPolicy) -> None:
    with raw_server([BAD_GZIP]) as base_url, create_client("k", base_url=base_url, retry=retry) as client:
        with pytest.raises(MalformedResponseError, match="cannot be decoded") as raised:
            embed_image.sync(client=client, body=BODY)
    assert raised.value.body == b""


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
