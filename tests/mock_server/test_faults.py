"""Faults: seeded draws at each fault's rate, and on the wire, really: a reset, an empty answer, a body cut off or
dripped; nothing stored is lost, and bad input is still a 400."""

import json
import logging
import random
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import pytest

from mock_server import API_PREFIX, DOCUMENTED_TEST_KEY, Settings, create_app
from mock_server.faults import Fault, FaultInjector
from mock_server.testing import serve
from tests.mock_server.helpers import PNG, ApiFactory, assert_error, embed_file, upload_id

ALL_OFF = dict.fromkeys(Fault, 0.0)


def test_faults_are_off_at_rate_zero() -> None:
    injector = FaultInjector(0.0, seed=1, rates=ALL_OFF)
    assert all(injector.draw() is None for _ in range(1000))


def test_status_faults_follow_the_rate_and_the_seed() -> None:
    first = FaultInjector(0.3, seed=7)
    second = FaultInjector(0.3, seed=7)
    sequence = [first.draw() for _ in range(2000)]
    assert sequence == [second.draw() for _ in range(2000)]
    faults = [status for status in sequence if status is not None]
    assert 0.25 < len(faults) / len(sequence) < 0.35
    assert set(faults) == {500, 503}


def test_a_seed_gives_the_same_status_faults_as_before_network_faults_existed() -> None:
    # What a seed drew before: one number per request, then the status. Seeds in users' tests keep their meaning.
    generator = random.Random(7)
    before = [generator.choice((500, 503)) if generator.random() < 0.3 else None for _ in range(500)]
    injector = FaultInjector(0.3, seed=7, rates=ALL_OFF)
    assert [injector.draw() for _ in range(500)] == before


def test_each_fault_comes_at_its_own_rate() -> None:
    rates = {Fault.RESET: 0.05, Fault.EMPTY: 0.1, Fault.CUT_OFF: 0.15, Fault.DRIP: 0.2}
    injector = FaultInjector(0.1, seed=3, rates=rates)
    draws = [injector.draw() for _ in range(20_000)]
    for fault, rate in rates.items():
        assert abs(draws.count(fault) / len(draws) - rate) < 0.01, fault
    assert abs((draws.count(500) + draws.count(503)) / len(draws) - 0.1) < 0.01
    assert abs(draws.count(None) / len(draws) - 0.4) < 0.01


def test_every_request_faults_at_rate_one() -> None:
    injector = FaultInjector(0.0, seed=3, rates={Fault.RESET: 1.0})
    assert {injector.draw() for _ in range(100)} == {Fault.RESET}


# On the wire: raw sockets, to see exactly what the client receives.


@dataclass
class Received:
    """What a client read from one connection: the bytes, in the pieces they came in, and how it ended."""

    pieces: list[bytes]
    reset: bool
    seconds: float

    @property
    def data(self) -> bytes:
        return b"".join(self.pieces)

    def head_and_body(self) -> tuple[dict[str, str], bytes]:
        head, _, body = self.data.partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")[1:]
        return {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}, body


def exchange(port: int, request: bytes) -> Received:
    """Send `request` on a new connection and read until the server ends it."""
    pieces, reset = [], False
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request)
        while True:
            try:
                piece = connection.recv(65536)
            except ConnectionResetError:
                reset = True
                break
            if not piece:
                break
            pieces.append(piece)
    return Received(pieces, reset, time.perf_counter() - started)


def json_request(body: dict[str, str], prefer: str | None = None, key: str = DOCUMENTED_TEST_KEY) -> bytes:
    """A POST /embeddings/image asking the server to close the connection after it answers."""
    content = json.dumps(body).encode()
    headers = [
        f"POST {API_PREFIX}/embeddings/image HTTP/1.1",
        "Host: 127.0.0.1",
        f"Authorization: {key}",
        "Content-Type: application/json",
        f"Content-Length: {len(content)}",
        "Connection: close",
        *([f"Prefer: {prefer}"] if prefer else []),
    ]
    return "\r\n".join(headers).encode() + b"\r\n\r\n" + content


UNKNOWN_ASSET = {"asset_id": "re_1", "model": "mobileclip"}


@contextmanager
def faulty_mock(**settings: float) -> Iterator[tuple[int, Settings]]:
    """The mock on loopback, served as memories-mock serves it, with `settings`; yields its port."""
    configured = Settings(access_log=False, **settings)  # type: ignore[arg-type]  # numbers only
    with serve(create_app(configured)) as port:
        yield port, configured


@pytest.fixture(scope="module")
def mock_port() -> Iterator[int]:
    with faulty_mock(drip_seconds=0.3) as (port, _):
        yield port


def test_a_reset_resets_the_connection_without_an_answer(mock_port: int) -> None:
    received = exchange(mock_port, json_request(UNKNOWN_ASSET, "fault=reset"))
    assert received.reset
    assert received.data == b""


def test_an_empty_answer_closes_the_connection_without_a_byte(mock_port: int) -> None:
    received = exchange(mock_port, json_request(UNKNOWN_ASSET, "fault=empty"))
    assert not received.reset
    assert received.data == b""


def test_a_cut_off_body_stops_at_half_of_what_its_length_promised(mock_port: int) -> None:
    whole = exchange(mock_port, json_request(UNKNOWN_ASSET))
    cut = exchange(mock_port, json_request(UNKNOWN_ASSET, "fault=cut-off"))
    (whole_head, whole_body), (cut_head, cut_body) = whole.head_and_body(), cut.head_and_body()
    assert whole.data.startswith(b"HTTP/1.1 400 ")
    assert cut.data.startswith(b"HTTP/1.1 400 ")
    assert cut_head["content-length"] == whole_head["content-length"] == str(len(whole_body))
    assert cut_body == whole_body[: len(whole_body) // 2]
    assert not cut.reset


def test_a_dripped_body_comes_whole_in_pieces_over_the_drip_time(mock_port: int) -> None:
    whole = exchange(mock_port, json_request(UNKNOWN_ASSET))
    dripped = exchange(mock_port, json_request(UNKNOWN_ASSET, "fault=drip"))
    (whole_head, whole_body), (dripped_head, dripped_body) = whole.head_and_body(), dripped.head_and_body()
    assert dripped_body == whole_body
    assert dripped_head == whole_head | {"date": dripped_head["date"]}
    assert len(dripped.pieces) >= 5  # loopback would deliver a whole answer at once
    assert dripped.seconds >= 0.3 * 0.9  # a lower bound: sleeps do not end early


def test_prefer_fault_applies_to_the_documented_answer_prefer_code_asks_for(mock_port: int) -> None:
    cut = exchange(mock_port, json_request(UNKNOWN_ASSET, "code=429, fault=cut-off"))
    head, body = cut.head_and_body()
    assert cut.data.startswith(b"HTTP/1.1 429 ")
    assert len(body) == int(head["content-length"]) // 2


def test_a_request_without_the_key_gets_no_fault(mock_port: int) -> None:
    refused = exchange(mock_port, json_request(UNKNOWN_ASSET, "fault=reset", key="sk-mai-wrong"))
    assert refused.data.startswith(b"HTTP/1.1 401 ")


@pytest.mark.parametrize("fault", [fault.value for fault in Fault])
def test_drawn_faults_happen_on_the_wire(fault: str) -> None:
    with faulty_mock(**{f"{fault.replace('-', '_')}_rate": 1.0, "drip_seconds": 0.1}) as (port, _):
        received = exchange(port, json_request(UNKNOWN_ASSET))
    expected = {
        "reset": (True, b""),
        "empty": (False, b""),
    }
    if fault in expected:
        assert (received.reset, received.data) == expected[fault]
    else:
        head, body = received.head_and_body()
        assert len(body) == int(head["content-length"]) // (2 if fault == "cut-off" else 1)


def test_nothing_stored_is_lost_and_a_cut_off_upload_is_stored() -> None:
    settings = Settings(access_log=False)
    app = create_app(settings)
    store = app.state.api.store
    with serve(app) as port:
        base_url = f"http://127.0.0.1:{port}{API_PREFIX}"
        headers = {"Authorization": DOCUMENTED_TEST_KEY}
        with httpx.Client(base_url=base_url, headers=headers) as client:
            kept = client.post("/upload", files={"file": ("a.png", PNG, "image/png")}).json()["data"]["asset_id"]
            for fault in ("reset", "empty", "cut-off"):
                with pytest.raises(httpx.TransportError):
                    client.post(
                        "/upload", files={"file": ("a.png", PNG, "image/png")}, headers={"Prefer": f"fault={fault}"}
                    )
            after = client.post(
                "/embeddings/image", json={"asset_id": kept, "model": "mobileclip"}, headers={"Prefer": "fault=drip"}
            )
    assert after.status_code == 200  # the first upload survived every fault
    # The reset and the empty answer came before the upload was processed; the cut-off one came after it.
    assert len(store) == 2


@pytest.mark.anyio
async def test_an_unknown_fault_is_a_400_naming_the_faults(api: httpx.AsyncClient) -> None:
    response = await embed_file(api, PNG, headers={"Prefer": "fault=meltdown"})
    assert_error(response, 400, "Prefer: fault must name one of reset, empty, cut-off, drip")


@pytest.mark.anyio
@pytest.mark.parametrize("fault", ["reset", "empty", "cut-off"])
async def test_in_process_faults_that_need_the_connection_answer_503(api: httpx.AsyncClient, fault: str) -> None:
    response = await embed_file(api, PNG, headers={"Prefer": f"fault={fault}"})
    assert_error(response, 503, f"Injected fault ({fault}), answered 503")
    assert response.headers["Retry-After"] == "1"


@pytest.mark.anyio
async def test_in_process_drip_answers_whole(make_api: ApiFactory) -> None:
    async with make_api(Settings(access_log=False, drip_seconds=0.05)) as api:
        asset_id = await upload_id(api)
        response = await api.post(
            "/embeddings/image", json={"asset_id": asset_id, "model": "mobileclip"}, headers={"Prefer": "fault=drip"}
        )
    assert response.status_code == 200
    assert len(response.json()["data"]["embedding"]) == 512


def test_the_access_log_names_the_fault(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="mock_server.access")
    with serve(create_app(Settings(access_log=True))) as port:
        exchange(port, json_request(UNKNOWN_ASSET, "fault=reset"))
        exchange(port, json_request(UNKNOWN_ASSET, "fault=cut-off"))
    lines = [record.getMessage() for record in caplog.records if record.name == "mock_server.access"]
    assert lines[0].startswith(f"POST {API_PREFIX}/embeddings/image - 0B ")
    assert lines[0].endswith(" fault=reset")
    assert lines[1].startswith(f"POST {API_PREFIX}/embeddings/image 400 ")
    assert lines[1].endswith(" fault=cut-off")
