"""The suite's schemathesis configuration: schemathesis.toml, the depth of the profile, and the key."""

import os
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


def contract_config(api_key: str) -> schemathesis.Config:
    """schemathesis.toml at the chosen depth, sending `api_key` in every request."""
    data: dict[str, Any] = tomllib.loads(CONFIG_PATH.read_text(encoding="utf-8"))
    depth = profile()
    data["generation"]["max-examples"] = depth["max-examples"]
    data["phases"]["stateful"]["max-steps"] = depth["max-steps"]
    data["headers"] = {"Authorization": api_key}
    return schemathesis.Config.from_dict(data)
