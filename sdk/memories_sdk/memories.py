"""`Memories` and `AsyncMemories`: the API as one object, `client.embeddings.image(...)`, `client.assets.upload(...)`.

Each is built by `create_client`, so it takes the same keywords and gets the same retries, typed errors, strict
parsing and configuration; its resources call the generated operations and return their success models.
"""

import dataclasses
import ssl
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Self, TypedDict, Unpack

import attrs
import httpx

from memories_client import AuthenticatedClient
from memories_sdk.assets import Assets, AsyncAssets
from memories_sdk.client import create_client
from memories_sdk.embeddings import AsyncEmbeddings, Embeddings
from memories_sdk.retries import RetryPolicy
from memories_sdk.transport import AsyncBackend, MemoriesTransport


class ClientOptions(TypedDict, total=False):
    """The keywords of `create_client` that `Memories` and `AsyncMemories` pass on to it, besides `api_key`."""

    base_url: str | None
    timeout: httpx.Timeout | float
    retry: RetryPolicy | None
    limits: httpx.Limits | None
    proxy: str | None
    verify_ssl: bool | ssl.SSLContext
    async_backend: AsyncBackend
    environ: Mapping[str, str]


class _Base:
    """What both clients share: construction, `with_options`, and the generated client underneath."""

    def __init__(self, api_key: str | None = None, **options: Unpack[ClientOptions]) -> None:
        # Documented error statuses raise, always: the resources return success models only.
        self._setup(create_client(api_key, raise_status_errors=True, **options), owns_connections=True)

    def _setup(self, client: AuthenticatedClient, owns_connections: bool) -> None:
        self._client = client
        self._owns_connections = owns_connections

    def with_options(self, *, timeout: httpx.Timeout | float | None = None, max_retries: int | None = None) -> Self:
        """A client like this one, with another timeout or number of retries, that shares its connections.

        Closing it leaves them open: they belong to this client.
        """
        changes: dict[str, Any] = {}
        if timeout is not None:
            changes["timeout"] = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        if max_retries is not None:
            httpx_args = dict(_given(self._client, "httpx_args"))
            transport = httpx_args["transport"]
            if not isinstance(transport, MemoriesTransport):  # create_client always puts one there
                raise TypeError(f"with_options() needs a client built by create_client, not one with {transport!r}")
            httpx_args["transport"] = transport.with_retry(
                dataclasses.replace(transport.retry, max_retries=max_retries)
            )
            changes["httpx_args"] = httpx_args
        derived = self.__class__.__new__(self.__class__)
        derived._setup(attrs.evolve(self._client, **changes), owns_connections=False)
        return derived

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={_given(self._client, 'base_url')!r})"


class Memories(_Base):
    """The memories.ai API, synchronously. Key and base URL from arguments or MEMORIES_API_KEY, MEMORIES_BASE_URL."""

    embeddings: Embeddings
    assets: Assets

    def _setup(self, client: AuthenticatedClient, owns_connections: bool) -> None:
        super()._setup(client, owns_connections)
        self.embeddings = Embeddings(client)
        self.assets = Assets(client)

    def close(self) -> None:
        """Close the connections (a client made by `with_options` leaves them to its parent)."""
        if self._owns_connections:
            self._client.get_httpx_client().close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


class AsyncMemories(_Base):
    """The memories.ai API, asynchronously. Key and base URL from arguments or MEMORIES_API_KEY, MEMORIES_BASE_URL."""

    embeddings: AsyncEmbeddings
    assets: AsyncAssets

    def _setup(self, client: AuthenticatedClient, owns_connections: bool) -> None:
        super()._setup(client, owns_connections)
        self.embeddings = AsyncEmbeddings(client)
        self.assets = AsyncAssets(client)

    async def close(self) -> None:
        """Close the connections (a client made by `with_options` leaves them to its parent)."""
        if self._owns_connections:
            await self._client.get_async_httpx_client().aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.close()


def _given(client: AuthenticatedClient, name: str) -> Any:
    """What `client` was built with as `name`: attrs keeps each keyword under a private attribute of its own."""
    field = next(field for field in attrs.fields(AuthenticatedClient) if field.alias == name)
    return getattr(client, field.name)
