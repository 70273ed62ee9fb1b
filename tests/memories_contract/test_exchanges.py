"""The probes' sender: a rate limit waited out as Retry-After says, or with backoff, a bounded number of times and
never past the cap; a limit that does not lift is "could not test"."""

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
import pytest

from memories_contract import reports
from memories_contract.budget import RequestBudget
from memories_contract.exchanges import Call, Credential, Sender, embed_file
from memories_contract.outcomes import CannotTest
from memories_contract.probes import Pictures
from mock_server import DOCUMENTED_TEST_KEY, Settings, run_mock

PICTURES = Pictures()
CALLS = [embed_file(scene, "mobileclip") for scene in PICTURES.scenes[:3]]
KEYS = {Credential.KEY: DOCUMENTED_TEST_KEY}


@contextmanager
def limited(
    budget: RequestBudget, planned: list[Call], window: float, sleep: Callable[[float], None] = time.sleep
) -> Iterator[Sender]:
    """A sender to a mock that serves one request per key per `window` seconds, and answers 429 with Retry-After
    past it."""
    settings = Settings(access_log=False, rate_limit=1, rate_window=window)
    with run_mock(settings) as mock, httpx.Client(base_url=mock.base_url) as client:
        yield Sender(client, KEYS, budget, planned, sleep)


def test_a_rate_limit_is_waited_out_as_retry_after_says() -> None:
    budget = RequestBudget(10)
    with limited(budget, CALLS[:2], window=1.0) as sender:
        first, second = (sender.send(call) for call in CALLS[:2])
    assert (first.status, first.waited_out) == (200, ())
    assert second.status == 200
    assert [(answer.status, answer.response_headers["retry-after"]) for answer in second.waited_out] == [(429, "1")]
    assert budget.spent == 3
    har = json.loads(reports.har(sender.exchanges.values(), []))
    assert [entry["response"]["status"] for entry in har["log"]["entries"]] == [200, 429, 200]


def test_a_rate_limit_that_does_not_lift_cannot_be_tested_after_three_waits() -> None:
    waits: list[float] = []
    budget = RequestBudget(10)
    with limited(budget, CALLS[:2], window=60.0, sleep=waits.append) as sender:
        sender.send(CALLS[0])
        with pytest.raises(CannotTest, match=r"rate limit does not lift: .* answered 429 Too Many Requests 4 times"):
            sender.send(CALLS[1])
    assert (waits, budget.spent) == ([60.0, 60.0, 60.0], 5)


def test_a_retry_never_takes_the_room_of_a_planned_call() -> None:
    waits: list[float] = []
    budget = RequestBudget(3)
    with limited(budget, CALLS, window=60.0, sleep=waits.append) as sender:
        sender.send(CALLS[0])
        # The third call, planned, needs the last request of the cap: the second's 429 cannot be sent again.
        with pytest.raises(CannotTest, match="--max-requests 3 leaves no room to send it again"):
            sender.send(CALLS[1])
    assert (waits, budget.spent) == ([], 2)


def test_a_429_without_retry_after_is_retried_with_exponential_backoff() -> None:
    answers = iter([429, 429, 429, 200])

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(next(answers), json={"code": 0})

    waits: list[float] = []
    with httpx.Client(base_url="http://deployment/v2", transport=httpx.MockTransport(handler)) as client:
        answer = Sender(client, KEYS, RequestBudget(10), CALLS[:1], waits.append).send(CALLS[0])
    assert (answer.status, len(answer.waited_out), waits) == (200, 3, [1.0, 2.0, 4.0])
