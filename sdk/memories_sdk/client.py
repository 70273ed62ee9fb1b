"""`create_client`: the generated client, configured for production from arguments or the environment."""

import os
import re
import ssl
import urllib.request
from collections.abc import Mapping

import httpx

from memories_client import AuthenticatedClient
from memories_sdk.errors import ConfigurationError
from memories_sdk.retries import RetryPolicy
from memories_sdk.transport import AsyncBackend, MemoriesTransport

DEFAULT_BASE_URL = "https://mavi-backend.memories.ai/serve/api/v2"
# Embedding is synchronous: reading the answer may take a while; connecting should not.
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
# What a header value may carry without httpx refusing it (and quoting it in the refusal).
_HEADER_SAFE = re.compile(r"[\x21-\x7e]+")


def create_client(
    api_key: str | None = None,
    *,
    base_url: str | None = None,
    timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
    retry: RetryPolicy | None = None,
    raise_status_errors: bool = True,
    limits: httpx.Limits | None = None,
    proxy: str | None = None,
    verify_ssl: bool | ssl.SSLContext = True,
    async_backend: AsyncBackend = "httpx",
    environ: Mapping[str, str] = os.environ,
) -> AuthenticatedClient:
    """A generated client for sync and async calls, with retries (`RetryPolicy()`: 2) and typed errors.

    The key and base URL default to MEMORIES_API_KEY and MEMORIES_BASE_URL in `environ` (else production); the
    proxy to the usual HTTPS_PROXY / HTTP_PROXY / ALL_PROXY and NO_PROXY there. For a private CA, pass
    `verify_ssl=ssl.create_default_context(cafile=...)`. With `raise_status_errors=False`, documented error
    statuses return the generated `ErrorEnvelope` instead of raising; undocumented statuses and malformed answers
    raise in both modes.

    Async calls go through httpx's connection pool, or with `async_backend="aiohttp"` (the extra
    `memories-sdk[aiohttp]`) through aiohttp's, faster with many requests in flight; both behave alike.
    """
    key = (api_key if api_key is not None else environ.get("MEMORIES_API_KEY", "")).strip()
    if not key:
        raise ConfigurationError("no API key: pass api_key= or set MEMORIES_API_KEY")
    if not _HEADER_SAFE.fullmatch(key):
        # Never quote the key: it is a secret even when it is malformed.
        raise ConfigurationError("the API key must be printable ASCII, without spaces or line breaks inside")
    url = httpx.URL(base_url or environ.get("MEMORIES_BASE_URL", "").strip() or DEFAULT_BASE_URL)
    if url.scheme not in ("http", "https") or not url.host:
        raise ConfigurationError(f"the base URL must be an http:// or https:// URL, not {str(url)!r}")
    transport = MemoriesTransport(
        retry=retry,
        raise_status_errors=raise_status_errors,
        verify=verify_ssl,
        limits=limits,
        proxy=proxy if proxy is not None else environment_proxy(url, environ),
        async_backend=async_backend,
    )
    return AuthenticatedClient(
        base_url=str(url),
        token=key,
        prefix="",  # the API takes the raw key, without "Bearer"
        timeout=timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout),
        raise_on_unexpected_status=True,
        httpx_args={"transport": transport},
    )


def environment_proxy(url: httpx.URL, environ: Mapping[str, str]) -> str | None:
    """The proxy `environ` names for `url` (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY), if any.

    httpx reads these variables only when it builds its own transport, and only from os.environ; urllib's
    lookup reads only os.environ too, so its rules are repeated here for the mapping given.
    """
    proxies = _proxies(environ)
    proxy = proxies.get(url.scheme) or proxies.get("all")
    # proxy_bypass_environment: in urllib.request since Python 2, yet missing from typeshed.
    if proxy is None or urllib.request.proxy_bypass_environment(url.host, proxies):  # type: ignore[attr-defined]
        return None
    return proxy


def _proxies(environ: Mapping[str, str]) -> dict[str, str]:
    """Scheme (or "all", or "no") to value, as urllib.request.getproxies_environment reads them."""
    proxies: dict[str, str] = {}
    for name, value in environ.items():
        if value and name.lower().endswith("_proxy"):
            proxies[name.lower().removesuffix("_proxy")] = value
    if "REQUEST_METHOD" in environ:
        # Under CGI, HTTP_PROXY may come from the client's "Proxy:" header (CVE-2016-1000110); http_proxy cannot.
        proxies.pop("http", None)
    # A lower-case variable wins over its upper-case twin, and an empty one unsets it.
    for name, value in environ.items():
        if name.endswith("_proxy"):
            scheme = name.lower().removesuffix("_proxy")
            if value:
                proxies[scheme] = value
            else:
                proxies.pop(scheme, None)
    return proxies
