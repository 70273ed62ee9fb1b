"""Regeneration: the committed client is exactly what the generator makes of the spec, and type-checks."""

from importlib.resources import files
from pathlib import Path

from mypy import api as mypy_api

from codegen import find_drift, generate
from codegen.regenerate import GENERATED_CLIENT, SPEC, TEMPLATES

STOCK_TEMPLATES = files("openapi_python_client") / "templates"


def test_committed_client_matches_a_fresh_generation() -> None:
    drift = find_drift()
    assert not drift, drift.report()


def test_a_spec_edit_without_regeneration_is_drift(tmp_path: Path) -> None:
    edited = tmp_path / "openapi.yaml"
    edited.write_text(SPEC.read_text(encoding="utf-8").replace("Generate an image embedding", "Embed an image"))
    drift = find_drift(spec=edited)
    assert drift.changed == ["GENERATED_FROM", "memories_client/api/embeddings/embed_image.py"]
    assert drift.missing == drift.extra == []


def test_an_edit_that_leaves_the_code_unchanged_is_still_drift(tmp_path: Path) -> None:
    edited = tmp_path / "openapi.yaml"
    edited.write_text(SPEC.read_text(encoding="utf-8") + "# a comment\n")
    assert find_drift(spec=edited).changed == ["GENERATED_FROM"]


def test_generated_client_passes_mypy_strict() -> None:
    report, errors, status = mypy_api.run(["--strict", "--no-incremental", str(GENERATED_CLIENT / "memories_client")])
    assert status == 0, report + errors


def test_template_override_differs_from_upstream_only_by_the_fix() -> None:
    # When openapi-python-client changes this template, the copy must be refreshed or, once a release
    # carries PR #1478, deleted.
    override = (TEMPLATES / "endpoint_macros.py.jinja").read_text(encoding="utf-8")
    upstream = (STOCK_TEMPLATES / "endpoint_macros.py.jinja").read_text(encoding="utf-8")
    header, _, body = override.partition("#}\n")
    assert "openapi-python-client#1451" in header
    comment_start = body.index("{# OVERRIDE")
    comment_end = body.index("#}\n", comment_start) + len("#}\n")
    reverted = (body[:comment_start] + body[comment_end:]).replace("{% set body_ns = namespace(required=true) %}\n", "")
    assert reverted.replace("body_ns.required", "body_required") == upstream


def test_stock_templates_still_need_the_override(tmp_path: Path) -> None:
    # Fails once upstream fixes #1451: then delete generator_templates/endpoint_macros.py.jinja.
    stock = tmp_path / "stock-templates"
    stock.mkdir()
    generate(tmp_path / "client", templates=stock)
    module = (tmp_path / "client/memories_client/api/embeddings/embed_image.py").read_text(encoding="utf-8")
    assert "| Unset = UNSET" in module
    assert "import UNSET, Response" in module  # `Unset` itself is never imported
