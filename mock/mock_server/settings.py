"""The mock's configuration: one frozen object, from keyword arguments or from the environment."""

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from memories_spec import SPEC_PATH

# The key the provider's documentation uses in its examples; accepted unless other keys are configured.
DOCUMENTED_TEST_KEY = "sk-mai-this_a_test_string_please_use_your_generated_key_during_testing"

ENV_PREFIX = "MEMORIES_MOCK_"

_Number = TypeVar("_Number", int, float)


@dataclass(frozen=True, kw_only=True)
class Settings:
    """How the mock behaves. Every control that changes answers (faults, rate limit) is off by default."""

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
    fault_seed: int = 0
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
        if not all(math.isfinite(value) for value in (self.fault_rate, self.rate_window)):
            raise ValueError("fault_rate and rate_window must be finite numbers")
        if not 0.0 <= self.fault_rate <= 1.0:
            raise ValueError(f"fault_rate must be between 0 and 1, not {self.fault_rate}")
        if self.rate_limit is not None and self.rate_limit < 1:
            raise ValueError(f"rate_limit must be at least 1 (None: no limit), not {self.rate_limit}")
        if self.rate_window <= 0:
            raise ValueError(f"rate_window must be positive, not {self.rate_window}")
        if min(self.max_upload_bytes, self.max_json_bytes, self.max_image_pixels) < 1:
            raise ValueError("size limits must be positive")

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
            fault_seed=env.number("FAULT_SEED", int, defaults.fault_seed),
            rate_limit=rate_limit or None,
            rate_window=env.number("RATE_WINDOW", float, defaults.rate_window),
            access_log=env.text("ACCESS_LOG", "1").lower() not in {"0", "false", "no", "off"},
        )


@dataclass(frozen=True)
class _Environment:
    environ: Mapping[str, str]

    def text(self, name: str, default: str = "") -> str:
        return self.environ.get(ENV_PREFIX + name, "").strip() or default

    def number(self, name: str, convert: Callable[[str], _Number], default: _Number) -> _Number:
        raw = self.text(name)
        if not raw:
            return default
        try:
            return convert(raw)
        except ValueError:
            raise ValueError(f"{ENV_PREFIX}{name} must be a number, not {raw!r}") from None
