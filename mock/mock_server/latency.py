"""How long the mock waits before it answers: not at all by default; a fixed delay or a distribution, per operation.

`--latency` (repeatable; MEMORIES_MOCK_LATENCY, separated by commas or spaces) takes a delay for every operation, or
`OPERATION=DELAY` for one operation, which wins over the delay for all:

    200ms                          every answer after 200 ms
    lognormal:200ms:1.5s           a median of 200 ms, 1% of answers after more than 1.5 s (a real service's tail)
    uniform:100ms:300ms            anywhere between 100 and 300 ms, evenly
    embedImage=lognormal:200ms:1.5s

Delays are drawn from one generator seeded with `latency_seed`: the same requests in the same order wait the same.
The wait is an `asyncio.sleep` on the event loop, holding no thread, so thousands of slow requests can wait at once.
"""

import math
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import NormalDist
from typing import Protocol

_DURATION = re.compile(r"([0-9]+(?:\.[0-9]*)?)(ms|s)")
_Z99 = NormalDist().inv_cdf(0.99)
EXAMPLES = "200ms, lognormal:200ms:1.5s (median, 99th percentile), uniform:100ms:300ms, embedImage=200ms"


class Delay(Protocol):
    """A distribution of delays, in seconds."""

    def draw(self, generator: random.Random) -> float:
        """One delay."""
        ...


def duration(text: str) -> float:
    """Seconds from `200ms` or `1.5s`."""
    found = _DURATION.fullmatch(text.strip())
    if found is None:
        raise ValueError(f"{text!r} is no duration: write it like 200ms or 1.5s")
    value = float(found.group(1))
    return value / 1000 if found.group(2) == "ms" else value


def _seconds(value: float) -> str:
    return f"{value * 1000:g}ms" if value < 1 else f"{value:g}s"


@dataclass(frozen=True)
class Fixed:
    """Always the same delay."""

    seconds: float

    def draw(self, generator: random.Random) -> float:
        return self.seconds

    def __str__(self) -> str:
        return _seconds(self.seconds)


@dataclass(frozen=True)
class LogNormal:
    """A log-normal distribution with this median and 99th percentile: most answers near the median, a long tail."""

    median: float
    p99: float

    def __post_init__(self) -> None:
        if not 0 < self.median < self.p99:
            raise ValueError(f"lognormal needs 0 < median < 99th percentile, not {self.median} and {self.p99}")

    @property
    def sigma(self) -> float:
        """The standard deviation of the delay's logarithm."""
        return (math.log(self.p99) - math.log(self.median)) / _Z99

    @property
    def mean(self) -> float:
        """The mean delay, above the median by the tail's weight."""
        return self.median * math.exp(self.sigma**2 / 2)

    def draw(self, generator: random.Random) -> float:
        return generator.lognormvariate(math.log(self.median), self.sigma)

    def __str__(self) -> str:
        return f"lognormal:{_seconds(self.median)}:{_seconds(self.p99)}"


@dataclass(frozen=True)
class Uniform:
    """Any delay between `low` and `high`, evenly."""

    low: float
    high: float

    def __post_init__(self) -> None:
        if not 0 <= self.low <= self.high:
            raise ValueError(f"uniform needs 0 <= low <= high, not {self.low} and {self.high}")

    def draw(self, generator: random.Random) -> float:
        return generator.uniform(self.low, self.high)

    def __str__(self) -> str:
        return f"uniform:{_seconds(self.low)}:{_seconds(self.high)}"


def parse_delay(text: str) -> Delay:
    """`200ms`, `lognormal:MEDIAN:P99` or `uniform:LOW:HIGH`."""
    kind, *values = text.strip().split(":")
    if not values:
        return Fixed(duration(kind))
    if kind not in ("lognormal", "uniform") or len(values) != 2:
        raise ValueError(f"{text!r} is no delay: write it like {EXAMPLES}")
    first, second = (duration(value) for value in values)
    return LogNormal(first, second) if kind == "lognormal" else Uniform(first, second)


@dataclass(frozen=True)
class Latency:
    """The delay of each operation: `by_operation`'s, else `default`; None: answer at once."""

    default: Delay | None = None
    by_operation: tuple[tuple[str, Delay], ...] = ()

    @classmethod
    def parse(cls, specs: Iterable[str]) -> "Latency":
        """From `--latency` values: `DELAY` for every operation, `OPERATION=DELAY` for one (the last one wins)."""
        default: Delay | None = None
        by_operation: dict[str, Delay] = {}
        for spec in specs:
            operation, separator, delay = spec.strip().rpartition("=")
            if separator and not operation:
                raise ValueError(f"{spec!r} names no operation before '='")
            if operation:
                by_operation[operation] = parse_delay(delay)
            else:
                default = parse_delay(delay)
        return cls(default, tuple(by_operation.items()))

    @property
    def enabled(self) -> bool:
        return self.default is not None or bool(self.by_operation)

    @property
    def operations(self) -> set[str]:
        """The operations given a delay of their own."""
        return {operation for operation, _ in self.by_operation}

    def __str__(self) -> str:
        specs = [] if self.default is None else [str(self.default)]
        specs += [f"{operation}={delay}" for operation, delay in self.by_operation]
        return " ".join(specs) or "none"


class LatencyDrawer:
    """Draws each answer's delay for `latency`, from a generator seeded with `seed`."""

    def __init__(self, latency: Latency, seed: int) -> None:
        self._default = latency.default
        self._by_operation = dict(latency.by_operation)
        self._generator = random.Random(seed)

    def draw(self, operation_id: str) -> float | None:
        """The seconds the next answer of `operation_id` waits, or None when it waits for nothing."""
        delay = self._by_operation.get(operation_id, self._default)
        return None if delay is None else delay.draw(self._generator)
