"""The aiohttp backend behaves as httpx's: its errors, the write timeout, the keep-alive limit, cookies, reopening."""

import asyncio
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import anyio
import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from memories_client import AuthenticatedClient
from memories_client.api.assets import upload_asset
from memories_client.api.embeddings import embed_image
from memories_client.models import ImageEmbeddingAssetRequest, ImageEmbeddingResponse, UploadRequest
from memories_client.types import File
from memories_sdk import APITimeoutError, RetryPolicy, create_client
from memories_sdk.aiohttp_transport import httpx_error
from memories_sdk.transport import AsyncBackend
from mock_server.testing import serve

BODY = ImageEmbeddingAssetRequest(asset_id="re_1", model="mobileclip")
EMBEDDED = b'{"code": 200, "msg": "success", "data": {"embedding": [0.6, 0.8]}}'

# What httpx's own transport raises for the failure each aiohttp error reports.
HTTPX_ERRORS: dict[type[BaseException], type[httpx.TransportError] | None] = {
    aiohttp.ClientConnectorError: httpx.ConnectError,
    aiohttp.ClientConnectorDNSError: httpx.ConnectError,
    aiohttp.ClientConnectorCertificateError: httpx.ConnectError,
    aiohttp.ClientConnectorSSLError: httpx.ConnectError,
    aiohttp.ClientProxyConnectionError: httpx.ConnectError,
    aiohttp.ClientHttpProxyError: httpx.ProxyError,
    aiohttp.ConnectionTimeoutError: httpx.ConnectTimeout,
    aiohttp.SocketTimeoutError: httpx.ReadTimeout,
    aiohttp.ServerDisconnectedError: httpx.RemoteProtocolError,
    aiohttp.ClientOSError: httpx.ReadError,
    aiohttp.ClientConnectionResetError: httpx.ReadError,
    aiohttp.ClientPayloadError: httpx.RemoteProtocolError,
    aiohttp.ClientResponseError: httpx.RemoteProtocolError,
    aiohttp.InvalidURL: httpx.UnsupportedProtocol,
    aiohttp.NonHttpUrlClientError: httpx.UnsupportedProtocol,
    TimeoutError: httpx.TimeoutException,
    ValueError: None,
}


@pytest.mark.parametrize(
    ("aiohttp_error", "expected"), HTTPX_ERRORS.items(), ids=[cls.__name__ for cls in HTTPX_ERRORS]
)
def test_each_aiohttp_error_becomes_the_httpx_error_of_the_same_failure(
    aiohttp_error: type[BaseException], expected: type[httpx.TransportError] | None
) -> None:
    error = aiohttp_error.__new__(aiohttp_error)  # only the class matters; the constructors differ
    assert httpx_error(error) is expected


@dataclass
class PortRecorder:
    """A loopback server answering an embedding after `delay` s, keeping each request's client port and cookies."""

    base_url: str = ""
    delay: float = 0.0
    ports: list[int] = field(default_factory=list)
    cookies: list[str | None] = field(default_factory=list)


@pytest.fixture(scope="module")
def recorder_server() -> Iterator[PortRecorder]:
    state = PortRecorder()

    async def answer(request: Request) -> Response:
        assert request.client is not None
        state.ports.append(request.client.port)
        state.cookies.append(request.headers.get("cookie"))
        await request.body()
        await anyio.sleep(state.delay)
        return Response(EMBEDDED, headers={"Set-Cookie": "session=1; Path=/"}, media_type="application/json")

    with serve(Starlette(routes=[Route("/{path:path}", answer, methods=["POST"])])) as port:
        state.base_url = f"http://127.0.0.1:{port}/serve/api/v2"
        yield state


@pytest.fixture
def recorder(recorder_server: PortRecorder) -> PortRecorder:
    recorder_server.delay = 0.0
    recorder_server.ports.clear()
    recorder_server.cookies.clear()
    return recorder_server


async def _together(client: AuthenticatedClient, requests: int) -> None:
    results = await asyncio.gather(*(embed_image.asyncio(client=client, body=BODY) for _ in range(requests)))
    assert all(isinstance(result, ImageEmbeddingResponse) for result in results)


@pytest.mark.parametrize(("max_keepalive", "reopened"), [(1, 3), (None, 0)])
def test_connections_beyond_max_keepalive_are_closed(
    recorder: PortRecorder, async_backend: AsyncBackend, max_keepalive: int | None, reopened: int
) -> None:
    recorder.delay = 0.2  # four requests at once: four connections

    async def twice(client: AuthenticatedClient) -> None:
        async with client:
            await _together(client, 4)
            await _together(client, 4)

    limits = httpx.Limits(max_connections=10, max_keepalive_connections=max_keepalive)
    asyncio.run(twice(create_client("k", base_url=recorder.base_url, limits=limits, async_backend=async_backend)))
    first, second = set(recorder.ports[:4]), set(recorder.ports[4:])
    assert len(first) == 4
    assert len(second - first) == reopened


def test_no_connection_limit_means_none_on_the_aiohttp_backend(recorder: PortRecorder) -> None:
    # httpx-aiohttp alone gives aiohttp's default limit of 100 connections for httpx's "no limit".
    recorder.delay = 0.3
    limits = httpx.Limits(max_connections=None)

    async def at_once(client: AuthenticatedClient) -> None:
        async with client:
            await _together(client, 110)

    asyncio.run(at_once(create_client("k", base_url=recorder.base_url, limits=limits, async_backend="aiohttp")))
    assert len(set(recorder.ports)) == 110


def test_cookies_are_httpx_cookies_only(recorder: PortRecorder, async_backend: AsyncBackend) -> None:
    async def in_turn(client: AuthenticatedClient) -> None:
        async with client:
            await _together(client, 1)  # the answer sets a cookie
            await _together(client, 1)
            client.get_async_httpx_client().cookies.clear()
            await _together(client, 1)

    # By name: aiohttp's cookie jar would ignore cookies from an IP address.
    base_url = recorder.base_url.replace("127.0.0.1", "localhost")
    asyncio.run(in_turn(create_client("k", base_url=base_url, async_backend=async_backend)))
    assert recorder.cookies == [None, "session=1", None]  # no cookie jar of aiohttp's sends what httpx's dropped


def test_a_transport_closed_by_a_derived_client_serves_again(
    recorder: PortRecorder, async_backend: AsyncBackend
) -> None:
    # Derived clients (`with_headers`...) share the transport: closing one closes it for all.
    async def derived_then_original(client: AuthenticatedClient) -> None:
        async with client:
            await _together(client, 1)
            async with client.with_headers({"X-Derived": "1"}) as derived:
                await _together(derived, 1)
            await _together(client, 1)

    asyncio.run(derived_then_original(create_client("k", base_url=recorder.base_url, async_backend=async_backend)))
    assert len(recorder.ports) == 3


@pytest.fixture
def unread_url() -> Iterator[str]:
    """A base URL on loopback where connections are accepted and nothing they send is ever read."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/serve/api/v2"


def test_an_upload_the_server_stops_reading_hits_the_write_timeout(
    unread_url: str, retry: RetryPolicy, waits: list[float], async_backend: AsyncBackend, tmp_path: Path
) -> None:
    large = tmp_path / "large.bmp"
    with large.open("wb") as sparse:
        sparse.truncate(64 * 1024 * 1024)  # more than the socket buffers of both ends hold, so that sending stalls
    timeout = httpx.Timeout(5.0, write=0.15)

    async def upload(client: AuthenticatedClient, body: UploadRequest) -> BaseException:
        async with client:
            try:
                # Bounded, so that a backend without a write timeout fails the test instead of hanging it.
                await asyncio.wait_for(upload_asset.asyncio(client=client, body=body), 30)
            except APITimeoutError as error:
                return error
        raise AssertionError("the upload did not time out")

    client = create_client("k", base_url=unread_url, timeout=timeout, retry=retry, async_backend=async_backend)
    with large.open("rb") as payload:
        error = asyncio.run(upload(client, UploadRequest(file=File(payload=payload, file_name=large.name))))
    assert isinstance(error.__cause__, httpx.WriteTimeout)
    assert waits == [0.5, 1.0]
