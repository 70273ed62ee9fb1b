"""How far and how randomly the contract suite explores, chosen by CONTRACT_PROFILE: the one place that says so.

A profile holds only what it changes. The base is schemathesis.toml for schemathesis (in pytest and in
`memories-conformance` alike) and PROPERTY_TESTS below for the suite's own hypothesis tests.

- `default`: the base, with fixed seeds, so that every run sends the same requests (a few minutes; against a
  deployment, a few hundred requests);
- `nightly`: more examples, and a fresh seed each run, so that each night explores data the last did not. The seed
  is reported (pytest's header, `make conformance`'s first line): CONTRACT_SEED=<seed> replays the run.
"""

import os
import random
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import schemathesis

CONFIG_PATH = Path(__file__).with_name("schemathesis.toml")

# The base of `memories-conformance --max-requests`: room for the probes and a default schemathesis run, which sends
# about 200 requests to the mock (it depends on the answers).
MAX_REQUESTS = 500

# The base of the suite's own hypothesis tests. No example database: a run depends on its seed alone.
PROPERTY_TESTS: dict[str, Any] = {
    "max_examples": 40,
    "derandomize": True,
    "database": None,
    "deadline": None,
    "print_blob": True,
}


@dataclass(frozen=True)
class Profile:
    """What a profile changes of the base; None keeps the base's value."""

    schemathesis_examples: int | None = None
    """Per operation in the fuzzing phase, and scenarios in the stateful phase."""
    property_examples: int | None = None
    """Per hypothesis test of the suite's own."""
    randomized: bool = False
    """A fresh seed each run instead of the fixed ones."""
    max_requests: int | None = None
    """The default request cap of `memories-conformance`."""


PROFILES = {
    "default": Profile(),
    "nightly": Profile(schemathesis_examples=300, property_examples=1000, randomized=True, max_requests=10_000),
}


def _chosen() -> tuple[str, Profile]:
    name = os.environ.get("CONTRACT_PROFILE", "default")
    if name not in PROFILES:
        raise ValueError(f"CONTRACT_PROFILE must be one of {sorted(PROFILES)}, not {name!r}")
    return name, PROFILES[name]


def _seed() -> int | None:
    if os.environ.get("CONTRACT_SEED"):
        return int(os.environ["CONTRACT_SEED"])
    return random.SystemRandom().getrandbits(64) if PROFILE.randomized else None


NAME, PROFILE = _chosen()
# Drawn once per process: schemathesis's tests and the property tests of one run share it. None: the fixed seeds.
SEED = _seed()
PROFILE_MAX_REQUESTS = PROFILE.max_requests or MAX_REQUESTS


def describe() -> str:
    """The profile and, unless it uses the fixed seeds, its seed and how to replay the run."""
    seed = f", seed {SEED} (CONTRACT_PROFILE={NAME} CONTRACT_SEED={SEED} replays it)" if SEED is not None else ""
    return f"contract profile {NAME}{seed}"


def property_test_settings() -> dict[str, Any]:
    """The suite's own hypothesis tests' settings under this profile."""
    settings = dict(PROPERTY_TESTS)
    if PROFILE.property_examples is not None:
        settings["max_examples"] = PROFILE.property_examples
    if PROFILE.randomized:
        settings["derandomize"] = False
    return settings


def contract_config(api_key: str) -> "schemathesis.Config":
    """schemathesis.toml under this profile, sending `api_key` in every request."""
    # Imported here: a second of start-up, which a dry run does without.
    import schemathesis

    data: dict[str, Any] = tomllib.loads(CONFIG_PATH.read_text(encoding="utf-8"))
    data["headers"] = {"Authorization": api_key}
    if PROFILE.schemathesis_examples is not None:
        data["generation"]["max-examples"] = PROFILE.schemathesis_examples
    if SEED is not None:
        data["seed"] = SEED
    return schemathesis.Config.from_dict(data)
