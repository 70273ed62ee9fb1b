"""Run openapi-python-client with the project's configuration and compare its output with the committed client.

The comparison works file by file (missing, extra, changed), like openapi-python-client's own end-to-end
tests, so a failure names what drifted instead of printing one large diff.
"""

import contextlib
import hashlib
import io
import shlex
import sys
import tempfile
import threading
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket

REPO_ROOT = Path(__file__).resolve().parent.parent
SPEC = REPO_ROOT / "openapi.yaml"
CONFIG = REPO_ROOT / "generator-config.yml"
TEMPLATES = REPO_ROOT / "generator_templates"
GENERATED_CLIENT = REPO_ROOT / "generated_client"
# Records the inputs of the generation, so that an edit of the spec that leaves the code unchanged
# (a comment, an example, a validation keyword) still shows as drift until `make generate` runs.
PROVENANCE = "GENERATED_FROM"
# Written beside the generated code by `python -m codegen changes --changelog`: the generator never touches it
# (it rewrites its own files and empties only the package's api/ and models/), and the drift check skips it.
CHANGELOG = "CHANGELOG.md"

# Byproducts of importing, building or type-checking the installed client; never generator output.
_BYPRODUCT_DIRS = frozenset({"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", "build", "dist"})
# The generator prints its progress and keeps its state in module-level objects: one generation at a time.
_GENERATOR_LOCK = threading.Lock()


def generate(output: Path, spec: Path = SPEC, templates: Path = TEMPLATES) -> None:
    """Generate the client from `spec` into `output`, replacing what the generator writes (a CHANGELOG.md stays)."""
    with _GENERATOR_LOCK:
        report = _run_generator(output, spec, templates)
    if report:
        raise GenerationError(report)
    (output / PROVENANCE).write_text(provenance(spec, templates), encoding="utf-8")


def _run_generator(output: Path, spec: Path, templates: Path) -> str:
    """What `openapi-python-client generate --meta uv --overwrite` does, in this process: its complaints, if any.

    The steps of `openapi_python_client.generate` (read the document, parse it, build the project), with one
    addition: the project's Jinja environment compiles each template once per process (a bytecode cache), where
    the command line starts a new interpreter and compiles all of them for every generation.
    """
    # Imported here: they take a second, and only generation needs them.
    from openapi_python_client import Project
    from openapi_python_client.config import Config, ConfigFile, MetaType
    from openapi_python_client.parser import GeneratorData
    from openapi_python_client.parser.errors import GeneratorError
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    config = Config.from_sources(
        ConfigFile.load_from_path(path=CONFIG), MetaType.UV, spec, "utf-8", overwrite=True, output_path=output
    )
    # The post-hooks in generator-config.yml call `ruff` by name: it must be this environment's pinned one.
    config.post_hooks = [_in_this_environment(hook) for hook in config.post_hooks]
    try:
        document = YAML(typ="safe").load(spec.read_bytes())  # as openapi-python-client reads a YAML file
    except YAMLError as error:
        return f"Invalid YAML from provided source: {error}"
    data = GeneratorData.from_dict(document, config=config)
    if isinstance(data, GeneratorError):
        return ": ".join(part for part in (data.header, data.detail) if part)
    project = Project(openapi=data, custom_template_path=templates.resolve(), config=config)
    project.env.bytecode_cache = _COMPILED_TEMPLATES
    progress = io.StringIO()
    with contextlib.redirect_stdout(progress):
        errors = project.build()
    # openapi-python-client reports problems in the spec as warnings and still generates: any output but its
    # progress line, and any warning, fails the generation.
    lines = [line for line in progress.getvalue().splitlines() if line.strip() and line != f"Generating {output}"]
    lines += [": ".join(part for part in (error.header, error.detail) if part) for error in errors]
    return "\n".join(lines)


class _CompiledTemplates(BytecodeCache):
    """Jinja's compiled templates, kept in memory: every project's environment is configured alike."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_COMPILED_TEMPLATES = _CompiledTemplates()


def _in_this_environment(hook: str) -> str:
    command, _, arguments = hook.partition(" ")
    installed = Path(sys.executable).parent / command
    return f"{shlex.quote(str(installed))} {arguments}" if installed.is_file() else hook


def provenance(spec: Path, templates: Path) -> str:
    """The record of what a generation is made from: generator version and the hash of each input file."""
    inputs = [("openapi.yaml", spec), ("generator-config.yml", CONFIG)]
    inputs += [
        (f"generator_templates/{path.relative_to(templates).as_posix()}", path)
        for path in sorted(templates.rglob("*.jinja"))
    ]
    lines = [
        "# Written by `make generate`; `make check-generated` fails when any input below has changed since.",
        f"openapi-python-client {version('openapi-python-client')}",
        *(f"sha256 {hashlib.sha256(path.read_bytes()).hexdigest()}  {name}" for name, path in inputs),
    ]
    return "\n".join(lines) + "\n"


class GenerationError(Exception):
    """openapi-python-client failed or warned about the spec."""


@dataclass(frozen=True)
class Drift:
    """Differences between a fresh generation (expected) and the committed client (actual)."""

    missing: list[str]
    extra: list[str]
    changed: list[str]

    def __bool__(self) -> bool:
        return bool(self.missing or self.extra or self.changed)

    def report(self) -> str:
        """Describe the drift for a person, one file per line."""
        lines = [f"missing: {name}" for name in self.missing]
        lines += [f"extra: {name}" for name in self.extra]
        lines += [f"changed: {name}" for name in self.changed]
        return "\n".join(lines)


def _files(root: Path) -> dict[str, Path]:
    return {
        path.relative_to(root).as_posix(): path
        for path in root.rglob("*")
        if path.is_file()
        and not _BYPRODUCT_DIRS.intersection(path.relative_to(root).parts)
        and not any(part.endswith(".egg-info") for part in path.relative_to(root).parts)
        and path.relative_to(root).as_posix() != CHANGELOG
    }


def compare(expected: Path, actual: Path) -> Drift:
    """Compare two trees byte for byte."""
    expected_files, actual_files = _files(expected), _files(actual)
    shared = sorted(expected_files.keys() & actual_files.keys())
    return Drift(
        missing=sorted(expected_files.keys() - actual_files.keys()),
        extra=sorted(actual_files.keys() - expected_files.keys()),
        changed=[name for name in shared if expected_files[name].read_bytes() != actual_files[name].read_bytes()],
    )


def find_drift(spec: Path = SPEC, committed: Path = GENERATED_CLIENT) -> Drift:
    """Generate from `spec` into a temporary folder and compare with the committed client."""
    with tempfile.TemporaryDirectory(prefix="memories-client-") as scratch:
        fresh = Path(scratch) / "generated_client"
        generate(fresh, spec)
        return compare(fresh, committed)
