"""The request cap: counted by path, refused past the limit, and enforced on every request `requests` sends."""

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
import requests

from memories_contract.budget import RequestBudget, RequestCapReached, capping_requests


class _Counting(BaseHTTPRequestHandler):
    received: ClassVar[list[str]]

    def do_GET(self) -> None:
        self.received.append(self.path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    """A loopback server that records each request's path."""
    received: list[str] = []
    handler = type("Handler", (_Counting,), {"received": received})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", received
    httpd.shutdown()
    httpd.server_close()


def test_a_budget_counts_by_path_and_refuses_past_its_limit() -> None:
    budget = RequestBudget(3)
    assert [budget.spend("/a"), budget.spend("/b"), budget.spend("/a")] == [2, 1, 0]
    with pytest.raises(RequestCapReached):
        budget.spend("/a")
    assert (budget.spent, budget.remaining, budget.sent["/a"]) == (3, 0, 2)


def test_every_request_of_requests_counts_and_none_is_sent_past_the_share(server: tuple[str, list[str]]) -> None:
    origin, received = server
    budget = RequestBudget(10)
    budget.spend("/probe")
    reached: list[int] = []
    with capping_requests(budget, 3, lambda: reached.append(budget.spent)), requests.Session() as session:
        for number in range(3):
            assert session.get(f"{origin}/fuzz/{number}").status_code == 204
        assert reached == [4]  # told when the last allowed request is sent, not later
        with pytest.raises(RequestCapReached):
            session.get(f"{origin}/fuzz/past-the-share")
    assert received == ["/fuzz/0", "/fuzz/1", "/fuzz/2"]
    assert (budget.spent, budget.sent["/fuzz/1"]) == (4, 1)
    requests.get(f"{origin}/after", timeout=5)  # the cap ends with the block
    assert (budget.spent, received[-1]) == (4, "/after")
