"""`create_client`: the generated client, configured for production from arguments or the environment."""

import os
from collections.abc import Mapping

import httpx

from memories_client import AuthenticatedClient
from memories_sdk.errors import ConfigurationError
from memories_sdk.retries import RetryPolicy
from memories_sdk.transport import MemoriesTransport

DEFAULT_BASE_URL = "https://mavi-backend.memories.ai/serve/api/v2"
# Embedding is synchronous: reading the answer may take a while; connecting should not.
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)


def create_client(
    api_key: str | None = None,
    *,
    base_url: str | None = None,
    timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
    retry: RetryPolicy | None = None,
    raise_status_errors: bool = True,
    limits: httpx.Limits | None = None,
    verify_ssl: bool | str = True,
    environ: Mapping[str, str] = os.environ,
) -> AuthenticatedClient:
    """A generated client for sync and async calls, with retries (`RetryPolicy()`: 2) and typed errors.

    The key and base URL default to MEMORIES_API_KEY and MEMORIES_BASE_URL (else production). With
    `raise_status_errors=False`, documented error statuses return the generated `ErrorEnvelope` instead of
    raising; undocumented statuses and malformed answers raise in both modes.
    """
    key = api_key or environ.get("MEMORIES_API_KEY", "").strip()
    if not key:
        raise ConfigurationError("no API key: pass api_key= or set MEMORIES_API_KEY")
    transport = MemoriesTransport(
        retry=retry, raise_status_errors=raise_status_errors, verify=verify_ssl, limits=limits
    )
    return AuthenticatedClient(
        base_url=base_url or environ.get("MEMORIES_BASE_URL", "").strip() or DEFAULT_BASE_URL,
        token=key,
        prefix="",  # the API takes the raw key, without "Bearer"
        timeout=timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout),
        raise_on_unexpected_status=True,
        httpx_args={"transport": transport},
    )
