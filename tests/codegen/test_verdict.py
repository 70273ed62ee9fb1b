"""The version a change set calls for."""

import pytest

from codegen.verdict import Bump, next_version, version_problem


@pytest.mark.parametrize(
    ("bump", "expected"),
    [(Bump.MAJOR, "3.0.0"), (Bump.MINOR, "2.1.0"), (Bump.PATCH, "2.0.4"), (Bump.NONE, "2.0.3")],
)
def test_next_version(bump: Bump, expected: str) -> None:
    assert next_version("2.0.3", bump) == expected


def test_a_short_version_counts_its_missing_parts_as_zero() -> None:
    assert next_version("2", Bump.MINOR) == "2.1.0"


def test_a_version_bumped_enough_is_no_problem() -> None:
    assert version_problem("2.0.0", "3.0.0", Bump.MAJOR) is None
    assert version_problem("2.0.0", "2.2.0", Bump.MINOR) is None
    assert version_problem("2.0.0", "2.0.0", Bump.NONE) is None


def test_a_version_not_bumped_enough_is_named() -> None:
    assert version_problem("2.0.0", "2.1.0", Bump.MAJOR) == (
        "info.version is 2.1.0; a major change needs at least 3.0.0: bump `info.version`"
    )
    assert version_problem("2.0.0", "latest", Bump.PATCH) == (
        "NEW's info.version 'latest' is no version number; a patch change needs 2.0.1"
    )
    assert "no version number" in str(version_problem("v-two", "3.0.0", Bump.MAJOR))
