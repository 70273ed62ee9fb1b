"""`python -m codegen changes`: git revisions, output, exit codes, usage errors, the changelog, the step summary."""

import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from codegen.__main__ import main
from codegen.regenerate import REPO_ROOT
from tests.codegen.corpus_edits import spec_text

BASE = spec_text(None)
# `msg` no longer required in the embedding response: the generated from_dict pops it without a default.
MSG_OPTIONAL = spec_text("response-property-became-optional")
# Only a server URL changes: a warning, nothing breaks.
SERVER_MOVED = spec_text("servers-replaced")


def _git(repo: Path, *arguments: str) -> None:
    subprocess.run(["git", *arguments], cwd=repo, check=True, capture_output=True)


def _command(*arguments: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT), **(env or {})}
    command = [sys.executable, "-m", "codegen", "changes", *arguments]
    return subprocess.run(command, cwd=cwd, env=environment, capture_output=True, text=True, check=False)


def _run(*arguments: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["changes", *arguments])
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A git repository whose last commit makes `msg` optional; its first holds base.yaml."""
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "--quiet", "--initial-branch=main")
    _git(repo, "config", "user.email", "test@example.invalid")
    _git(repo, "config", "user.name", "test")
    (repo / "openapi.yaml").write_text(BASE, encoding="utf-8")
    _git(repo, "add", "openapi.yaml")
    _git(repo, "commit", "--quiet", "-m", "base")
    (repo / "openapi.yaml").write_text(MSG_OPTIONAL, encoding="utf-8")
    _git(repo, "commit", "--quiet", "-am", "msg is optional")
    return repo


def test_git_revisions_in_a_real_repository(repository: Path, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    result = _command(
        "HEAD~1:openapi.yaml",
        "HEAD:openapi.yaml",
        "--format",
        "json",
        cwd=repository,
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert (report["breaking"], report["bump"], report["next_version"]) == (True, "major", "3.0.0")
    assert report["old"]["spec"] == "HEAD~1:openapi.yaml"
    assert [change["rule"] for change in report["changes"]] == ["response-property-became-optional"]
    # The markdown goes to the step summary, after what earlier steps wrote.
    written = summary.read_text(encoding="utf-8")
    assert written.startswith("earlier step\n## API changes: `HEAD~1:openapi.yaml` → `HEAD:openapi.yaml`")


def test_new_defaults_to_the_working_tree(repository: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (repository / "openapi.yaml").write_text(SERVER_MOVED, encoding="utf-8")  # uncommitted
    (repository / "docs").mkdir()
    monkeypatch.chdir(repository / "docs")
    status, markdown, _ = _run("HEAD~1:openapi.yaml", "--fail-on", "never")
    assert status == 0
    assert "`HEAD~1:openapi.yaml` →" in markdown
    assert "server-removed" in markdown
    assert "Next version: **minor**, at least `2.1.0`" in markdown


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["nope:openapi.yaml"], "nope:openapi.yaml: nope is no git revision here"),
        (["HEAD:missing.yaml"], "HEAD:missing.yaml: fatal: path 'missing.yaml' does not exist in 'HEAD'"),
        (["missing.yaml"], "missing.yaml: no such file (a git revision is named REF:path"),
        (["garbage.yaml"], "garbage.yaml: not readable as YAML"),
        (["invalid.yaml"], "invalid.yaml: not a valid OpenAPI document: "),
        (["openapi.yaml", "invalid.yaml"], "invalid.yaml: not a valid OpenAPI document: "),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    repository: Path, monkeypatch: pytest.MonkeyPatch, arguments: list[str], message: str
) -> None:
    (repository / "garbage.yaml").write_text("openapi: [3.1\n", encoding="utf-8")
    (repository / "invalid.yaml").write_text("openapi: 3.1.0\ninfo: {title: t}\npaths: {}\n", encoding="utf-8")
    monkeypatch.chdir(repository)
    status, out, err = _run(*arguments)
    assert (status, out) == (2, "")
    assert len(err.splitlines()) == 1, err
    assert err.startswith(f"python -m codegen changes: {message}"), err


def test_a_bad_revision_in_a_real_process_is_one_line_and_no_traceback(repository: Path) -> None:
    result = _command("origin/main:openapi.yaml", cwd=repository)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "python -m codegen changes: origin/main:openapi.yaml: origin/main is no git revision here\n"


def test_a_usage_error_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["changes", "--format", "yaml", "HEAD:openapi.yaml"])
    assert exited.value.code == 2
    (line,) = (
        capsys.readouterr().err.splitlines()
    )  # argparse quotes the choices differently from one Python to the next
    assert line.startswith("python -m codegen changes: argument --format: invalid choice: 'yaml'")
    assert line.endswith("(see --help)")


def _specs(tmp_path: Path, new: str) -> tuple[str, str]:
    old_path, new_path = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old_path.write_text(BASE, encoding="utf-8")
    new_path.write_text(new, encoding="utf-8")
    return str(old_path), str(new_path)


def test_the_report_on_a_breaking_edit_names_the_change_its_python_effect_and_a_failing_example(tmp_path: Path) -> None:
    status, markdown, _ = _run(*_specs(tmp_path, MSG_OPTIONAL))
    assert status == 1
    assert "**Verdict: breaking**" in markdown
    assert "info.version is 2.0.0; a major change needs at least 3.0.0: bump `info.version`" in markdown
    assert "response property became optional: `msg` became optional" in markdown
    assert "annotation `str` -> `Unset | str`" in markdown  # the Python effect
    # The failing example: a body NEW allows, without msg, on which the old client raised.
    # What sync_detailed raises: the project's templates wrap the parser's own error.
    raised = "raised `MalformedResponse from KeyError: 'msg' at memories_client/models/image_embedding_response.py:"
    assert raised in markdown
    assert 'on `{"code": 0, "data": {"embedding": [0.0]}}`, which NEW allows' in markdown
    assert "- **Migration**: regenerate, and handle `UNSET`" in markdown


@pytest.mark.parametrize(("fail_on", "status"), [("breaking", 0), ("warning", 1), ("never", 0)])
def test_fail_on_sets_the_threshold_of_exit_1(tmp_path: Path, fail_on: str, status: int) -> None:
    assert _run(*_specs(tmp_path, SERVER_MOVED), "--fail-on", fail_on)[0] == status


def test_fail_on_never_passes_a_breaking_change(tmp_path: Path) -> None:
    assert _run(*_specs(tmp_path, MSG_OPTIONAL), "--fail-on", "never")[0] == 0


def test_identical_specs(tmp_path: Path) -> None:
    status, markdown, _ = _run(*_specs(tmp_path, BASE))
    assert status == 0
    assert "**No change**" in markdown
    assert "Next version: **none**" in markdown


def test_the_changelog_entry_goes_first_and_replaces_one_of_the_same_version(tmp_path: Path) -> None:
    changelog = tmp_path / "CHANGELOG.md"
    old, new = _specs(tmp_path, SERVER_MOVED.replace("version: 2.0.0", "version: 2.1.0"))
    _run(old, new, "--changelog", str(changelog))
    first = changelog.read_text(encoding="utf-8")
    assert first.startswith("# Changelog\n")
    assert "## [2.1.0] - " in first
    assert "### Removed\n\n- server removed: http://127.0.0.1:4010/serve/api/v2 removed.\n" in first
    assert "### Added\n\n- server added: http://localhost:4010/serve/api/v2 added.\n" in first
    _run(old, new, "--changelog", str(changelog))
    assert changelog.read_text(encoding="utf-8") == first  # the same entry, once
    newer = tmp_path / "newer.yaml"
    newer.write_text(MSG_OPTIONAL.replace("version: 2.0.0", "version: 3.0.0"), encoding="utf-8")
    _run(new, str(newer), "--changelog", str(changelog))
    text = changelog.read_text(encoding="utf-8")
    assert text.index("## [3.0.0]") < text.index("## [2.1.0]")
    assert "- **Breaking:** response property became optional: `msg` became optional" in text


def test_an_entry_before_the_version_is_bumped_is_unreleased_and_keeps_the_released_one(tmp_path: Path) -> None:
    changelog = tmp_path / "CHANGELOG.md"
    released = "# Changelog\n\n## [2.0.0] - 2026-01-01\n\n### Added\n\n- Everything.\n"
    changelog.write_text(released, encoding="utf-8")
    old, new = _specs(tmp_path, SERVER_MOVED)  # still version 2.0.0, OLD's
    _run(old, new, "--changelog", str(changelog))
    text = changelog.read_text(encoding="utf-8")
    assert text.index("## [Unreleased]\n\n### Added\n\n- server added") < text.index("## [2.0.0] - 2026-01-01")
    assert text.endswith("## [2.0.0] - 2026-01-01\n\n### Added\n\n- Everything.\n")
    bumped = tmp_path / "bumped.yaml"
    bumped.write_text(SERVER_MOVED.replace("version: 2.0.0", "version: 2.1.0"), encoding="utf-8")
    _run(old, str(bumped), "--changelog", str(changelog))
    text = changelog.read_text(encoding="utf-8")
    assert "[Unreleased]" not in text  # released as 2.1.0
    assert text.index("## [2.1.0] - ") < text.index("## [2.0.0] - 2026-01-01")


def test_identical_specs_write_no_changelog_entry(tmp_path: Path) -> None:
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text("# Changelog\n\n## [2.0.0] - 2026-01-01\n\n- Everything.\n", encoding="utf-8")
    _run(*_specs(tmp_path, BASE), "--changelog", str(changelog))
    assert changelog.read_text(encoding="utf-8") == "# Changelog\n\n## [2.0.0] - 2026-01-01\n\n- Everything.\n"


def test_an_unwritable_changelog_or_step_summary_is_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    specs = _specs(tmp_path, SERVER_MOVED)
    missing = tmp_path / "no-such-folder" / "CHANGELOG.md"
    status, _, err = _run(*specs, "--changelog", str(missing))
    assert (status, err) == (2, f"python -m codegen changes: --changelog {missing}: No such file or directory\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path))  # a folder
    status, _, err = _run(*specs)
    assert (status, err) == (2, f"python -m codegen changes: GITHUB_STEP_SUMMARY {tmp_path}: Is a directory\n")
