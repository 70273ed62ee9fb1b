"""The suite's mock (two keys, to test ownership), its depth and seed (contract_tests/profiles.py), and `after_run`."""

from collections.abc import Callable, Generator

import hypothesis
import pytest

from contract_tests.mock_settings import CONTRACT_SETTINGS
from memories_contract import profiles
from mock_server import Settings

# The plugin's fixture, registered again as this package's: overriding `memories_mock_settings` alone is not enough,
# for the plugin's session fixture keeps the first mock it starts, and when tests/ ran first this package would get
# one without SECOND_KEY. This package's own instance uses the settings below; a run of the package alone starts one.
from mock_server.pytest_plugin import memories_mock as memories_mock

hypothesis.settings.register_profile("contract", **profiles.property_test_settings())
hypothesis.settings.load_profile("contract")


@pytest.fixture(scope="session")
def memories_mock_settings() -> Settings:
    """The contract suite's mock: the documented key and a second one."""
    return CONTRACT_SETTINGS


@pytest.hookimpl(tryfirst=True)  # before hypothesis's plugin reads --hypothesis-seed
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "after_run(check): check(item) runs once the test has passed, and its AssertionError fails the test",
    )
    if profiles.PROFILE.randomized and config.getoption("hypothesis_seed") is None:
        config.option.hypothesis_seed = str(profiles.SEED)


def pytest_report_header(config: pytest.Config) -> str:
    return profiles.describe()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    # A schemathesis-parametrized test sees one case per call, never its whole run: what must hold of the run
    # is checked here, after it, and fails that test (not a teardown, which would be an error, not a failure).
    yield
    for marker in item.iter_markers("after_run"):
        check: Callable[[pytest.Item], None] = marker.args[0]
        check(item)
