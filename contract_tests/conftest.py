"""The suite's targets: the mock on loopback (two keys, to test ownership) and the mock in process (ASGI)."""

import os
from collections.abc import Iterator

import hypothesis
import pytest
from starlette.applications import Starlette

from mock_server import DOCUMENTED_TEST_KEY, RunningMock, Settings, create_app, run_mock

# Fixed seeds by default; CONTRACT_PROFILE=nightly goes deeper (see also contract_tests/schemathesis_config.py).
hypothesis.settings.register_profile(
    "default", max_examples=40, derandomize=True, database=None, deadline=None, print_blob=True
)
hypothesis.settings.register_profile(
    "nightly", max_examples=1000, derandomize=True, database=None, deadline=None, print_blob=True
)
hypothesis.settings.load_profile(os.environ.get("CONTRACT_PROFILE", "default"))

SECOND_KEY = "sk-mavi-contract_suite_second_key"
CONTRACT_SETTINGS = Settings(api_keys=frozenset({DOCUMENTED_TEST_KEY, SECOND_KEY}), access_log=False)


@pytest.fixture(scope="session")
def served_mock() -> Iterator[RunningMock]:
    """The mock over real HTTP on 127.0.0.1, for the generated client end to end."""
    with run_mock(CONTRACT_SETTINGS) as running:
        yield running


@pytest.fixture(scope="session")
def mock_app() -> Starlette:
    """The mock as an ASGI app, for schemathesis in process."""
    return create_app(CONTRACT_SETTINGS)
