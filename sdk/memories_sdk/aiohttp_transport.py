"""The aiohttp backend of the async client (`create_client(async_backend="aiohttp")`), made to behave like httpx's.

httpx's async connection pool slows down as more requests are in flight (encode/httpx#3215); httpx-aiohttp sends
httpx's requests through aiohttp's pool instead. Where it differs from httpx's own transport, this one follows httpx,
so that retries and typed errors do not depend on the backend:

- errors: httpx-aiohttp reports every aiohttp connection error as `httpx.ConnectTimeout` (a refused connection reads
  as a timeout, as openai/openai-python#3594 found) and lets a malformed answer escape as
  `aiohttp.ClientResponseError`; here each aiohttp error becomes the httpx error httpx raises for the same failure;
- the write timeout, which aiohttp lacks: each chunk of a streamed body must be taken by the connection within it;
- `max_keepalive_connections`, which aiohttp lacks: a connection handed back beyond it is closed;
- `max_connections=None`, which httpx-aiohttp turns into aiohttp's default of 100, means no limit here;
- cookies: aiohttp's session would keep cookies and send them under httpx's; it keeps none;
- a closed transport opens a new session on its next request, as httpx's pool does.
"""

import asyncio
import base64
import ssl
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

import aiohttp
import httpx
from aiohttp.client_proto import ResponseHandler
from aiohttp.client_reqrep import ConnectionKey
from httpx_aiohttp import AiohttpTransport as HttpxAiohttpTransport

from memories_sdk.errors import ConfigurationError

# The httpx error for each aiohttp error: the first class of an error's MRO found here names it.
_HTTPX_ERRORS: dict[type[BaseException], type[httpx.TransportError]] = {
    aiohttp.ClientHttpProxyError: httpx.ProxyError,  # the proxy refused to connect us
    aiohttp.ClientConnectorError: httpx.ConnectError,  # refused, unreachable, DNS, TLS, proxy unreachable
    aiohttp.ConnectionTimeoutError: httpx.ConnectTimeout,
    aiohttp.ServerTimeoutError: httpx.ReadTimeout,  # SocketTimeoutError: sock_read
    aiohttp.ServerDisconnectedError: httpx.RemoteProtocolError,  # closed before the answer
    aiohttp.ClientConnectionError: httpx.ReadError,  # reset
    aiohttp.ClientPayloadError: httpx.RemoteProtocolError,  # the body broke off
    aiohttp.ClientResponseError: httpx.RemoteProtocolError,  # a malformed status line or header
    aiohttp.InvalidURL: httpx.UnsupportedProtocol,
    aiohttp.NonHttpUrlClientError: httpx.UnsupportedProtocol,
    aiohttp.ClientError: httpx.TransportError,
    TimeoutError: httpx.TimeoutException,
}


def httpx_error(error: BaseException) -> type[httpx.TransportError] | None:
    """The httpx error class httpx raises for the failure aiohttp reported as `error`, if it is one."""
    return next((_HTTPX_ERRORS[cls] for cls in type(error).__mro__ if cls in _HTTPX_ERRORS), None)


def _translated(error: BaseException) -> httpx.TransportError:
    error_class = httpx_error(error) or httpx.TransportError
    return error_class(str(error) or type(error).__name__)


@contextmanager
def _httpx_errors() -> Iterator[None]:
    try:
        yield
    except httpx.TransportError as error:
        # httpx-aiohttp's own mapping keeps the aiohttp error as the cause: map that one again, correctly.
        if not isinstance(error.__cause__, aiohttp.ClientError):
            raise
        raise _translated(error.__cause__) from error.__cause__
    except (aiohttp.ClientError, TimeoutError) as error:
        raise _translated(error) from error


class _KeepAliveLimitedConnector(aiohttp.TCPConnector):
    """aiohttp's connector, closing a connection handed back when `max_keepalive` idle ones are kept already, and
    aborting one closed with data it could not send (a stalled upload): else its socket stays open, waiting to flush.
    """

    def __init__(
        self, *, max_keepalive: int | None, limit: int, keepalive_timeout: float | None, ssl_context: ssl.SSLContext
    ) -> None:
        super().__init__(limit=limit, keepalive_timeout=keepalive_timeout, ssl=ssl_context)
        self._max_keepalive = max_keepalive

    def _release(self, key: ConnectionKey, protocol: ResponseHandler, *, should_close: bool = False) -> None:
        if self._max_keepalive is not None:
            idle = sum(map(len, self._conns.values()))
            should_close = should_close or idle >= self._max_keepalive
        transport = protocol.transport
        super()._release(key, protocol, should_close=should_close)
        if transport is not None and transport.is_closing() and transport.get_write_buffer_size():
            transport.abort()


class _ErrorMappingStream(httpx.AsyncByteStream):
    """A response body raising httpx's errors, that gives its connection back as soon as it breaks."""

    def __init__(self, stream: httpx.AsyncByteStream) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            with _httpx_errors():
                async for chunk in self._stream:
                    yield chunk
        except httpx.TransportError:
            await self.aclose()
            raise

    async def aclose(self) -> None:
        with _httpx_errors():
            await self._stream.aclose()


class _WriteTimedBody(httpx.AsyncByteStream):
    """A request body that must be taken chunk by chunk within `seconds` each, or `deadline` expires."""

    def __init__(self, stream: httpx.AsyncByteStream, deadline: asyncio.Timeout, seconds: float) -> None:
        self._stream = stream
        self._deadline = deadline
        self._seconds = seconds
        self._timing = True

    async def __aiter__(self) -> AsyncIterator[bytes]:
        loop = asyncio.get_running_loop()
        async for chunk in self._stream:
            self._reschedule(loop.time() + self._seconds)
            yield chunk  # aiohttp asks for the next chunk once this one is written
            self._reschedule(None)

    def stop(self) -> None:
        """Stop timing: the answer has begun (the rest of the body, if any, is aiohttp's to send or drop)."""
        self._timing = False

    def _reschedule(self, when: float | None) -> None:
        if self._timing and not self._deadline.expired():
            self._deadline.reschedule(when)


class AiohttpTransport(httpx.AsyncBaseTransport):
    """httpx-aiohttp's transport with httpx's errors, write timeout and keep-alive limit."""

    def __init__(self, *, verify: ssl.SSLContext, limits: httpx.Limits, proxy: httpx.Proxy | str | None) -> None:
        if isinstance(proxy, str):
            proxy = httpx.Proxy(proxy)  # httpx-aiohttp reads .url and .auth: a string would fail on first use
        self._proxy_authorization: str | None = None
        if proxy is not None and proxy.raw_auth is not None:
            # httpx-aiohttp passes credentials as aiohttp's proxy_auth=BasicAuth(...), which aiohttp 3.14 deprecates
            # with a warning on every request. The header httpx sends instead: aiohttp puts proxy headers on the
            # CONNECT of an https:// request only, so an http:// request carries it itself (handle_async_request).
            credentials = base64.b64encode(b":".join(proxy.raw_auth)).decode()
            self._proxy_authorization = f"Basic {credentials}"
            proxy = httpx.Proxy(proxy.url, headers={**proxy.headers, "Proxy-Authorization": self._proxy_authorization})
        if proxy is not None and proxy.url.scheme not in ("http", "https"):
            raise ConfigurationError(f"the aiohttp backend takes http:// and https:// proxies, not {proxy.url.scheme}")
        self._ssl_context = verify
        self._limits = limits
        self._transport = HttpxAiohttpTransport(verify=verify, proxy=proxy, client=self._new_session)

    def _new_session(self) -> aiohttp.ClientSession:
        # Built on first use, inside the event loop it belongs to.
        connector = _KeepAliveLimitedConnector(
            max_keepalive=self._limits.max_keepalive_connections,
            limit=self._limits.max_connections or 0,  # 0: no limit
            keepalive_timeout=self._limits.keepalive_expiry,
            ssl_context=self._ssl_context,
        )
        return aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar())

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._proxy_authorization is not None and request.url.scheme == "http":
            request.headers["Proxy-Authorization"] = self._proxy_authorization
        write_timeout = request.extensions.get("timeout", {}).get("write")
        stream = _body_stream(request)
        with _httpx_errors():
            if write_timeout is None or stream is None:
                response = await self._transport.handle_async_request(request)
            else:
                response = await self._with_write_timeout(request, stream, write_timeout)
        if isinstance(response.stream, httpx.AsyncByteStream):  # always: httpx-aiohttp's own stream
            response.stream = _ErrorMappingStream(response.stream)
        response.request = request
        return response

    async def _with_write_timeout(
        self, request: httpx.Request, stream: httpx.AsyncByteStream, seconds: float
    ) -> httpx.Response:
        deadline = asyncio.timeout(None)
        try:
            async with deadline:
                body = _WriteTimedBody(stream, deadline, seconds)
                timed = httpx.Request(
                    request.method, request.url, headers=request.headers, stream=body, extensions=request.extensions
                )
                try:
                    return await self._transport.handle_async_request(timed)
                finally:
                    body.stop()
        except TimeoutError as error:
            if deadline.expired():
                raise httpx.WriteTimeout(f"a chunk of the body was not sent within {seconds} s") from error
            raise

    async def aclose(self) -> None:
        await self._transport.aclose()
        self._transport.client = self._new_session  # a later request opens a new session


def _body_stream(request: httpx.Request) -> httpx.AsyncByteStream | None:
    """The body still to be read from a stream (a multipart upload), or None for one held in memory (JSON)."""
    stream = request.stream
    return stream if isinstance(stream, httpx.AsyncByteStream) and not isinstance(stream, httpx.ByteStream) else None
