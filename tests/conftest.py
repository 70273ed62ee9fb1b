"""Shared fixtures: the mock in process, through httpx's ASGI transport (async tests run on anyio)."""

import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import httpx
import pytest

from mock_server import API_PREFIX, DOCUMENTED_TEST_KEY, Settings, create_app
from tests.mock_server.helpers import ApiFactory


@pytest.fixture
def anyio_backend() -> str:
    """Async tests run on asyncio, like uvicorn."""
    return "asyncio"


@pytest.fixture
def settings() -> Settings:
    """The mock's settings for one test; override in a module to change them."""
    return Settings(access_log=False)


@asynccontextmanager
async def _open_api(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(settings))
    base_url = f"http://testserver{API_PREFIX}"
    async with httpx.AsyncClient(
        transport=transport, base_url=base_url, headers={"Authorization": DOCUMENTED_TEST_KEY}
    ) as client:
        yield client


@pytest.fixture
def make_api(caplog: pytest.LogCaptureFixture) -> Iterator[ApiFactory]:
    """Opens clients on fresh mocks (each call a new app: a restart), sending the documented test key.

    The mock answers an unexpected error with a 500 envelope and an error log; that log fails the test.
    """
    yield _open_api
    records = caplog.get_records("call")
    unexpected = [record for record in records if record.name == "mock_server.app" and record.levelno >= logging.ERROR]
    assert not unexpected, unexpected[0].getMessage()


@pytest.fixture
async def api(make_api: ApiFactory, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A client for a fresh mock made from `settings`."""
    async with make_api(settings) as client:
        yield client
