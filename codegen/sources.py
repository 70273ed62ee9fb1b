"""The two specs a change report compares: a file, or `REF:path` for a file at a git revision (as oasdiff reads)."""

import hashlib
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from codegen.scratch import scratch_folder
from memories_spec import load_spec


class UsageError(Exception):
    """A bad argument, git revision or spec: one line for the person who typed the command."""


@dataclass(frozen=True)
class SpecSource:
    """A spec as given on the command line, the file it was read from, and its document."""

    label: str
    path: Path
    document: Mapping[str, Any]


def default_spec() -> Path:
    """The working tree's openapi.yaml: at the top of the git working tree, or here outside one."""
    found = subprocess.run(["git", "rev-parse", "--show-toplevel"], capture_output=True, text=True, check=False)
    top = Path(found.stdout.strip()) if found.returncode == 0 else Path.cwd()
    return top / "openapi.yaml"


def read_spec(argument: str) -> SpecSource:
    """Read, parse and validate one spec, from a snapshot of its content.

    The generator and the diff read the same snapshot. Snapshots are named by the hash of their content, so
    `load_spec`, which reads each path once, never sees a later edit of a file, and parses the same content
    (the OLD of many reports) once per process."""
    source = Path(argument)
    if source.is_file():
        try:
            content = source.read_bytes()
        except OSError as error:
            raise UsageError(f"{argument}: {_first_line(error)}") from None
    else:
        revision, colon, inner = argument.partition(":")
        if not colon or not revision or not inner:
            raise UsageError(
                f"{argument}: no such file (a git revision is named REF:path, e.g. origin/main:openapi.yaml)"
            )
        content = _from_git(argument, revision)
        source = Path(inner)
    digest = hashlib.sha256(content).hexdigest()
    folder = scratch_folder("specs") / digest[:16]
    folder.mkdir(exist_ok=True)
    path = folder / source.name
    if not path.exists():
        path.write_bytes(content)
    try:
        document = load_spec(path)
    except (UnicodeDecodeError, yaml.YAMLError) as error:
        raise UsageError(f"{argument}: not readable as YAML ({_first_line(error)})") from None
    if not isinstance(document, Mapping):
        raise UsageError(f"{argument}: not an OpenAPI document (a YAML mapping)")
    problem = _invalidity(digest, document)
    if problem:
        raise UsageError(f"{argument}: not a valid OpenAPI document: {problem}")
    return SpecSource(argument, path, document)


_validated: dict[str, str] = {}


def _invalidity(digest: str, document: Mapping[str, Any]) -> str:
    """What openapi-spec-validator finds wrong first ("" for a valid document); once per content."""
    if digest not in _validated:
        try:
            validate(dict(document))
            _validated[digest] = ""
        except OpenAPIValidationError as error:
            _validated[digest] = _first_line(error)
    return _validated[digest]


def _from_git(argument: str, revision: str) -> bytes:
    commit = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], capture_output=True, check=False
    )
    if commit.returncode != 0:
        raise UsageError(f"{argument}: {revision} is no git revision here")
    shown = subprocess.run(["git", "show", argument], capture_output=True, check=False)
    if shown.returncode != 0:
        raise UsageError(f"{argument}: {_first_line(shown.stderr.decode(errors='replace'))}")
    return shown.stdout


def _first_line(error: object) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
