"""The report as a whole: a generator change with no spec change, the JSON shape, the changelog regeneration keeps."""

from pathlib import Path
from typing import Any

from codegen.changes import compare
from codegen.regenerate import CHANGELOG, SPEC, generate
from codegen.regenerate import compare as compare_trees
from codegen.render import as_json, changelog_entry, markdown
from codegen.sources import read_spec
from tests.codegen.corpus_edits import spec_text


def test_a_python_change_with_no_spec_change_is_reported_as_a_generator_change(tmp_path: Path) -> None:
    stock = tmp_path / "stock-templates"  # no override: openapi-python-client's own templates
    stock.mkdir()
    spec = read_spec(str(SPEC))
    report = compare(spec, spec, new_templates=stock)
    assert report.changes == []
    found = {(effect.path, effect.detail) for effect in report.python}
    # generator_templates/client.py.jinja defaults `prefix` to "", the stock template to "Bearer"; the stock
    # endpoint macros make the body optional (openapi-python-client#1451); the stock errors.py has no
    # MalformedResponse, which code written against ours may catch: its removal breaks that code.
    assert ("client.AuthenticatedClient.prefix", "default `''` -> `'Bearer'`") in found
    functions = "api.embeddings.embed_image.{asyncio, asyncio_detailed, sync, sync_detailed}.body"
    assert (functions, "now optional (default `UNSET`)") in found
    assert ("errors.MalformedResponse", "Public object was removed") in found
    assert (report.breaking, report.bump.value) == (True, "major")
    text = markdown(report)
    assert "### Python API changes no spec change explains" in text
    assert "a generator or template change did" in text


def test_the_json_report_has_the_documented_fields(tmp_path: Path) -> None:
    new = tmp_path / "openapi.yaml"
    new.write_text(spec_text("enum-member-added-request-and-response"), encoding="utf-8")
    old = tmp_path / "old.yaml"
    old.write_text(spec_text("response-property-added"), encoding="utf-8")
    report = as_json(compare(read_spec(str(old)), read_spec(str(new))))
    assert {"breaking", "bump", "changes", "next_version", "version_problem", "python"} <= report.keys()
    change = next(change for change in report["changes"] if change["rule"] == "response-values-widened-checked")
    assert change["severity"] == "breaking"
    assert change["summary"].endswith(': "siglip" added')
    assert change["location"] == "#/components/schemas/EmbeddingModel"
    assert change["direction"] == "response"
    assert change["sites"] == ["embedImage response 200: data.model"]
    (evidence,) = change["evidence"]
    assert evidence["kind"] == "exception"
    assert evidence["message"].startswith("MalformedResponse from TypeError: Unexpected value 'siglip'")
    assert evidence["example"]["data"]["model"] == "siglip"
    assert [effect["detail"] for effect in change["python"]] == ["`Literal` gains 'siglip'"]


def test_regeneration_keeps_the_changelog_and_the_drift_check_ignores_it(tmp_path: Path) -> None:
    client = tmp_path / "client"
    generate(client)
    (client / CHANGELOG).write_text("# Changelog\n\n## [2.0.0] - 2026-12-01\n", encoding="utf-8")
    generate(client)
    assert (client / CHANGELOG).read_text(encoding="utf-8").startswith("# Changelog")
    fresh = tmp_path / "fresh"
    generate(fresh)
    assert not compare_trees(fresh, client)


def test_a_changelog_entry_sorts_changes_into_keep_a_changelog_sections(tmp_path: Path) -> None:
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(spec_text(None), encoding="utf-8")
    new.write_text(spec_text("operation-removed").replace("version: 2.0.0", "version: 3.0.0"), encoding="utf-8")
    entry = changelog_entry(compare(read_spec(str(old)), read_spec(str(new))))
    assert entry.startswith("## [3.0.0] - ")
    assert "### Removed\n\n- **Breaking:** operation removed: POST /upload removed (uploadAsset).\n" in entry


def _report(tmp_path: Path, case: str) -> Any:
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(spec_text(None), encoding="utf-8")
    new.write_text(spec_text(case), encoding="utf-8")
    return as_json(compare(read_spec(str(old)), read_spec(str(new))))


def test_values_refused_by_one_check_are_one_failure(tmp_path: Path) -> None:
    # "re_0", "re_1", "re_2" all fail the new pattern: one failure, with the smallest of them.
    changes = _report(tmp_path, "asset-id-pattern-tightened")["changes"]
    change = next(change for change in changes if change["rule"] == "request-constraint-tightened")
    assert [(item["kind"], item["example"]) for item in change["evidence"]] == [
        ("rejected", {"body": {"asset_id": "re_0", "model": "mobileclip"}})
    ]


def test_values_of_one_wrong_type_are_one_failure(tmp_path: Path) -> None:
    changes = _report(tmp_path, "asset-id-may-be-an-integer")["changes"]
    change = next(change for change in changes if change["rule"] == "response-type-widened-unchecked")
    (evidence,) = change["evidence"]
    assert evidence["message"] == "data.asset_id: int 0 where str is declared"


def test_one_failure_at_many_sites_is_one_line_naming_them(tmp_path: Path) -> None:
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(spec_text(None), encoding="utf-8")
    new.write_text(spec_text("error-envelope-msg-optional"), encoding="utf-8")
    report = compare(read_spec(str(old)), read_spec(str(new)))
    (change,) = report.changes
    assert len(change.evidence) == 20  # each error status of both operations
    text = markdown(report)
    (line,) = [line for line in text.splitlines() if line.startswith("- **Evidence**")]
    assert line.startswith("- **Evidence** (embedImage response 400: msg, embedImage response 401: msg, ")
    assert " and 16 more): the client generated from OLD raised `MalformedResponse from KeyError: 'msg'" in line
    assert "| 1 failure(s) |" in text
