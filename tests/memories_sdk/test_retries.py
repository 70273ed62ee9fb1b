"""The retry policy: which failures are retried, and how long to wait."""

import email.utils
import time
from typing import Any

import httpx
import pytest

from memories_sdk import RetryPolicy
from memories_sdk.retries import retry_after, retryable_status


def response(status: int, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, headers=headers)


@pytest.mark.parametrize(
    ("status", "retried"),
    [
        *[(status, True) for status in (408, 429, 500, 503, 520, 599)],
        *[(status, False) for status in (200, 400, 401, 404, 409, 413, 499)],
    ],
)
def test_retryable_statuses(status: int, retried: bool) -> None:
    assert retryable_status(status) is retried


def test_backoff_doubles_from_half_a_second_to_eight() -> None:
    policy = RetryPolicy(random=lambda: 0.0)
    assert [policy.backoff(retry) for retry in range(7)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]


def test_jitter_takes_off_up_to_a_quarter() -> None:
    assert RetryPolicy(random=lambda: 1.0).backoff(1) == 0.75
    assert RetryPolicy(random=lambda: 0.5).backoff(1) == 0.875


def test_only_max_retries_retries_are_allowed() -> None:
    policy = RetryPolicy(max_retries=2, random=lambda: 0.0)
    assert [policy.delay_after_response(retry, response(503)) for retry in range(3)] == [0.5, 1.0, None]
    assert RetryPolicy(max_retries=0).delay_after_response(0, response(503)) is None


def test_other_4xx_are_not_retried() -> None:
    assert RetryPolicy().delay_after_response(0, response(400)) is None


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"Retry-After": "3"}, 3.0),
        ({"Retry-After": "1.5"}, 1.5),
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after-ms": "250", "Retry-After": "9"}, 0.25),
        ({"retry-after-ms": "soon", "Retry-After": "9"}, 9.0),
        ({"Retry-After": "-1"}, None),
        ({"Retry-After": "nan"}, None),
        ({"Retry-After": "tomorrow"}, None),
        ({"Retry-After": "1_0"}, None),
        ({"Retry-After": "1e1"}, None),
        ({"Retry-After": "+3"}, None),
        ({"Retry-After": ""}, None),
        ({"Retry-After": "99999999999"}, 99999999999.0),
        ({}, None),
    ],
)
def test_retry_after_forms(headers: dict[str, str], seconds: float | None) -> None:
    assert retry_after(httpx.Headers(headers)) == seconds


def test_retry_after_as_an_http_date() -> None:
    in_ten_seconds = email.utils.formatdate(time.time() + 10, usegmt=True)
    parsed = retry_after(httpx.Headers({"Retry-After": in_ten_seconds}))
    assert parsed is not None
    assert 8 <= parsed <= 10
    in_the_past = email.utils.formatdate(time.time() - 100, usegmt=True)
    assert retry_after(httpx.Headers({"Retry-After": in_the_past})) == 0.0


def test_the_servers_wait_is_honoured_up_to_the_cap() -> None:
    policy = RetryPolicy(max_retry_after=60)
    assert policy.delay_after_response(0, response(429, {"Retry-After": "7"})) == 7.0
    assert policy.delay_after_response(0, response(429, {"Retry-After": "3600"})) == 60.0


def test_network_errors_and_timeouts_are_retried_others_not() -> None:
    policy = RetryPolicy(random=lambda: 0.0)
    request = httpx.Request("POST", "http://127.0.0.1/")
    assert policy.delay_after_error(0, httpx.ConnectError("refused", request=request)) == 0.5
    assert policy.delay_after_error(1, httpx.ReadTimeout("slow", request=request)) == 1.0
    assert policy.delay_after_error(0, httpx.RemoteProtocolError("closed", request=request)) == 0.5
    assert policy.delay_after_error(0, httpx.UnsupportedProtocol("ftp", request=request)) is None
    assert policy.delay_after_error(2, httpx.ConnectError("refused", request=request)) is None


@pytest.mark.parametrize(
    "arguments",
    [{"max_retries": -1}, {"jitter": 1.5}, {"initial_delay": -0.1}, {"max_delay": float("nan")}],
    ids=["retries", "jitter", "delay", "nan"],
)
def test_nonsense_policies_are_refused(arguments: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="must"):
        RetryPolicy(**arguments)
