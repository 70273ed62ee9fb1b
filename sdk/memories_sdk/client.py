"""`create_client`: the generated client, configured for production from arguments or the environment."""

import os
import re
import urllib.request
from collections.abc import Mapping

import httpx

from memories_client import AuthenticatedClient
from memories_sdk.errors import ConfigurationError
from memories_sdk.retries import RetryPolicy
from memories_sdk.transport import MemoriesTransport

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
    verify_ssl: bool | str = True,
    environ: Mapping[str, str] = os.environ,
) -> AuthenticatedClient:
    """A generated client for sync and async calls, with retries (`RetryPolicy()`: 2) and typed errors.

    The key and base URL default to MEMORIES_API_KEY and MEMORIES_BASE_URL (else production); the proxy to the
    usual HTTPS_PROXY / HTTP_PROXY / ALL_PROXY and NO_PROXY. With `raise_status_errors=False`, documented error
    statuses return the generated `ErrorEnvelope` instead of raising; undocumented statuses and malformed answers
    raise in both modes.
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
        proxy=proxy if proxy is not None else environment_proxy(url),
    )
    return AuthenticatedClient(
        base_url=str(url),
        token=key,
        prefix="",  # the API takes the raw key, without "Bearer"
        timeout=timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout),
        raise_on_unexpected_status=True,
        httpx_args={"transport": transport},
    )


def environment_proxy(url: httpx.URL) -> str | None:
    """The proxy the environment (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY) names for `url`, if any.

    httpx reads these variables only when it builds its own transport, so the SDK reads them for its own.
    """
    proxies = urllib.request.getproxies_environment()
    proxy = proxies.get(url.scheme) or proxies.get("all")
    if proxy is None or urllib.request.proxy_bypass(url.host):
        return None
    return proxy
