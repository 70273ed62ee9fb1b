"""The suite's schemathesis configuration: schemathesis.toml, the depth of the profile, and the key."""

import os
import re
import tomllib
from pathlib import Path
from typing import Any

import schemathesis

CONFIG_PATH = Path(__file__).with_name("schemathesis.toml")
# CONTRACT_PROFILE=nightly goes deeper than the few minutes the default suite may take.
PROFILES: dict[str, dict[str, int]] = {
    "default": {"max-examples": 25, "max-steps": 6},
    "nightly": {"max-examples": 300, "max-steps": 12},
}


def profile() -> dict[str, int]:
    """The depth chosen by CONTRACT_PROFILE."""
    name = os.environ.get("CONTRACT_PROFILE", "default")
    if name not in PROFILES:
        raise ValueError(f"CONTRACT_PROFILE must be one of {sorted(PROFILES)}, not {name!r}")
    return PROFILES[name]


def profiled_toml() -> str:
    """schemathesis.toml with the depth CONTRACT_PROFILE chooses, for `st run` and for pytest alike."""
    text = CONFIG_PATH.read_text(encoding="utf-8")
    for key, value in profile().items():
        text, count = re.subn(rf"^{key} = \d+", f"{key} = {value}", text, flags=re.MULTILINE)
        if count != 1:
            raise RuntimeError(f"{CONFIG_PATH.name} must set {key} exactly once")
    return text


def contract_config(api_key: str) -> schemathesis.Config:
    """schemathesis.toml at the chosen depth, sending `api_key` in every request."""
    data: dict[str, Any] = tomllib.loads(profiled_toml())
    data["headers"] = {"Authorization": api_key}
    return schemathesis.Config.from_dict(data)
