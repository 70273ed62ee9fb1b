"""The run's reports: JUnit (one test case per probe and per schemathesis check), HAR (every request, the key
filtered out) and a markdown summary that lists each failure with a curl command reproducing it.

Whatever the deployment echoes, no report holds a key: each is filtered once more as text before it is written.
"""

import json
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from http import HTTPStatus
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import harfile

from memories_contract.exchanges import FILTERED, Exchange
from memories_contract.outcomes import Outcome, Status

SUITES = ("probes", "schemathesis")
# What XML 1.0 cannot hold, even escaped; schemathesis's bodies and messages may carry any of it.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
MARKS = {Status.PASSED: "✅", Status.FAILED: "❌", Status.NOT_RUN: "⏭️"}


@dataclass(frozen=True)
class RunSummary:
    """What a run did, in figures, for the head of the summary."""

    url: str
    profile: str
    requests: int
    limit: int
    billable: int
    cost: Decimal
    stopped_by_cap: bool = False
    """Whether the cap stopped schemathesis before it was done."""


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """`text` with every secret replaced by `[Filtered]`."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, FILTERED)
    return text


def verdict(outcomes: Sequence[Outcome]) -> str:
    """One line: whether the deployment honours the contract."""
    failed = [outcome for outcome in outcomes if outcome.status is Status.FAILED]
    if failed:
        return f"the deployment breaks the contract: {len(failed)} of {len(outcomes)} probes and checks failed"
    passed = sum(1 for outcome in outcomes if outcome.status is Status.PASSED)
    return f"the deployment honours the contract: {passed} probes and checks passed"


def junit(outcomes: Sequence[Outcome]) -> str:
    """The JUnit XML of the run: a test suite each for the probes and schemathesis, a test case per outcome."""
    root = ElementTree.Element("testsuites", _counts(outcomes), name="memories-conformance")
    for suite in SUITES:
        members = [outcome for outcome in outcomes if outcome.suite == suite]
        element = ElementTree.SubElement(root, "testsuite", _counts(members), name=suite)
        for outcome in members:
            case = ElementTree.SubElement(
                element, "testcase", classname=suite, name=outcome.name, time=f"{outcome.seconds:.3f}"
            )
            if outcome.status is Status.FAILED:
                failure = ElementTree.SubElement(case, "failure", message=_xml_text(outcome.summary))
                failure.text = _xml_text("\n\n".join(_finding_text(outcome)))
            elif outcome.status is Status.NOT_RUN:
                ElementTree.SubElement(case, "skipped", message=outcome.summary)
            else:
                ElementTree.SubElement(case, "system-out").text = outcome.summary
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _xml_text(text: str) -> str:
    """`text` with what XML cannot hold written as Python escapes (`\\x07`)."""
    return _NOT_XML.sub(lambda found: found.group().encode("unicode_escape", "backslashreplace").decode(), text)


def _counts(outcomes: Sequence[Outcome]) -> dict[str, str]:
    return {
        "tests": str(len(outcomes)),
        "failures": str(sum(1 for outcome in outcomes if outcome.status is Status.FAILED)),
        "skipped": str(sum(1 for outcome in outcomes if outcome.status is Status.NOT_RUN)),
        "errors": "0",
        "time": f"{sum(outcome.seconds for outcome in outcomes):.3f}",
    }


def _finding_text(outcome: Outcome) -> list[str]:
    return [
        finding.message + (f"\n\nReproduce with:\n{finding.reproduction}" if finding.reproduction else "")
        for finding in outcome.findings
    ]


def har(exchanges: Iterable[Exchange], schemathesis_entries: Sequence[dict[str, Any]]) -> str:
    """The HAR of the run: the probes' exchanges, then schemathesis's (already filtered by schemathesis)."""
    sent = [attempt for exchange in exchanges for attempt in (*exchange.waited_out, exchange) if attempt.url]
    entries = [_har_entry(attempt) for attempt in sent] + list(schemathesis_entries)
    document = {
        "log": {
            "version": harfile.HAR_VERSION,
            "creator": {"name": "memories-conformance", "version": version("memories-contract")},
            "entries": entries,
        }
    }
    return json.dumps(document, indent=2) + "\n"


def _har_entry(exchange: Exchange) -> dict[str, Any]:
    request = harfile.Request(
        method="POST",
        url=exchange.url,
        httpVersion="HTTP/1.1",
        headers=[harfile.Record(name=name, value=value) for name, value in exchange.request_headers.items()],
        postData=_post_data(exchange),
        bodySize=len(exchange.request_body),
    )
    if exchange.status is None:
        response = harfile.Response(status=0, statusText="", httpVersion="", comment=exchange.error)
    else:
        response = harfile.Response(
            status=exchange.status,
            statusText=_reason(exchange.status),
            httpVersion="HTTP/1.1",
            headers=[harfile.Record(name=name, value=value) for name, value in exchange.response_headers.items()],
            content=harfile.Content(
                size=len(exchange.response_body),
                mimeType=exchange.response_headers.get("content-type", ""),
                text=exchange.response_body.decode("utf-8", "replace"),
            ),
            bodySize=len(exchange.response_body),
        )
    milliseconds = round(exchange.seconds * 1000, 2)
    return {
        "startedDateTime": exchange.started.isoformat(),
        "time": milliseconds,
        "request": request.asdict(),
        "response": response.asdict(),
        "timings": harfile.Timings(send=0, wait=milliseconds, receive=0).asdict(),
        "cache": {},
        "comment": exchange.call.describe(),
    }


def _post_data(exchange: Exchange) -> harfile.PostData:
    media_type = exchange.request_headers.get("content-type", "")
    call = exchange.call
    if call.file is None:
        return harfile.PostData(mimeType=media_type, text=exchange.request_body.decode("utf-8", "replace"))
    # The fields of a multipart body, the file by name: its bytes are no text, and a curl of a failure saves them.
    fields = [harfile.PostParameter(name="model", value=call.model)] if call.model is not None else []
    fields.append(harfile.PostParameter(name="file", fileName=call.file.filename, contentType=call.file.media_type))
    return harfile.PostData(mimeType=media_type, params=fields)


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def summary(run: RunSummary, outcomes: Sequence[Outcome]) -> str:
    """The markdown summary: the verdict, a table of every probe and check, then each failure with its curl."""
    host = urlsplit(run.url)
    lines = [
        f"## memories-conformance: {verdict(outcomes)}",
        "",
        f"`{host.scheme}://{host.netloc}{host.path}` · profile {run.profile} · {run.requests} requests of at most "
        f"{run.limit} · {run.billable} billable calls (${run.cost})",
        *(
            ["", "schemathesis stopped at the request cap: the phases after it did not run."]
            if run.stopped_by_cap
            else []
        ),
        "",
        "| | probe or check | result |",
        "|---|---|---|",
    ]
    lines += [f"| {MARKS[outcome.status]} | {outcome.title} | {_cell(outcome.summary)} |" for outcome in outcomes]
    failed = [outcome for outcome in outcomes if outcome.status is Status.FAILED]
    if failed:
        lines += ["", "### Failures"]
    for outcome in failed:
        lines += ["", f"#### {outcome.title}"]
        for finding in outcome.findings:
            lines += ["", finding.message]
            if finding.reproduction:
                lines += ["", "```sh", finding.reproduction, "```"]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def write(path: Path, text: str, secrets: Iterable[str | None]) -> None:
    """Write a report, with every secret filtered out."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # backslashreplace: schemathesis's data may hold lone surrogates, which UTF-8 cannot encode.
    path.write_text(redact(text, secrets), encoding="utf-8", errors="backslashreplace")


def append(path: Path, text: str, secrets: Iterable[str | None]) -> None:
    """Append to a report someone else keeps ($GITHUB_STEP_SUMMARY), with every secret filtered out."""
    with path.open("a", encoding="utf-8", errors="backslashreplace") as handle:
        handle.write(redact(text, secrets))
