"""The mock's configuration: one frozen object, from keyword arguments or from the environment."""

import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from memories_spec import SPEC_PATH, load_spec, operations
from mock_server.faults import Fault
from mock_server.latency import Latency

# The key the provider's documentation uses in its examples; accepted unless other keys are configured.
DOCUMENTED_TEST_KEY = "sk-mai-this_a_test_string_please_use_your_generated_key_during_testing"

ENV_PREFIX = "MEMORIES_MOCK_"

_Number = TypeVar("_Number", int, float)


@dataclass(frozen=True, kw_only=True)
class Settings:
    """How the mock behaves. Every control that changes answers (faults, latency, rate limit) is off by default."""

    api_keys: frozenset[str] = field(default=frozenset({DOCUMENTED_TEST_KEY}), repr=False)
    """Keys are secrets: they stay out of the repr, and so out of tracebacks and logs."""
    data_dir: Path | None = None
    """Where uploaded assets are kept across restarts; memory only when None."""
    max_upload_bytes: int = 64 * 1024 * 1024
    """The largest multipart body accepted; larger bodies get 413 before they are read into memory."""
    max_json_bytes: int = 64 * 1024
    max_image_pixels: int = 50_000_000
    """Images whose header declares more pixels are refused (decompression bombs) before decoding."""
    fault_rate: float = 0.0
    """The share of authenticated requests answered with an injected 500 or 503, drawn from `fault_seed`."""
    reset_rate: float = 0.0
    """The share whose connection is reset, with no answer (mock_server.faults: these four need the mock's server)."""
    empty_rate: float = 0.0
    """The share whose connection is closed with no answer."""
    cut_off_rate: float = 0.0
    """The share whose answer's body stops midway, the connection closed."""
    drip_rate: float = 0.0
    """The share whose answer's body comes slowly, over `drip_seconds`."""
    drip_seconds: float = 1.0
    fault_seed: int = 0
    """The seed of every fault's draws: the same requests in the same order get the same faults."""
    latency: Latency = field(default_factory=Latency)
    """How long answers wait, per operation (mock_server.latency); none by default."""
    latency_seed: int = 0
    rate_limit: int | None = None
    """Requests allowed per key per `rate_window` seconds; over it, 429 with Retry-After. None: no limit, which the
    environment and the command line say with 0."""
    rate_window: float = 1.0
    access_log: bool = True
    spec_path: Path = SPEC_PATH

    def __post_init__(self) -> None:
        if not self.api_keys:
            raise ValueError("at least one API key is needed")
        if not all(key.strip() for key in self.api_keys):
            # A request without Authorization reads as the key "": an empty key would switch authentication off.
            raise ValueError("API keys must not be empty or blank")
        rates = {"fault_rate": self.fault_rate}
        rates |= {f"{fault.value.replace('-', '_')}_rate": rate for fault, rate in self.network_fault_rates.items()}
        if not all(math.isfinite(value) for value in (*rates.values(), self.rate_window, self.drip_seconds)):
            raise ValueError("fault rates, drip_seconds and rate_window must be finite numbers")
        for name, rate in rates.items():
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, not {rate}")
        if sum(rates.values()) > 1.0 + 1e-9:
            raise ValueError(
                f"the fault rates add up to more than 1: {', '.join(f'{n}={r:g}' for n, r in rates.items() if r)}"
            )
        if self.drip_seconds < 0:
            raise ValueError(f"drip_seconds must not be negative, not {self.drip_seconds}")
        if self.latency.operations:
            known = set(operations(load_spec(self.spec_path)))
            if unknown := self.latency.operations - known:
                names, known_names = ", ".join(sorted(unknown)), ", ".join(sorted(known))
                raise ValueError(f"latency names no operation of the spec: {names} (operations: {known_names})")
        if self.rate_limit is not None and self.rate_limit < 1:
            raise ValueError(f"rate_limit must be at least 1 (None: no limit), not {self.rate_limit}")
        if self.rate_window <= 0:
            raise ValueError(f"rate_window must be positive, not {self.rate_window}")
        if min(self.max_upload_bytes, self.max_json_bytes, self.max_image_pixels) < 1:
            raise ValueError("size limits must be positive")

    @property
    def network_fault_rates(self) -> dict[Fault, float]:
        """The rate of each network fault."""
        return {
            Fault.RESET: self.reset_rate,
            Fault.EMPTY: self.empty_rate,
            Fault.CUT_OFF: self.cut_off_rate,
            Fault.DRIP: self.drip_rate,
        }

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> "Settings":
        """Settings from MEMORIES_MOCK_* variables (API_KEYS is comma-separated); unset ones keep their defaults."""
        defaults = cls()
        env = _Environment(environ)
        keys = env.text("API_KEYS")
        data_dir = env.text("DATA_DIR")
        rate_limit = env.number("RATE_LIMIT", int, 0)
        return cls(
            api_keys=frozenset(key.strip() for key in keys.split(",") if key.strip()) if keys else defaults.api_keys,
            data_dir=Path(data_dir) if data_dir else None,
            max_upload_bytes=env.number("MAX_UPLOAD_BYTES", int, defaults.max_upload_bytes),
            max_json_bytes=env.number("MAX_JSON_BYTES", int, defaults.max_json_bytes),
            max_image_pixels=env.number("MAX_IMAGE_PIXELS", int, defaults.max_image_pixels),
            fault_rate=env.number("FAULT_RATE", float, defaults.fault_rate),
            reset_rate=env.number("RESET_RATE", float, defaults.reset_rate),
            empty_rate=env.number("EMPTY_RATE", float, defaults.empty_rate),
            cut_off_rate=env.number("CUT_OFF_RATE", float, defaults.cut_off_rate),
            drip_rate=env.number("DRIP_RATE", float, defaults.drip_rate),
            drip_seconds=env.number("DRIP_SECONDS", float, defaults.drip_seconds),
            fault_seed=env.number("FAULT_SEED", int, defaults.fault_seed),
            latency=env.latency("LATENCY"),
            latency_seed=env.number("LATENCY_SEED", int, defaults.latency_seed),
            rate_limit=rate_limit or None,
            rate_window=env.number("RATE_WINDOW", float, defaults.rate_window),
            access_log=env.text("ACCESS_LOG", "1").lower() not in {"0", "false", "no", "off"},
        )


@dataclass(frozen=True)
class _Environment:
    environ: Mapping[str, str]

    def text(self, name: str, default: str = "") -> str:
        return self.environ.get(ENV_PREFIX + name, "").strip() or default

    def latency(self, name: str) -> Latency:
        try:
            return Latency.parse(re.split(r"[,\s]+", self.text(name)) if self.text(name) else [])
        except ValueError as error:
            raise ValueError(f"{ENV_PREFIX}{name}: {error}") from None

    def number(self, name: str, convert: Callable[[str], _Number], default: _Number) -> _Number:
        raw = self.text(name)
        if not raw:
            return default
        try:
            return convert(raw)
        except ValueError:
            raise ValueError(f"{ENV_PREFIX}{name} must be a number, not {raw!r}") from None
