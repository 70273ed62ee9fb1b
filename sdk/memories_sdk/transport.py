"""One httpx transport, for both the sync and the async client, that makes the generated client production-grade.

It sends each request through httpx's own transport, retries as `RetryPolicy` says (the request is sent
again whole: httpx rewinds a multipart file before each send), then reads the final answer and raises the
typed error for it, or a `MalformedResponseError`, before the generated code parses it.

Passed as `httpx_args={"transport": ...}`, it survives the generated client's `with_headers`,
`with_timeout` and `with_cookies`, which rebuild the httpx clients from those arguments.

Async requests go through httpx's own pool by default, or through aiohttp's (`async_backend="aiohttp"`, the
`memories-sdk[aiohttp]` extra: memories_sdk.aiohttp_transport), which keeps its speed with many requests in flight.
"""

import copy
import logging
import ssl
from typing import Literal

import httpx

from memories_sdk.contract import CheckedResponse, response_problem
from memories_sdk.errors import APIConnectionError, APITimeoutError, ConfigurationError, MalformedResponseError
from memories_sdk.retries import RetryPolicy

AsyncBackend = Literal["httpx", "aiohttp"]
ASYNC_BACKENDS: tuple[AsyncBackend, ...] = ("httpx", "aiohttp")

logger = logging.getLogger("memories_sdk")

# What httpx.Client would use without `limits`.
_HTTPX_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)


class MemoriesTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Retries, then checks every answer against the contract.

    `sync_transport` replaces the sync connection pool, for tests that script the answers (`httpx.MockTransport`).
    """

    def __init__(
        self,
        *,
        retry: RetryPolicy | None = None,
        raise_status_errors: bool = True,
        verify: bool | ssl.SSLContext = True,
        limits: httpx.Limits | None = None,
        proxy: str | None = None,
        async_backend: AsyncBackend = "httpx",
        sync_transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.retry = retry or RetryPolicy()
        self.raise_status_errors = raise_status_errors
        # Both pools are built now: built on first use, threads that made their first requests together each
        # built one. They share one SSL context, as loading the CA bundle is most of the cost of building one.
        ssl_context = httpx.create_ssl_context(verify=verify)
        limits = limits or _HTTPX_LIMITS
        self.async_backend = async_backend
        # The async pool first: its refusal of a proxy (aiohttp takes no socks://) is the one that helps, where the
        # sync pool's would ask for socksio, which the aiohttp backend would still refuse.
        self._async = _async_pool(async_backend, ssl_context, limits, proxy)
        self._sync = sync_transport or httpx.HTTPTransport(verify=ssl_context, limits=limits, proxy=proxy)

    def __repr__(self) -> str:
        return (
            f"MemoriesTransport(retry={self.retry!r}, raise_status_errors={self.raise_status_errors}, "
            f"async_backend={self.async_backend!r})"
        )

    def with_retry(self, retry: RetryPolicy) -> "MemoriesTransport":
        """This transport with another retry policy, sharing its connection pools."""
        derived = copy.copy(self)
        derived.retry = retry
        return derived

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        retry = 0
        while True:
            try:
                # The request is attached now, not after the transport returns as httpx does: errors need it.
                response = CheckedResponse.unread(self._sync.handle_request(request), request)
                wait = self.retry.delay_after_response(retry, response)
                if wait is None:
                    response.read()  # inside the `try`: a body that breaks off is a failed attempt too
            except httpx.DecodingError as error:
                response.close()  # else the pool keeps the connection busy until the response is collected
                raise MalformedResponseError(f"the body cannot be decoded ({error})", response) from error
            except httpx.TransportError as error:
                delay = self._delay_after_error(retry, request, error)
            else:
                if wait is None:
                    return self._checked(response)
                response.close()
                self._log_retry(request, f"HTTP {response.status_code}", retry, wait)
                delay = wait
            self.retry.sleep(delay)
            retry += 1

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        retry = 0
        while True:
            try:
                response = CheckedResponse.unread(await self._async.handle_async_request(request), request)
                wait = self.retry.delay_after_response(retry, response)
                if wait is None:
                    await response.aread()
            except httpx.DecodingError as error:
                await response.aclose()
                raise MalformedResponseError(f"the body cannot be decoded ({error})", response) from error
            except httpx.TransportError as error:
                delay = self._delay_after_error(retry, request, error)
            else:
                if wait is None:
                    return self._checked(response)
                await response.aclose()
                self._log_retry(request, f"HTTP {response.status_code}", retry, wait)
                delay = wait
            await self.retry.async_sleep(delay)
            retry += 1

    def close(self) -> None:
        self._sync.close()

    async def aclose(self) -> None:
        await self._async.aclose()

    def _delay_after_error(self, retry: int, request: httpx.Request, error: httpx.TransportError) -> float:
        delay = self.retry.delay_after_error(retry, error)
        if delay is None:
            # The message names the error's kind, not its text: httpx's texts can quote header values.
            error_class = APITimeoutError if isinstance(error, httpx.TimeoutException) else APIConnectionError
            attempts = retry + 1
            message = f"{request.method} {request.url} failed after {attempts} attempt(s): {type(error).__name__}"
            raise error_class(message, request) from error
        self._log_retry(request, type(error).__name__, retry, delay)
        return delay

    def _checked(self, response: CheckedResponse) -> httpx.Response:
        problem = response_problem(response, self.raise_status_errors)
        if problem is not None:
            raise problem
        return response

    @staticmethod
    def _log_retry(request: httpx.Request, cause: str, retry: int, delay: float) -> None:
        logger.info("%s %s: %s, retry %d in %.2f s", request.method, request.url, cause, retry + 1, delay)


def _async_pool(
    backend: AsyncBackend, ssl_context: ssl.SSLContext, limits: httpx.Limits, proxy: str | None
) -> httpx.AsyncBaseTransport:
    if backend == "httpx":
        return httpx.AsyncHTTPTransport(verify=ssl_context, limits=limits, proxy=proxy)
    if backend == "aiohttp":
        try:
            from memories_sdk.aiohttp_transport import AiohttpTransport  # only with the extra installed
        except ModuleNotFoundError as error:
            if error.name not in ("aiohttp", "httpx_aiohttp"):
                raise
            raise ConfigurationError(
                "async_backend='aiohttp' needs the aiohttp extra: pip install 'memories-sdk[aiohttp]'"
            ) from None
        return AiohttpTransport(verify=ssl_context, limits=limits, proxy=proxy)
    raise ConfigurationError(f"async_backend must be one of {', '.join(map(repr, ASYNC_BACKENDS))}, not {backend!r}")
