"""Faults, as real servers and networks produce them: each off by default, each at its own rate, from one seed.

- `500` or `503` (with `Retry-After: 1`): `--fault-rate`; the error envelope, "Injected fault (503)";
- `reset`: the connection is reset (a TCP RST) with no answer; `--reset-rate`;
- `empty`: the connection is closed with no answer; `--empty-rate`;
- `cut-off`: the answer's headers promise its whole body, half of it comes, then the connection closes;
  `--cut-off-rate`;
- `drip`: the answer comes whole, but its body in DRIP_PIECES pieces over `--drip-seconds`; `--drip-rate`.

One draw per authenticated request picks at most one fault, so the rates add up (to 1 at most). `Prefer: fault=NAME`
asks for one on one request (`reset`, `empty`, `cut-off`, `drip`), whatever the rates. A reset or an empty answer
comes before the request is processed: nothing is stored. A body cut off or dripped is the real answer's: an upload
cut off has been stored, and its caller cannot tell, as on a real network.
"""

import enum
import logging
import random
import threading
from collections.abc import Mapping

import anyio
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send

from mock_server.envelope import ApiError, error_response
from mock_server.server import connection_control

DRIP_PIECES = 10
STATUS_FAULTS = (500, 503)
logger = logging.getLogger(__name__)


class Fault(enum.Enum):
    """A network fault: what happens to the connection or to the answer's body."""

    RESET = "reset"
    EMPTY = "empty"
    CUT_OFF = "cut-off"
    DRIP = "drip"

    @property
    def instead_of_the_answer(self) -> bool:
        """Whether it comes before the request is processed (a reset, an empty answer), not to the answer's body."""
        return self in (Fault.RESET, Fault.EMPTY)

    @classmethod
    def named(cls, name: str) -> "Fault":
        """The fault `Prefer: fault=NAME` asks for; a 400 for any other name."""
        try:
            return cls(name.lower())
        except ValueError:
            names = ", ".join(fault.value for fault in cls)
            raise ApiError(400, f"Prefer: fault must name one of {names}") from None


def status_fault(status: int) -> ApiError:
    """The injected 500 or 503."""
    return ApiError(status, f"Injected fault ({status})", {"Retry-After": "1"} if status == 503 else None)


class FaultInjector:
    """Draws the fault of each request: a status (500, 503), a network `Fault`, or none, reproducibly from `seed`."""

    def __init__(self, status_rate: float, seed: int, rates: Mapping[Fault, float] | None = None) -> None:
        self._status_rate = status_rate
        self._rates = [(fault, rate) for fault, rate in (rates or {}).items() if rate > 0]
        self._enabled = status_rate > 0 or bool(self._rates)
        self._random = random.Random(seed)
        self._lock = threading.Lock()

    def draw(self) -> int | Fault | None:
        """This request's fault, or None."""
        if not self._enabled:
            return None
        with self._lock:
            # With network faults off, the same draws as before they existed: seeds keep their sequences.
            point = self._random.random()
            if point < self._status_rate:
                return self._random.choice(STATUS_FAULTS)
            point -= self._status_rate
            for fault, rate in self._rates:
                if point < rate:
                    return fault
                point -= rate
            return None


def no_answer(fault: Fault) -> Response:
    """The connection reset or closed instead of an answer (`fault.instead_of_the_answer`)."""
    return _NoAnswer(fault)


def broken_body(fault: Fault, answer: Response, drip_seconds: float) -> Response:
    """`answer`, its body cut off midway or dripped over `drip_seconds`."""
    return _BrokenBody(fault, answer, drip_seconds)


class _NoAnswer(Response):
    """The connection reset or closed, with no answer at all."""

    def __init__(self, fault: Fault) -> None:
        super().__init__()
        self.fault = fault

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope.setdefault("state", {})["fault"] = self.fault.value  # for the access log
        control = connection_control(scope)
        if control is None:
            await _unsupported(self.fault)(scope, receive, send)
            return
        if self.fault is Fault.RESET:
            control.reset()
        else:
            control.close()
        await _disconnected(receive)


class _BrokenBody(Response):
    """`answer`'s status and headers, then its body cut off midway or dripped slowly."""

    def __init__(self, fault: Fault, answer: Response, drip_seconds: float) -> None:
        super().__init__(status_code=answer.status_code)
        self.fault = fault
        self.answer = answer
        self.drip_seconds = drip_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope.setdefault("state", {})["fault"] = self.fault.value
        control = connection_control(scope)
        if self.fault is Fault.CUT_OFF and control is None:
            await _unsupported(self.fault)(scope, receive, send)
            return
        body = bytes(self.answer.body)
        await send(
            {"type": "http.response.start", "status": self.answer.status_code, "headers": self.answer.raw_headers}
        )
        if control is not None and self.fault is Fault.CUT_OFF:
            await send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True})
            control.close()
            await _disconnected(receive)
            return
        size = -(-len(body) // DRIP_PIECES) or 1  # ceiling division: DRIP_PIECES pieces at most
        pieces = [body[start : start + size] for start in range(0, len(body), size)] or [b""]
        for index, piece in enumerate(pieces):
            await anyio.sleep(self.drip_seconds / len(pieces))
            message: Message = {"type": "http.response.body", "body": piece, "more_body": index < len(pieces) - 1}
            await send(message)


async def _disconnected(receive: Receive) -> None:
    # Return only once the server has seen the connection go, so that it logs no unfinished answer.
    while (await receive())["type"] != "http.disconnect":
        pass


_warned: set[Fault] = set()


def _unsupported(fault: Fault) -> Response:
    if fault not in _warned:
        _warned.add(fault)
        logger.warning("this server gives no hold on connections: the %s fault is answered 503 instead", fault.value)
    msg = f"Injected fault ({fault.value}), answered 503: this server cannot break connections (use memories-mock)"
    return error_response(ApiError(503, msg, {"Retry-After": "1"}))
