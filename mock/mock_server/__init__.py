"""A faithful mock of the memories.ai image-embedding API, runnable on loopback or in process (ASGI)."""

from mock_server.app import API_PREFIX, create_app
from mock_server.settings import DOCUMENTED_TEST_KEY, Settings
from mock_server.testing import RunningMock, run_mock

__all__ = ["API_PREFIX", "DOCUMENTED_TEST_KEY", "RunningMock", "Settings", "create_app", "run_mock"]
