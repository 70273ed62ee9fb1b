"""The reports: JUnit that parses whatever schemathesis found, a HAR without keys, a summary whose curl commands send
the failing requests again."""

import json
import os
import subprocess
import xml.etree.ElementTree as ElementTree
from decimal import Decimal
from pathlib import Path

import httpx

from memories_contract import reports
from memories_contract.budget import RequestBudget
from memories_contract.curl import reproduce, with_key_from_environment
from memories_contract.exchanges import Credential, Sender, embed_asset, embed_file
from memories_contract.outcomes import Finding, Outcome, Status
from memories_contract.probes import Pictures, preflight_calls
from mock_server import DOCUMENTED_TEST_KEY, Settings, run_mock

PICTURES = Pictures()
OUTCOMES = [
    Outcome("probes", "upload", Status.PASSED, "asset id re_1", seconds=0.25),
    Outcome("probes", "ownership", Status.NOT_RUN, "not run: API_KEY_2 is not set"),
    Outcome(
        "schemathesis",
        "not_a_server_error",
        Status.FAILED,
        "1 failure in 3 responses",
        (Finding("POST /upload: Server error: body \x07\udc80", "curl -X POST 'http://h/upload'"),),
    ),
]


def test_junit_has_a_suite_each_and_a_case_per_outcome_even_with_control_characters() -> None:
    root = ElementTree.fromstring(reports.junit(OUTCOMES).encode())
    assert (root.tag, root.get("tests"), root.get("failures"), root.get("skipped")) == ("testsuites", "3", "1", "1")
    probes, schemathesis = root
    assert [case.get("name") for case in probes] == ["upload", "ownership"]
    assert probes[1].find("skipped") is not None
    failure = schemathesis[0].find("failure")
    assert failure is not None
    assert failure.get("message") == "1 failure in 3 responses"
    assert failure.text is not None
    assert "body \\x07\\udc80" in failure.text
    assert "Reproduce with:\ncurl -X POST" in failure.text


def test_the_summary_lists_every_outcome_and_each_failure_with_its_command() -> None:
    run = reports.RunSummary("http://h/serve/api/v2", "default", 40, 500, 39, Decimal("0.0039"))
    text = reports.summary(run, OUTCOMES)
    assert text.startswith("## memories-conformance: the deployment breaks the contract: 1 of 3")
    assert "40 requests of at most 500 · 39 billable calls ($0.0039)" in text
    assert "| ⏭️ | probes: ownership | not run: API_KEY_2 is not set |" in text
    assert "#### schemathesis: not_a_server_error\n\nPOST /upload" in text
    assert "```sh\ncurl -X POST 'http://h/upload'\n```" in text


def test_no_report_holds_a_key(tmp_path: Path) -> None:
    reports.write(tmp_path / "report", "echoed sk-first and sk-second", ["sk-first", None, "sk-second"])
    assert (tmp_path / "report").read_text() == "echoed [Filtered] and [Filtered]"
    reports.append(tmp_path / "report", "\nsk-first\udc80", ["sk-first"])
    assert (tmp_path / "report").read_text().endswith("\n[Filtered]\\udc80")


def test_the_curl_of_a_probe_sends_its_request_again(tmp_path: Path) -> None:
    truncated = embed_file(PICTURES.truncated("image/png"), "mobileclip")
    by_asset = embed_asset("mobileclip")
    wrong_key = embed_file(PICTURES.subject, "mobileclip", credential=Credential.WRONG)
    keys = {Credential.KEY: DOCUMENTED_TEST_KEY, Credential.WRONG: "sk-mai-memories-conformance-not-a-key"}
    with run_mock(Settings(access_log=False)) as mock, httpx.Client(base_url=mock.base_url) as client:
        sender = Sender(client, keys, RequestBudget(10))
        sender.asset_id = sender.send(preflight_calls(PICTURES)[1]).json_body["data"]["asset_id"]
        for call in (truncated, by_asset, wrong_key):
            exchange = sender.send(call)
            command = reproduce(exchange, tmp_path / "files")
            assert DOCUMENTED_TEST_KEY not in command
            result = subprocess.run(
                ["sh", "-c", command + " --silent"],
                env={**os.environ, "API_KEY": DOCUMENTED_TEST_KEY},
                capture_output=True,
                check=True,
            )
            assert json.loads(result.stdout) == exchange.json_body, command
        har = json.loads(reports.har(sender.exchanges.values(), []))
    assert [entry["response"]["status"] for entry in har["log"]["entries"]] == [200, 400, 200, 401]
    headers = {header["name"]: header["value"] for header in har["log"]["entries"][0]["request"]["headers"]}
    assert headers["authorization"] == "[Filtered]"
    assert har["log"]["entries"][1]["request"]["postData"]["params"][1]["fileName"] == "truncated-scene-0.png"


def test_schemathesiss_curl_reads_the_key_it_filtered_out_from_the_environment() -> None:
    with run_mock(Settings(access_log=False)) as mock:
        # As schemathesis writes a failing request: the key filtered out, which no server accepts.
        filtered = f"curl -X POST -H 'Authorization: [Filtered]' {mock.base_url}/upload"
        command = with_key_from_environment(filtered)
        assert DOCUMENTED_TEST_KEY not in command
        environment = {**os.environ, "API_KEY": DOCUMENTED_TEST_KEY}
        answers = [
            json.loads(subprocess.run(["sh", "-c", line + " --silent"], env=environment, capture_output=True).stdout)
            for line in (filtered, command)
        ]
    assert [answer["code"] for answer in answers] == [401, 415]  # the key accepted; the upload has no multipart body
