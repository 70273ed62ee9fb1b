"""A change report as markdown (for a pull request and the GitHub step summary), as JSON, and as a changelog entry."""

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from codegen.change import Change, Evidence, PythonEffect
from codegen.changes import Report
from codegen.ratings import Direction, Severity

_DIRECTION = {
    Direction.REQUEST: "request (what a client sends)",
    Direction.RESPONSE: "response (what a client receives)",
    Direction.NEITHER: "neither (names, documentation, servers)",
}
_MARK = {Severity.BREAKING: "🔴 breaking", Severity.WARNING: "🟡 warning", Severity.INFO: "⚪ info"}
_MAX_SITES = 4


def _ordered(report: Report) -> list[Change]:
    return sorted(report.changes, key=lambda change: -change.severity.rank)


def _sites(change: Change) -> str:
    return _listed(sorted(site.describe() for site in change.sites))


def _listed(sites: list[str]) -> str:
    shown = ", ".join(sites[:_MAX_SITES])
    return shown + (f" and {len(sites) - _MAX_SITES} more" if len(sites) > _MAX_SITES else "")


def _grouped(evidence: list[Evidence]) -> list[tuple[str, Evidence]]:
    """The same failure on the same example at several sites (one shared error envelope...): one line, every site."""
    groups: dict[tuple[str, str, str], list[Evidence]] = {}
    for item in evidence:
        groups.setdefault((item.kind, item.message, _example(item.example)), []).append(item)
    return [(_listed([item.site.describe() for item in items]), items[0]) for items in groups.values()]


def _example(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _evidence_line(item: Evidence) -> str:
    if item.kind == "rejected":
        sent = _example(item.example)
        return f"a request the client generated from OLD builds is refused by NEW: {item.message}; it sends `{sent}`"
    if item.kind == "unparsed":
        return f"the client generated from OLD {item.message}, for `{_example(item.example)}`"
    verb = "raised" if item.kind == "exception" else "returned a value its annotations deny:"
    return f"the client generated from OLD {verb} `{item.message}` on `{_example(item.example)}`, which NEW allows"


def _verdict(report: Report) -> list[str]:
    severity = report.severity
    old, new = f"`{report.old.label}`", f"`{report.new.label}`"
    if severity is None:
        return [f"**No change** from {old} to {new}: the specs are identical. Next version: **none**."]
    verdict = "breaking" if report.breaking else "not breaking"
    lines = [
        f"**Verdict: {verdict}** for clients generated from OLD ({old}, version {report.old_version}). "
        f"Next version: **{report.bump.value}**, at least `{report.next_version}`."
    ]
    if report.version_problem:
        lines.append(f"⚠️ {report.version_problem}.")
    breaking_old_servers = [change for change in report.changes if change.old_servers is Severity.BREAKING]
    if breaking_old_servers:
        lines.append(
            f"{len(breaking_old_servers)} change(s) also break a client generated from NEW against a server "
            "that still implements OLD: deploy the server first."
        )
    return lines


def _python_lines(effects: list[PythonEffect]) -> list[str]:
    return [f"  - {effect.severity.value}: {effect.describe()}" for effect in effects]


def markdown(report: Report) -> str:
    """The report for a person: a table of the changes, then each change in detail."""
    lines = [f"## API changes: `{report.old.label}` → `{report.new.label}`", "", *_verdict(report), ""]
    changes = _ordered(report)
    if changes:
        lines += ["| # | severity | change | where | Python | evidence |", "|---|---|---|---|---|---|"]
        for number, change in enumerate(changes, 1):
            python = f"{len(change.python)} change(s)" if change.python else "none"
            evidence = f"{len(_grouped(change.evidence))} failure(s)" if change.evidence else "none"
            lines.append(
                f"| {number} | {_MARK[change.severity]} | `{change.rule.name}`: {change.detail} | "
                f"`{change.location}` | {python} | {evidence} |"
            )
        lines.append("")
    for number, change in enumerate(changes, 1):
        lines += [f"### {number}. {change.rule.summary}: {change.detail}", ""]
        lines.append(
            f"- **Severity**: {change.severity.value} (rule `{change.rule.name}`: {change.rule.severity.value})"
        )
        lines.append(f"- **Location**: `{change.location}`; direction: {_DIRECTION[change.direction]}")
        if change.sites:
            lines.append(f"- **Used by**: {_sites(change)}")
        lines.append(f"- **What the generator makes of it**: {change.rule.python}")
        if change.python:
            lines += ["- **Python API of the regenerated client**:", *_python_lines(change.python)]
        for sites, item in _grouped(change.evidence):
            lines.append(f"- **Evidence** ({sites}): {_evidence_line(item)}")
        if change.old_servers is not Severity.INFO:
            lines.append(f"- **Against servers still at OLD**, a client generated from NEW: {change.old_servers.value}")
        lines += [f"- **Migration**: {change.rule.hint}", ""]
    if report.python:
        lines.append("### Python API changes no spec change explains")
        lines.append("")
        if not any(not change.rule.documentation for change in report.changes):
            lines += ["The spec did not change what these come from: a generator or template change did.", ""]
        lines += [line.removeprefix("  ") for line in _python_lines(report.python)]
        lines.append("")
    if report.unexplained:
        lines += ["### Failures no spec change explains", ""]
        lines += [f"- {sites}: {_evidence_line(item)}" for sites, item in _grouped(report.unexplained)]
        lines.append("")
    return "\n".join(lines)


def _effect(effect: PythonEffect) -> dict[str, Any]:
    return {"kind": effect.kind, "path": effect.path, "detail": effect.detail, "severity": effect.severity.value}


def _evidence(item: Evidence) -> dict[str, Any]:
    return {
        "site": item.site.describe(),
        "kind": item.kind,
        "message": item.message,
        "example": item.example,
        "breaking": item.breaking,
    }


def as_json(report: Report) -> dict[str, Any]:
    """The report for a machine: top-level `breaking`, `bump`, `changes`."""
    severity = report.severity
    return {
        "old": {"spec": report.old.label, "version": report.old_version},
        "new": {"spec": report.new.label, "version": report.new_version},
        "breaking": report.breaking,
        "severity": None if severity is None else severity.value,
        "bump": report.bump.value,
        "next_version": report.next_version,
        "version_problem": report.version_problem,
        "changes": [
            {
                "rule": change.rule.name,
                "severity": change.severity.value,
                "rule_severity": change.rule.severity.value,
                "direction": change.direction.value,
                "summary": f"{change.rule.summary}: {change.detail}",
                "location": change.location,
                "sites": sorted(site.describe() for site in change.sites),
                "generator": change.rule.python,
                "python": [_effect(effect) for effect in change.python],
                "evidence": [_evidence(item) for item in change.evidence],
                "old_servers": change.old_servers.value,
                "migration": change.rule.hint,
            }
            for change in _ordered(report)
        ],
        "python": [_effect(effect) for effect in report.python],
        "unexplained_evidence": [_evidence(item) for item in report.unexplained],
    }


def _section(change: Change) -> str:
    name = change.rule.name
    if change.severity is not Severity.BREAKING and ("added" in name or "widened" in name):
        return "Added"
    if "removed" in name:
        return "Removed"
    return "Changed"


def changelog_entry(report: Report, on: date | None = None) -> str:
    """The entry for the client package's CHANGELOG.md (Keep a Changelog), under NEW's version.

    Under `[Unreleased]` while NEW's version is not bumped enough: NEW's version may be OLD's, whose entry stays.
    """
    sections: dict[str, list[str]] = {"Added": [], "Changed": [], "Removed": []}
    for change in _ordered(report):
        mark = "**Breaking:** " if change.severity is Severity.BREAKING else ""
        sites = f" ({_sites(change)})" if change.sites else ""
        sections[_section(change)].append(f"- {mark}{change.rule.summary}: {change.detail}{sites}.")
    for effect in report.python:
        mark = "**Breaking:** " if effect.severity is Severity.BREAKING else ""
        sections["Changed"].append(f"- {mark}Python API: {effect.describe()} (generator or templates).")
    heading = (
        _UNRELEASED if report.version_problem else f"## [{report.new_version}] - {(on or date.today()).isoformat()}"
    )
    lines = [heading, ""]
    for title, entries in sections.items():
        if entries:
            lines += [f"### {title}", "", *entries, ""]
    if not any(sections.values()):
        lines += ["No change to the API.", ""]
    return "\n".join(lines)


_UNRELEASED = "## [Unreleased]"
_HEADER = (
    "# Changelog\n\nChanges of the generated client `memories-client`, written by `python -m codegen changes "
    "--changelog`.\nThe format follows [Keep a Changelog](https://keepachangelog.com/en/1.1.0/); versions follow "
    "[Semantic Versioning](https://semver.org/).\n"
)


def write_changelog(path: Path, entry: str) -> None:
    """Put `entry` first in the changelog at `path`, replacing an entry for the same version and `[Unreleased]`."""
    text = path.read_text(encoding="utf-8") if path.exists() else _HEADER
    heading = entry.splitlines()[0]
    # Drop an older entry for this version, and what was written before the version was bumped (up to the next
    # entry or the end).
    for version in {re.escape(heading.split("]")[0] + "]"), re.escape(_UNRELEASED)}:
        text = re.sub(rf"^{version}.*?(?=^## \[|\Z)", "", text, flags=re.MULTILINE | re.DOTALL)
    first = re.search(r"^## \[", text, flags=re.MULTILINE)
    at = first.start() if first else len(text)
    head, rest = text[:at].rstrip("\n") + "\n\n", text[at:].lstrip("\n")
    path.write_text(head + entry.rstrip("\n") + "\n" + ("\n" + rest if rest else ""), encoding="utf-8")
