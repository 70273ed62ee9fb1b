"""schemathesis in process: a test case per check and, as with `st run`, the warnings `[warnings] fail-on` names."""

from collections.abc import Iterator

import pytest

from memories_contract import schemathesis_run
from memories_contract.budget import RequestBudget
from memories_contract.outcomes import Status
from mock_server import Settings, run_mock

UNKNOWN_KEY = "sk-mai-a-key-the-mock-does-not-know"


@pytest.fixture(scope="module")
def mock_url() -> Iterator[str]:
    with run_mock(Settings(access_log=False)) as mock:
        yield mock.base_url


def test_a_key_refused_everywhere_fails_the_run_on_missing_auth(mock_url: str) -> None:
    lines: list[str] = []
    result = schemathesis_run.run(mock_url, UNKNOWN_KEY, RequestBudget(1000), 1000, lines.append)
    outcomes = {outcome.name: outcome for outcome in result.outcomes}
    # Every answer is a documented 401 in the documented envelope: no check fails, so only the warning can.
    checks = [outcome for name, outcome in outcomes.items() if not name.startswith("warning[")]
    assert checks
    assert all(outcome.status is Status.PASSED for outcome in checks), [outcome.summary for outcome in checks]
    missing_auth = outcomes["warning[missing_auth]"]
    assert missing_auth.status is Status.FAILED
    assert {finding.message.partition(":")[0] for finding in missing_auth.findings} == {
        "POST /embeddings/image",
        "POST /upload",
    }
    assert outcomes["warning[missing_test_data]"].status is Status.PASSED


def test_a_warning_of_a_run_the_cap_stopped_is_not_judged(mock_url: str) -> None:
    result = schemathesis_run.run(mock_url, UNKNOWN_KEY, RequestBudget(30), 30, lambda line: None)
    assert result.stopped_by_cap
    missing_auth = next(outcome for outcome in result.outcomes if outcome.name == "warning[missing_auth]")
    assert missing_auth.status is Status.NOT_RUN
    assert "the request cap stopped schemathesis" in missing_auth.summary
