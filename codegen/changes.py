"""The change report: the spec diff, the Python API diff of both generated clients, and the evidence, together.

`compare` runs all three and lays each Python change and each piece of evidence at the door of the spec change
that explains it; what none explains is reported on its own (a generator or template change shows up there).
"""

from dataclasses import dataclass, field
from pathlib import Path

from codegen.change import Change, Evidence, PythonEffect
from codegen.clients import PACKAGE, generated_client
from codegen.evidence import EXAMPLES, SEED, Side, attach, gather
from codegen.python_api import diff_packages
from codegen.ratings import Direction, Severity
from codegen.regenerate import TEMPLATES
from codegen.sources import SpecSource
from codegen.spec_diff import diff_specs
from codegen.verdict import Bump, next_version, version_problem


@dataclass
class Report:
    """What changed from OLD to NEW, what it does to clients generated from OLD, and the version that follows."""

    old: SpecSource
    new: SpecSource
    changes: list[Change]
    python: list[PythonEffect] = field(default_factory=list)  # changes of the Python API no spec change explains
    unexplained: list[Evidence] = field(default_factory=list)

    @property
    def old_version(self) -> str:
        """OLD's `info.version`."""
        return str(self.old.document.get("info", {}).get("version", ""))

    @property
    def new_version(self) -> str:
        """NEW's `info.version`."""
        return str(self.new.document.get("info", {}).get("version", ""))

    @property
    def severity(self) -> Severity | None:
        """The worst severity of all changes, `None` when nothing changed."""
        found = [change.severity for change in self.changes] + [effect.severity for effect in self.python]
        found += [Severity.BREAKING if item.breaking else Severity.WARNING for item in self.unexplained]
        return max(found, key=lambda severity: severity.rank) if found else None

    @property
    def breaking(self) -> bool:
        """Whether a client generated from OLD (or code written against its Python API) breaks."""
        return self.severity is Severity.BREAKING

    @property
    def bump(self) -> Bump:
        """The semver bump the generated package needs."""
        if self.breaking:
            return Bump.MAJOR
        substantive = [change for change in self.changes if not change.rule.documentation] + list(self.python)
        if substantive or self.unexplained:
            return Bump.MINOR
        return Bump.PATCH if self.changes else Bump.NONE

    @property
    def next_version(self) -> str | None:
        """The smallest version NEW may carry."""
        return next_version(self.old_version, self.bump)

    @property
    def version_problem(self) -> str | None:
        """Why NEW's `info.version` is not bumped enough, if it is not."""
        return version_problem(self.old_version, self.new_version, self.bump)


def _rate_old_servers(changes: list[Change], backward: list[Change]) -> None:
    """Each change, read backwards: what it does to a client generated from NEW against a server still at OLD."""
    for change in changes:
        operations = {site.operation for site in change.sites}
        same_place = [
            other.rule.severity
            for other in backward
            if other.rule.direction is not Direction.NEITHER
            and other.direction is change.direction
            and (
                other.location == change.location
                # A moved operation is at another location on each side: the same rule on the same operation.
                or (other.rule is change.rule and operations & {site.operation for site in other.sites})
            )
        ]
        if same_place:
            change.old_servers = max(same_place, key=lambda severity: severity.rank)


def _attach_python(effects: list[PythonEffect], changes: list[Change]) -> list[PythonEffect]:
    """Give each Python change to the spec changes with its name (`Class.attribute`, else `Class`); return the rest."""
    unexplained = []
    candidates = [change for change in changes if not change.rule.documentation]
    for effect in effects:
        owners = [change for change in candidates if change.anchors & effect.anchors]
        if not owners:
            classes = {anchor.split(".")[0] for anchor in effect.anchors}
            owners = [change for change in candidates if change.anchors & classes]
        for change in owners:
            change.python.append(effect)
        if not owners:
            unexplained.append(effect)
    return unexplained


def compare(
    old: SpecSource,
    new: SpecSource,
    *,
    seed: int = SEED,
    examples: int = EXAMPLES,
    old_templates: Path = TEMPLATES,
    new_templates: Path = TEMPLATES,
) -> Report:
    """The full report on OLD -> NEW, generating both clients with the project's generation."""
    changes = diff_specs(old.document, new.document)
    report = Report(old, new, changes)
    if old.document == new.document and old_templates == new_templates:
        return report  # the same inputs generate the same client
    _rate_old_servers(changes, diff_specs(new.document, old.document))
    old_client = generated_client(old.path, old_templates)
    new_client = generated_client(new.path, new_templates)
    effects = diff_packages(old_client.root, new_client.root, PACKAGE)
    report.python = _attach_python(effects, changes)
    found = gather(
        Side(old.document, old_client), Side(new.document, new_client), changes, seed=seed, examples=examples
    )
    report.unexplained = attach(found, changes)
    return report
