"""schemathesis against a deployment, in this process: every check and phase, within the run's request cap.

Driven through schemathesis's engine (`schemathesis.engine.from_schema(...).execute()`, what `st run` drives)
rather than `st run` in a subprocess, for two things `st run` cannot give: a cap on the requests of the whole run
(the engine is stopped from here when the cap is reached, see `budget`), and one JUnit test case per check, which
needs each case's check results (`st run`'s JUnit has one test case per operation). The settings are the same:
schemathesis.toml, what the profile changes of it, and `schemathesis_hooks`; so is the verdict on warnings: the ones
schemathesis.toml's `[warnings] fail-on` names fail the run, as they fail `st run`, judged by the collector `st run`
itself uses (`schemathesis.cli.commands.run.warnings.WarningCollector`, fed the same events).
"""

import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from schemathesis.checks import CHECKS
from schemathesis.cli.commands.run.warnings import WarningCollector
from schemathesis.cli.context import BaseExecutionContext
from schemathesis.engine import Status as EngineStatus
from schemathesis.engine import StopReason, events, from_schema
from schemathesis.engine.run import TESTING_PHASES
from schemathesis.reporting.har import HarWriter

from memories_contract import profiles, schemathesis_hooks
from memories_contract.budget import RequestBudget, capping_requests
from memories_contract.curl import with_key_from_environment
from memories_contract.outcomes import Finding, Outcome, Status
from memories_spec import SPEC_PATH

SUITE = "schemathesis"
# The check whose requests carry no key or a made-up one: its curl commands must not send API_KEY.
_AUTH_CHECK = "ignored_auth"
# The check a failure of an `after_run` belongs to, from the title schemathesis gives it.
_AFTER_RUN_CHECK = re.compile(r"`(\w+)`")


@dataclass
class _Tally:
    """What one check found over the run."""

    judged: int = 0
    findings: dict[tuple[str, str, str], Finding] = field(default_factory=dict)
    """By operation, title and message: the same failure of many cases is reported once."""

    def fail(self, operation: str, title: str, message: str, reproduction: str | None) -> None:
        text = f"{operation}: {title}" + (f": {message}" if message else "")
        self.findings.setdefault((operation, title, message), Finding(text, reproduction))


@dataclass
class SchemathesisResult:
    """The run's outcomes, one per check (and one for errors, if any), and its HAR entries."""

    outcomes: list[Outcome]
    har_entries: list[dict[str, Any]]
    stopped_by_cap: bool


def enabled_checks(schema: Any) -> list[str]:
    """The checks this run applies: every registered one the configuration enables."""
    config = schema.config.checks_config_for()
    return [name for name in CHECKS.get_all_names() if config.get_by_name(name=name).enabled]


def run(url: str, api_key: str, budget: RequestBudget, share: int, say: Callable[[str], None]) -> SchemathesisResult:
    """schemathesis against `url` with `api_key`, sending at most `share` requests of `budget`."""
    schemathesis_hooks.RUN.reset()
    schema = schemathesis.openapi.from_path(SPEC_PATH, config=profiles.contract_config(api_key))
    schema.config.update(base_url=url)
    names = enabled_checks(schema)
    tallies = {name: _Tally() for name in names}
    errors: list[Finding] = []
    har_text = io.StringIO()
    har = HarWriter(output=har_text, config=schema.config.output)
    har.open()
    # What `st run` does with each event to decide on warnings, done here with its own classes.
    context = BaseExecutionContext(config=schema.config, find_operation_by_label=schema.find_operation_by_label)
    collector = context.warning_collector
    stream = from_schema(schema).execute()
    stop_reason = StopReason.COMPLETED
    reached = False

    def on_reached() -> None:
        nonlocal reached
        reached = True
        stream.stop()

    with capping_requests(budget, share, on_reached):
        for event in stream:
            if isinstance(event, events.ScenarioFinished):
                har.write(event.recorder)
                _tally(event, tallies)
                if event.is_test_scenario:
                    collector.on_scenario_finished(context, event)
            elif isinstance(event, events.SchemaAnalysisWarnings):
                collector.on_schema_warnings(event)
            elif isinstance(event, events.PhaseFinished) and event.phase.name in TESTING_PHASES:
                say(_phase_line(event))
            elif isinstance(event, events.NonFatalError):
                errors.append(Finding(f"{event.label}: {event.info.format()}"))
            elif isinstance(event, events.FatalError):
                errors.append(Finding(f"schemathesis could not run: {event.exception}"))
            elif isinstance(event, events.EngineFinished):
                stop_reason = event.stop_reason
                for failure in event.failures:
                    found = _AFTER_RUN_CHECK.search(failure.title)
                    name = found.group(1) if found and found.group(1) in tallies else "after the run"
                    tallies.setdefault(name, _Tally()).fail("the run", failure.title, failure.message, None)
    har.close()
    stopped_by_cap = reached and stop_reason is StopReason.INTERRUPTED
    outcomes = [_outcome(name, tally, stopped_by_cap) for name, tally in tallies.items()]
    outcomes += _warning_outcomes(collector, stopped_by_cap)
    if errors:
        outcomes.append(Outcome(SUITE, "errors", Status.FAILED, f"{len(errors)} errors", tuple(errors)))
    entries: list[dict[str, Any]] = json.loads(har_text.getvalue())["log"]["entries"]
    return SchemathesisResult(outcomes, entries, stopped_by_cap)


def _tally(event: events.ScenarioFinished, tallies: dict[str, _Tally]) -> None:
    for nodes in event.recorder.checks.values():
        for node in nodes:
            tally = tallies.setdefault(node.name, _Tally())
            tally.judged += 1
            info = node.failure_info
            if node.status is EngineStatus.FAILURE and info is not None:
                failure = info.failure
                sample = info.code_sample
                if node.name != _AUTH_CHECK:
                    sample = with_key_from_environment(sample)
                tally.fail(failure.operation or event.recorder.label, failure.title, failure.message, sample)
            elif node.status is EngineStatus.ERROR:
                tally.fail(event.recorder.label, "the check itself crashed", "", None)


def _outcome(name: str, tally: _Tally, stopped_by_cap: bool) -> Outcome:
    if tally.findings:
        count = len(tally.findings)
        summary = f"{count} failure{'s' if count > 1 else ''} in {tally.judged} responses"
        return Outcome(SUITE, name, Status.FAILED, summary, tuple(tally.findings.values()))
    if tally.judged == 0:
        reason = "the request cap stopped schemathesis first" if stopped_by_cap else "no response it judges"
        return Outcome(SUITE, name, Status.NOT_RUN, f"never ran: {reason}")
    return Outcome(SUITE, name, Status.PASSED, f"{tally.judged} responses judged")


def _warning_outcomes(collector: WarningCollector, stopped_by_cap: bool) -> list[Outcome]:
    """One outcome per warning `[warnings] fail-on` names: failed if it stands at the end of the run."""
    standing = collector.data.as_labels()
    outcomes = []
    for kind in collector.config.warnings.fail_on:
        name, labels = f"warning[{kind.value}]", standing.get(kind.value, [])
        if stopped_by_cap:
            # `st run` judges no warning of an interrupted run: a later phase may raise it, or withdraw it.
            raised = f" (raised so far for {', '.join(labels)})" if labels else ""
            summary = f"not judged: the request cap stopped schemathesis first{raised}"
            outcomes.append(Outcome(SUITE, name, Status.NOT_RUN, summary))
        elif not labels:
            outcomes.append(Outcome(SUITE, name, Status.PASSED, "not raised"))
        else:
            message = f"schemathesis's `{kind.value}` warning, which `[warnings] fail-on` makes a failure"
            findings = tuple(Finding(f"{label}: {message}") for label in labels)
            outcomes.append(Outcome(SUITE, name, Status.FAILED, f"raised for {', '.join(labels)}", findings))
    return outcomes


def _phase_line(event: events.PhaseFinished) -> str:
    phase = event.phase.name.value
    if event.status is EngineStatus.SKIP or not event.phase.is_enabled:
        reason = event.phase.skip_reason.value if event.phase.skip_reason else "skipped"
        return f"  schemathesis {phase}: skipped ({reason})"
    return f"  schemathesis {phase}: {event.status.value}"
