"""create_client: configuration from arguments or the environment, and the key kept out of sight."""

import asyncio
import base64
import logging
import socket
import ssl
import sys
from typing import Any

import httpx
import pytest

from memories_client import AuthenticatedClient
from memories_client.api.embeddings import embed_image
from memories_client.models import ImageEmbeddingAssetRequest, ImageEmbeddingResponse
from memories_sdk import (
    DEFAULT_BASE_URL,
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    ConfigurationError,
    RetryPolicy,
    create_client,
)
from memories_sdk.transport import AsyncBackend
from mock_server import RunningMock
from tests.memories_sdk.conftest import Scripted, ScriptedServer

SECRET = "sk-mavi-very_secret_key"


def test_key_and_base_url_come_from_the_environment() -> None:
    client = create_client(environ={"MEMORIES_API_KEY": SECRET, "MEMORIES_BASE_URL": "http://127.0.0.1:9/v2"})
    httpx_client = client.get_httpx_client()
    assert httpx_client.headers["Authorization"] == SECRET  # the raw key, no "Bearer"
    assert str(httpx_client.base_url) == "http://127.0.0.1:9/v2/"


def test_arguments_win_over_the_environment_and_production_is_the_default() -> None:
    client = create_client("sk-argument", environ={"MEMORIES_API_KEY": SECRET})
    assert client.get_httpx_client().headers["Authorization"] == "sk-argument"
    assert str(client.get_httpx_client().base_url) == DEFAULT_BASE_URL + "/"


@pytest.mark.parametrize("environ", [{}, {"MEMORIES_API_KEY": "  "}])
def test_no_key_is_a_configuration_error(environ: dict[str, str]) -> None:
    with pytest.raises(ConfigurationError, match="MEMORIES_API_KEY"):
        create_client(environ=environ)


@pytest.mark.parametrize(
    "key", ["sk-mai-secret\nX", "sk-mai-secret\r\nX", "sk-mai-\x00secret", "sk-mai-sécret", "sk mai secret"]
)
def test_a_malformed_key_is_refused_without_showing_it(key: str) -> None:
    with pytest.raises(ConfigurationError) as raised:
        create_client(key)
    assert "secret" not in str(raised.value)
    assert "secret" not in repr(raised.value.args)


def test_a_trailing_newline_from_a_key_file_is_tolerated() -> None:
    client = create_client(environ={"MEMORIES_API_KEY": SECRET + "\n"})
    assert client.get_httpx_client().headers["Authorization"] == SECRET


@pytest.mark.parametrize("base_url", ["127.0.0.1:4010/serve/api/v2", "ftp://example.com/v2", "http://"])
def test_a_base_url_that_is_no_http_url_is_refused(base_url: str) -> None:
    with pytest.raises(ConfigurationError, match="http:// or https://"):
        create_client(SECRET, base_url=base_url)


class RecordingContext(ssl.SSLContext):
    """An SSL context that records each connection it secures: a socket (sync calls) or a memory BIO (async)."""

    secured: list[str]

    def wrap_socket(self, *args: Any, **kwargs: Any) -> ssl.SSLSocket:
        self.secured.append("socket")
        return super().wrap_socket(*args, **kwargs)

    def wrap_bio(self, *args: Any, **kwargs: Any) -> ssl.SSLObject:
        self.secured.append("bio")
        return super().wrap_bio(*args, **kwargs)


def test_an_ssl_context_secures_sync_and_async_calls() -> None:
    context = RecordingContext(ssl.PROTOCOL_TLS_CLIENT)
    context.secured = []
    body = ImageEmbeddingAssetRequest(asset_id="re_1", model="mobileclip")

    async def call_async(client: AuthenticatedClient) -> None:
        async with client:
            await embed_image.asyncio(client=client, body=body)

    with socket.create_server(("127.0.0.1", 0)) as listener:  # accepts connections, never answers the handshake
        base_url = f"https://127.0.0.1:{listener.getsockname()[1]}/serve/api/v2"
        client = create_client(
            SECRET, base_url=base_url, verify_ssl=context, timeout=0.2, retry=RetryPolicy(max_retries=0)
        )
        with client, pytest.raises(APIConnectionError):
            embed_image.sync(client=client, body=body)
        with pytest.raises(APIConnectionError):
            asyncio.run(call_async(client))
    assert context.secured == ["socket", "bio"]


def test_an_ssl_context_secures_async_calls_on_both_backends(async_backend: AsyncBackend) -> None:
    context = RecordingContext(ssl.PROTOCOL_TLS_CLIENT)
    context.secured = []

    async def call_async(client: AuthenticatedClient) -> None:
        async with client:
            await embed_image.asyncio(
                client=client, body=ImageEmbeddingAssetRequest(asset_id="re_1", model="mobileclip")
            )

    with socket.create_server(("127.0.0.1", 0)) as listener:  # accepts connections, never answers the handshake
        base_url = f"https://127.0.0.1:{listener.getsockname()[1]}/serve/api/v2"
        client = create_client(
            SECRET,
            base_url=base_url,
            verify_ssl=context,
            timeout=0.2,
            retry=RetryPolicy(max_retries=0),
            async_backend=async_backend,
        )
        with pytest.raises(APITimeoutError) as raised:
            asyncio.run(call_async(client))
    assert context.secured == ["bio"]
    assert isinstance(raised.value.__cause__, httpx.ConnectTimeout)  # the handshake is part of connecting


@pytest.mark.parametrize("credentials", ["", "user:p%40ss@"])
def test_an_explicit_proxy_carries_async_calls_on_both_backends(
    scripted: ScriptedServer, async_backend: AsyncBackend, credentials: str
) -> None:
    proxy = scripted.base_url.removesuffix("/serve/api/v2").replace("http://", f"http://{credentials}")
    scripted.script = [Scripted(200, b'{"code": 200, "msg": "ok", "data": {"embedding": [1]}}')]

    async def call(client: AuthenticatedClient) -> object:
        async with client:
            return await embed_image.asyncio(
                client=client, body=ImageEmbeddingAssetRequest(asset_id="re_1", model="mobileclip")
            )

    client = create_client(
        SECRET,
        base_url="http://api.invalid/serve/api/v2",  # reachable only through the proxy
        proxy=proxy,
        retry=RetryPolicy(max_retries=0),
        async_backend=async_backend,
        environ={},
    )
    assert isinstance(asyncio.run(call(client)), ImageEmbeddingResponse)  # warnings are errors: none was given
    assert len(scripted.bodies) == 1
    sent = scripted.headers[0].get("proxy-authorization")
    assert sent == ("Basic " + base64.b64encode(b"user:p@ss").decode() if credentials else None)


def test_the_aiohttp_backend_refuses_a_socks_proxy_itself() -> None:
    # Not the sync pool's request for socksio: installing it would not help.
    with pytest.raises(ConfigurationError, match="the aiohttp backend takes http:// and https:// proxies, not socks5"):
        create_client(SECRET, proxy="socks5://127.0.0.1:1080", async_backend="aiohttp", environ={})


def test_an_unknown_async_backend_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="async_backend must be one of 'httpx', 'aiohttp', not 'trio'"):
        create_client(SECRET, async_backend="trio")  # type: ignore[arg-type]  # what a careless caller could pass


@pytest.mark.parametrize("missing", ["aiohttp", "httpx_aiohttp"])
def test_the_aiohttp_backend_without_its_extra_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    monkeypatch.delitem(sys.modules, "memories_sdk.aiohttp_transport", raising=False)
    monkeypatch.setitem(sys.modules, missing, None)  # what `import` finds when the package is not installed
    with pytest.raises(ConfigurationError, match=r"pip install 'memories-sdk\[aiohttp\]'"):
        create_client(SECRET, async_backend="aiohttp")
    create_client(SECRET)  # the default backend needs no extra


def test_timeouts_default_to_a_minute_and_take_numbers() -> None:
    assert create_client(SECRET).get_httpx_client().timeout == httpx.Timeout(60.0, connect=10.0)
    assert create_client(SECRET, timeout=3).get_httpx_client().timeout == httpx.Timeout(3)


def test_the_key_shows_in_no_repr() -> None:
    client = create_client(SECRET)
    client.get_httpx_client()
    client.get_async_httpx_client()
    assert SECRET not in repr(client)


def test_the_key_shows_in_no_error_message_and_no_log(
    memories_mock: RunningMock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    policy = RetryPolicy(sleep=lambda seconds: None)
    with create_client(SECRET, base_url=memories_mock.base_url, retry=policy) as client:
        with pytest.raises(AuthenticationError) as raised:
            embed_image.sync(client=client, body=ImageEmbeddingAssetRequest(asset_id="re_1", model="mobileclip"))
    error = raised.value
    assert SECRET not in str(error)
    assert SECRET not in repr(error)
    assert SECRET not in repr(vars(error))
    assert caplog.records  # httpx and httpcore log at debug level
    assert not [record for record in caplog.records if SECRET in record.getMessage()]
