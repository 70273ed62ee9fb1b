"""The corpus of spec edits (corpus/cases.yaml), each through the real command, each with its expected verdict.

Every case writes OLD and NEW as real spec files and runs `python -m codegen changes OLD NEW --format json` (its
`main`, in two worker processes so that the corpus uses both cores; each worker generates base.yaml's client once).
"""

import contextlib
import io
import json
import multiprocessing
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import pytest

from codegen.__main__ import main
from codegen.rules import RULES
from tests.codegen.corpus_edits import BY_NAME, CASES, spec_text


def run_command(old: str, new: str) -> tuple[int, dict[str, Any]]:
    """`python -m codegen changes OLD NEW --format json`: its exit status and its output."""
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        status = main(["changes", old, new, "--format", "json"])
    return status, json.loads(output.getvalue())


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, dict[str, Any]]]:
    """Every case's exit status and report, computed once."""
    folder = tmp_path_factory.mktemp("corpus")
    jobs = []
    for case in CASES:
        old, new = folder / f"{case['name']}.old.yaml", folder / f"{case['name']}.new.yaml"
        old.write_text(spec_text(case.get("base")), encoding="utf-8")
        new.write_text(spec_text(case["name"]), encoding="utf-8")
        jobs.append((str(old), str(new)))
    # Spawned, not forked: a forked pytest process may hold locks that no thread will ever release.
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("spawn")) as pool:
        results = list(pool.map(run_command, *zip(*jobs, strict=True)))
    return {case["name"]: result for case, result in zip(CASES, results, strict=True)}


def test_the_corpus_is_large_and_named_uniquely() -> None:
    assert len(CASES) >= 30
    assert len(BY_NAME) == len(CASES)


def test_every_rule_has_a_case() -> None:
    # Each rule's detection fails at least one case when it is removed: some case expects it.
    expected = {entry.split(":")[0] for case in CASES for entry in case["expect"]["changes"]}
    assert expected == set(RULES)


@pytest.mark.parametrize("name", list(BY_NAME))
def test_case(name: str, reports: dict[str, tuple[int, dict[str, Any]]]) -> None:
    expect = BY_NAME[name]["expect"]
    status, report = reports[name]
    found = Counter(f"{change['rule']}: {change['severity']}" for change in report["changes"])
    assert found == Counter(expect["changes"])
    verdict = "none" if report["severity"] is None else "breaking" if report["breaking"] else "not-breaking"
    assert (verdict, report["bump"]) == (expect["verdict"], expect["bump"])
    assert status == (1 if verdict == "breaking" else 0)
    evidence = {change["rule"]: {item["kind"] for item in change["evidence"]} for change in report["changes"]}
    for rule, kind in expect.get("evidence", {}).items():
        assert kind in evidence[rule], f"{rule}: no {kind} evidence in {evidence[rule]}"
    old_servers = {change["rule"]: change["old_servers"] for change in report["changes"]}
    for rule, severity in expect.get("old_servers", {}).items():
        assert old_servers[rule] == severity
