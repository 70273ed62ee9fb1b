"""`create_client`: the generated client, configured for production from arguments or the environment."""

import os
import re
import ssl
from collections.abc import Mapping

import httpx
from httpx._utils import URLPattern, get_environment_proxies

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

    The key and base URL default to MEMORIES_API_KEY and MEMORIES_BASE_URL in `environ` (else production). The
    proxy defaults to the one httpx takes from the process environment (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY,
    NO_PROXY), by httpx's own rules. For a private CA, pass `verify_ssl=ssl.create_default_context(cafile=...)`.
    With `raise_status_errors=False`, documented error statuses return the generated `ErrorEnvelope` instead of
    raising; undocumented statuses and malformed answers raise in both modes.

    Async calls go through httpx's connection pool, or with `async_backend="aiohttp"` (the extra
    `memories-sdk[aiohttp]`) through aiohttp's, faster with many requests in flight; both behave alike.
    """
    key = (api_key if api_key is not None else environ.get("MEMORIES_API_KEY", "")).strip()
    if not key:
        raise ConfigurationError("no API key: pass api_key= or set MEMORIES_API_KEY")
    if not _HEADER_SAFE.fullmatch(key):
        # Never quote the key: it is a secret even when it is malformed.
        raise ConfigurationError("the API key must be printable ASCII, without spaces or line breaks inside")
    given_url = base_url or environ.get("MEMORIES_BASE_URL", "").strip() or DEFAULT_BASE_URL
    try:
        url = httpx.URL(given_url)
    except httpx.InvalidURL:
        url = httpx.URL()
    if url.scheme not in ("http", "https") or not url.host:
        raise ConfigurationError(f"the base URL must be an http:// or https:// URL, not {given_url!r}")
    chosen_proxy = _checked_proxy(proxy, "proxy=") if proxy is not None else environment_proxy(url)
    try:
        transport = MemoriesTransport(
            retry=retry,
            raise_status_errors=raise_status_errors,
            verify=verify_ssl,
            limits=limits,
            proxy=chosen_proxy,
            async_backend=async_backend,
        )
    except ImportError as error:  # a socks5:// proxy without socksio installed: httpx's message says so
        raise ConfigurationError(str(error)) from None
    return AuthenticatedClient(
        base_url=str(url),
        token=key,
        prefix="",  # the API takes the raw key, without "Bearer"
        timeout=timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout),
        raise_on_unexpected_status=True,
        httpx_args={"transport": transport},
    )


def environment_proxy(url: httpx.URL) -> str | None:
    """The proxy httpx takes from the environment for `url`, if any (a value without a scheme gets http://).

    httpx reads HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY only for a client without a transport of its own,
    and the SDK's is its own: its two helpers are asked here, so that the rules stay httpx's (urllib's reading of
    the variables, curl's of NO_PROXY). httpx is pinned below 0.29; tests/memories_sdk/test_proxies.py fails if
    they change.
    """
    mounts = {URLPattern(key): value for key, value in get_environment_proxies().items()}
    # httpx's own order: the most specific pattern first (a NO_PROXY host before a scheme's proxy).
    for pattern in sorted(mounts):
        if pattern.matches(url):
            proxy = mounts[pattern]
            variable = f"{(pattern.scheme or 'all').upper()}_PROXY"
            return None if proxy is None else _checked_proxy(proxy, f"{variable} in the environment")
    return None


def _checked_proxy(proxy: str, source: str) -> str:
    try:
        httpx.Proxy(proxy)
    except (ValueError, httpx.InvalidURL):
        # httpx's message quotes the URL, and a proxy URL may carry a password: neither it nor its cause is shown.
        raise ConfigurationError(f"{source} must be an http://, https://, socks5:// or socks5h:// URL") from None
    return proxy
