"""Shared fixtures: the mock in process, through httpx's ASGI transport (async tests run on anyio)."""

from collections.abc import AsyncIterator

import httpx
import pytest

from mock_server import API_PREFIX, DOCUMENTED_TEST_KEY, Settings, create_app


@pytest.fixture
def anyio_backend() -> str:
    """Async tests run on asyncio, like uvicorn."""
    return "asyncio"


@pytest.fixture
def settings() -> Settings:
    """The mock's settings for one test; override in a module to change them."""
    return Settings(access_log=False)


@pytest.fixture
async def api(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A client for a fresh mock, sending the documented test key; an unhandled server error fails the test."""
    transport = httpx.ASGITransport(app=create_app(settings))
    base_url = f"http://testserver{API_PREFIX}"
    async with httpx.AsyncClient(
        transport=transport, base_url=base_url, headers={"Authorization": DOCUMENTED_TEST_KEY}
    ) as client:
        yield client
