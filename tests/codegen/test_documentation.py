"""What README.md, docs/changes.md and the workflow say about the change report holds."""

import dataclasses
import re
from pathlib import Path

import yaml

from codegen.changes import compare
from codegen.regenerate import REPO_ROOT
from codegen.render import markdown
from codegen.rules import RULES
from codegen.sources import read_spec
from tests.codegen.corpus_edits import spec_text

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
CHANGES = (REPO_ROOT / "docs" / "changes.md").read_text(encoding="utf-8")


def _example(document: str) -> str:
    (block,) = re.findall(r"```markdown\n(.*?)\n```", document, flags=re.DOTALL)
    return str(block)


def test_the_example_report_is_what_the_command_says(tmp_path: Path) -> None:
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(spec_text(None), encoding="utf-8")
    new.write_text(spec_text("response-property-became-optional"), encoding="utf-8")
    before = dataclasses.replace(read_spec(str(old)), label="HEAD:openapi.yaml")
    after = dataclasses.replace(read_spec(str(new)), label="openapi.yaml")
    report = markdown(compare(before, after)).rstrip()
    assert _example(README) == report
    assert _example(CHANGES) == report


def test_the_rules_table_lists_every_rule_with_its_direction_and_severity() -> None:
    rows = re.findall(r"^\| `([a-z-]+)` \| (\w+) \| (\w+)( \(patch\))? \|", CHANGES, flags=re.MULTILINE)
    table = {name: (direction, severity, bool(patch)) for name, direction, severity, patch in rows}
    assert table == {
        rule.name: (rule.direction.value, rule.severity.value, rule.documentation) for rule in RULES.values()
    }


def test_pull_requests_that_touch_the_spec_get_the_report() -> None:
    workflow = yaml.safe_load((REPO_ROOT / ".github" / "workflows" / "contract.yml").read_text(encoding="utf-8"))
    job = workflow["jobs"]["changes"]
    assert job["if"] == "github.event_name == 'pull_request'"
    steps = {step.get("name"): step for step in job["steps"]}
    touched = steps["Does the pull request touch openapi.yaml?"]
    assert 'git diff --quiet "origin/${{ github.base_ref }}...HEAD" -- openapi.yaml' in touched["run"]
    report = steps["What the spec change breaks, for whom, and the next version"]
    assert report == {
        "name": "What the spec change breaks, for whom, and the next version",
        "if": "steps.spec.outputs.changed == 'true'",
        "run": 'make changes BASE="origin/${{ github.base_ref }}"',
    }
    assert job["steps"][0] == {"uses": "actions/checkout@v4", "with": {"fetch-depth": 0}}  # the base branch too
