"""The verdict of a change report: how bad it is, and which version the generated client must carry next.

Semantic versioning of the generated package (its version is the spec's `info.version`): `major` when a client
generated from OLD breaks or its Python API breaks, `minor` for additions and changes that break nothing,
`patch` when only documentation changed, `none` for identical specs.
"""

from enum import Enum

from packaging.version import InvalidVersion, Version


class Bump(Enum):
    """The part of the version a change set moves, least first."""

    NONE = "none"
    PATCH = "patch"
    MINOR = "minor"
    MAJOR = "major"

    @property
    def rank(self) -> int:
        """The order of bumps: none < patch < minor < major."""
        return list(Bump).index(self)


def next_version(version: str, bump: Bump) -> str | None:
    """The smallest version after `version` that the bump allows (`None`: not a version)."""
    try:
        release = Version(version).release
    except InvalidVersion:
        return None
    major, minor, patch = (*release, 0, 0)[:3]
    if bump is Bump.MAJOR:
        return f"{major + 1}.0.0"
    if bump is Bump.MINOR:
        return f"{major}.{minor + 1}.0"
    if bump is Bump.PATCH:
        return f"{major}.{minor}.{patch + 1}"
    return version


def version_problem(old: str, new: str, bump: Bump) -> str | None:
    """Why NEW's `info.version` does not fit the bump, or `None` when it does."""
    needed = next_version(old, bump)
    if needed is None:
        return f"OLD's info.version {old!r} is no version number: cannot say what comes next"
    try:
        if Version(new) >= Version(needed):
            return None
    except InvalidVersion:
        return f"NEW's info.version {new!r} is no version number; a {bump.value} change needs {needed}"
    if bump is Bump.NONE:
        return None
    return f"info.version is {new}; a {bump.value} change needs at least {needed}: bump `info.version`"
