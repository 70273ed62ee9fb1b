"""Regeneration: the committed client is exactly what the generator makes of the spec, and type-checks."""

import difflib
import re
from importlib.resources import files
from pathlib import Path

import pytest
from mypy import api as mypy_api

from codegen import find_drift, generate
from codegen.regenerate import GENERATED_CLIENT, SPEC, TEMPLATES
from memories_client import AuthenticatedClient

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


# Each override is a copy of an upstream template; these are the only lines it may change (comments aside).
OVERRIDE_CHANGES = {
    "endpoint_macros.py.jinja": (
        [
            "    {%- for body in endpoint.bodies -%}{% set body_required = body_required and body.prop.required %}",
            "    {%- endfor -%}{% if not body_required %} | Unset = UNSET{% endif %}",
        ],
        [
            "{% set body_ns = namespace(required=true) %}",
            "    {%- for body in endpoint.bodies -%}"
            "{% set body_ns.required = body_ns.required and body.prop.required %}",
            "    {%- endfor -%}{% if not body_ns.required %} | Unset = UNSET{% endif %}",
        ],
    ),
    "client.py.jinja": (
        [
            '    "token": namespace(type="str", default="", docstring="The token to use for authentication"),',
            '    "prefix": namespace(type="str", default=\'"Bearer"\', '
            'docstring="The prefix to use for the Authorization header"),',
            '    _headers: dict[str, str] = field(factory=dict, kw_only=True, alias="headers")',
        ],
        [
            '    "token": namespace(type="str", default="field(repr=False)", '
            'docstring="The token to use for authentication"),',
            '    "prefix": namespace(type="str", default=\'""\', '
            'docstring="The prefix to use for the Authorization header"),',
            '    _headers: dict[str, str] = field(factory=dict, kw_only=True, alias="headers", repr=False)',
        ],
    ),
    "endpoint_module.py.jinja": (
        [
            '        {%- if body.content_type == "multipart/form-data" %}',
            '        headers["Content-Type"] = "multipart/form-data; boundary=+++"',
            "        {% else %}",
            '    {%- if body.content_type == "multipart/form-data" %}',
            '    headers["Content-Type"] = "multipart/form-data; boundary=+++"',
            "    {% else %}",
            # openapi-python-client#1442 (PR #1471): HTTPStatus(520) raised ValueError.
            "        status_code=HTTPStatus(response.status_code),",
            # A body that breaks its model raised the parser's own error.
            "        parsed=_parse_response(client=client, response=response),",
        ],
        [
            '        {%- if body.content_type != "multipart/form-data" %}',
            '    {%- if body.content_type != "multipart/form-data" %}',
            "    status_code: HTTPStatus | int",
            "    try:",
            "        status_code = HTTPStatus(response.status_code)",
            "    except ValueError:",
            "        status_code = response.status_code",
            "    try:",
            "        parsed = _parse_response(client=client, response=response)",
            "    except errors.UnexpectedStatus:",
            "        raise",
            "    except Exception as error:",
            "        raise errors.MalformedResponse(response.status_code, response.content) from error",
            "        status_code=status_code,",
            "        parsed=parsed,",
        ],
    ),
    "errors.py.jinja": (
        ['__all__ = ["UnexpectedStatus"]'],
        [
            "class MalformedResponse(Exception):",
            '    """Raised by api functions when a documented status comes with a body that does not parse into its'
            ' model"""',
            "    def __init__(self, status_code: int, content: bytes):",
            "        self.status_code = status_code",
            "        self.content = content",
            '        super().__init__(f"The body of the HTTP {status_code} response does not match its documented'
            ' schema")',
            '__all__ = ["MalformedResponse", "UnexpectedStatus"]',
        ],
    ),
    # openapi-python-client#1442 (PR #1471): a status IANA does not register is carried as an int.
    "types.py.jinja": (["    status_code: HTTPStatus"], ["    status_code: HTTPStatus | int"]),
}


def _without_jinja_comments(text: str) -> list[str]:
    return [line for line in re.sub(r"\{#.*?#\}", "", text, flags=re.DOTALL).splitlines() if line.strip()]


def test_every_override_is_listed() -> None:
    assert sorted(path.name for path in TEMPLATES.glob("*.jinja")) == sorted(OVERRIDE_CHANGES)


@pytest.mark.parametrize("name", sorted(OVERRIDE_CHANGES))
def test_template_override_differs_from_upstream_only_by_its_fix(name: str) -> None:
    # When openapi-python-client changes the template, the copy must be refreshed, or deleted once upstream
    # carries the fix.
    override = _without_jinja_comments((TEMPLATES / name).read_text(encoding="utf-8"))
    upstream = _without_jinja_comments((STOCK_TEMPLATES / name).read_text(encoding="utf-8"))
    diff = list(difflib.ndiff(upstream, override))
    removed = [line[2:] for line in diff if line.startswith("- ")]
    added = [line[2:] for line in diff if line.startswith("+ ")]
    assert (removed, added) == OVERRIDE_CHANGES[name]


def test_generated_client_repr_never_shows_the_key() -> None:
    client = AuthenticatedClient(base_url="http://127.0.0.1:9", token="sk-mai-secret", prefix="")
    client.get_httpx_client()
    assert "sk-mai-secret" not in repr(client)


def test_stock_templates_still_need_the_override(tmp_path: Path) -> None:
    # Fails once upstream fixes #1451: then delete generator_templates/endpoint_macros.py.jinja.
    stock = tmp_path / "stock-templates"
    stock.mkdir()
    generate(tmp_path / "client", templates=stock)
    module = (tmp_path / "client/memories_client/api/embeddings/embed_image.py").read_text(encoding="utf-8")
    assert "| Unset = UNSET" in module
    assert "import UNSET, Response" in module  # `Unset` itself is never imported
    # Fails once upstream fixes #1442 (PR #1471): then drop that change from endpoint_module.py.jinja and
    # types.py.jinja.
    assert "status_code=HTTPStatus(response.status_code)," in module
