"""Requests judged by a spec: refused for the reason, at the part and the path, a server would give."""

from pathlib import Path

import httpx
import pytest

from codegen.wire import Refusal, refusals
from memories_spec import load_spec
from tests.codegen.corpus_edits import spec_text

SPEC = load_spec(Path(__file__).resolve().parents[2] / "openapi.yaml")
BASE_URL = "http://server.invalid"
KEY = {"Authorization": "sk-test"}


def _request(path: str, **options: object) -> httpx.Request:
    request = httpx.Request("POST", BASE_URL + path, **options)  # type: ignore[arg-type]
    request.read()
    return request


def test_a_request_the_spec_allows_is_not_refused() -> None:
    request = _request("/embeddings/image", headers=KEY, json={"asset_id": "re_1", "model": "mobileclip"})
    assert refusals(request, SPEC) == []


def test_a_multipart_file_is_a_file_and_its_text_fields_are_read_as_their_type() -> None:
    files = [("file", (None, b"\x89PNG", None)), ("model", (None, b"mobileclip", "text/plain"))]
    assert refusals(_request("/embeddings/image", headers=KEY, files=files), SPEC) == []
    wrong = [("file", (None, b"\x89PNG", None)), ("model", (None, b"clip", "text/plain"))]
    (refusal,) = refusals(_request("/embeddings/image", headers=KEY, files=wrong), SPEC)
    assert (refusal.part, refusal.path) == ("request multipart/form-data", ("model",))


@pytest.mark.parametrize(
    ("request_", "expected"),
    [
        (_request("/nowhere", headers=KEY), Refusal("", (), "POST /nowhere: no such operation (404)", "operation")),
        (
            _request("/embeddings/image", json={"asset_id": "re_1", "model": "mobileclip"}),
            Refusal("", (), "no credential where the security scheme wants one (401)", "security"),
        ),
        (
            _request("/embeddings/image", headers={**KEY, "Content-Type": "text/plain"}, content=b"x"),
            Refusal("request text/plain", (), "text/plain is not accepted (415)", "content"),
        ),
        (
            _request("/embeddings/image", headers=KEY, json={"asset_id": "re_1"}),
            Refusal("request application/json", ("model",), "'model' is a required property (400)", "required"),
        ),
        (
            _request("/embeddings/image", headers=KEY, json={"asset_id": "asset-1", "model": "mobileclip"}),
            Refusal(
                "request application/json", ("asset_id",), "'asset-1' does not match '^re_[0-9]+$' (400)", "pattern"
            ),
        ),
        (_request("/upload", headers=KEY), Refusal("request", (), "request body required (400)", "required")),
    ],
)
def test_refusals(request_: httpx.Request, expected: Refusal) -> None:
    assert refusals(request_, SPEC)[0] == expected


def test_parameters_are_checked_where_they_travel(tmp_path: Path) -> None:
    written = tmp_path / "openapi.yaml"
    written.write_text(spec_text("query-parameter-became-required"), encoding="utf-8")
    spec = load_spec(written)
    body = {"asset_id": "re_1", "model": "mobileclip"}
    (missing,) = refusals(_request("/embeddings/image", headers=KEY, json=body), spec)
    assert missing == Refusal(
        "parameter query dimensions", (), "required query parameter `dimensions` missing (400)", "required"
    )
    request = _request("/embeddings/image", headers=KEY, json=body, params={"dimensions": "0"})
    (small,) = refusals(request, spec)
    assert small == Refusal(
        "parameter query dimensions",
        (),
        "query parameter `dimensions`: 0 is less than the minimum of 1 (400)",
        "minimum",
    )
    assert refusals(_request("/embeddings/image", headers=KEY, json=body, params={"dimensions": "8"}), spec) == []
