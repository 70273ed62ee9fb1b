"""The application around the operations: test controls, routing refusals, the served spec, server errors."""

import logging
from pathlib import Path

import httpx
import pytest
from starlette.types import ASGIApp, Message

from memories_spec import load_spec, operations, response_schema_pointer, validator
from mock_server import API_PREFIX, DOCUMENTED_TEST_KEY, Settings, create_app, run_mock
from tests.mock_server.helpers import PNG, ApiFactory, assert_error, embed_file

pytestmark = pytest.mark.anyio

OPERATIONS = operations(load_spec())
DOCUMENTED = [
    (operation.operation_id, operation.path, status)
    for operation in OPERATIONS.values()
    for status in sorted(operation.responses)
]


@pytest.mark.parametrize(("operation_id", "path", "status"), DOCUMENTED)
async def test_prefer_code_returns_the_documented_response(
    api: httpx.AsyncClient, operation_id: str, path: str, status: int
) -> None:
    response = await api.post(path, headers={"Prefer": f"code={status}"}, json={})
    assert response.status_code == status
    body = response.json()
    schema = response_schema_pointer(path, "post", str(status))
    assert [error.message for error in validator(schema).iter_errors(body)] == []
    assert body["code"] == status
    # The spec's own example and headers, not just any envelope that fits the schema.
    documented = OPERATIONS[operation_id].responses[status]
    assert body == documented.body
    assert {name: response.headers.get(name) for name in documented.headers} == documented.headers
    if status in (429, 503):
        assert response.headers["Retry-After"].isdigit()


async def test_prefer_an_undocumented_status_is_a_400_naming_the_documented_ones(api: httpx.AsyncClient) -> None:
    response = await api.post("/upload", headers={"Prefer": "code=418"}, json={})
    assert_error(response, 400, "200, 400, 401")


async def test_prefer_does_not_bypass_authentication(api: httpx.AsyncClient) -> None:
    response = await api.post("/upload", headers={"Prefer": "code=200", "Authorization": "wrong"}, json={})
    assert_error(response, 401)


@pytest.mark.parametrize("settings", [Settings(fault_rate=1.0, fault_seed=5, access_log=False)])
async def test_fault_injection_answers_documented_5xx(api: httpx.AsyncClient) -> None:
    statuses = set()
    for _ in range(30):
        response = await embed_file(api, PNG)
        assert_error(response, response.status_code, "Injected fault")
        statuses.add(response.status_code)
        if response.status_code == 503:
            assert response.headers["Retry-After"] == "1"
    assert statuses == {500, 503}


async def test_fault_sequence_is_reproducible_from_the_seed(make_api: ApiFactory) -> None:
    sequences = []
    for _ in range(2):
        async with make_api(Settings(fault_rate=0.5, fault_seed=11, access_log=False)) as api:
            sequences.append([(await embed_file(api, PNG)).status_code for _ in range(20)])
    assert sequences[0] == sequences[1]
    assert {200, 500, 503} >= set(sequences[0]) > {200}


async def test_no_faults_by_default(api: httpx.AsyncClient) -> None:
    assert {(await embed_file(api, PNG)).status_code for _ in range(40)} == {200}


@pytest.mark.parametrize(
    "settings",
    [Settings(rate_limit=2, rate_window=60, api_keys=frozenset({DOCUMENTED_TEST_KEY, "sk-b"}), access_log=False)],
)
async def test_rate_limit_is_per_key_with_retry_after(api: httpx.AsyncClient) -> None:
    assert [(await embed_file(api, PNG)).status_code for _ in range(2)] == [200, 200]
    limited = await embed_file(api, PNG)
    assert_error(limited, 429, "Rate limit exceeded")
    assert int(limited.headers["Retry-After"]) == 30
    assert (await embed_file(api, PNG, headers={"Authorization": "sk-b"})).status_code == 200


async def test_unknown_path_is_a_404_envelope(api: httpx.AsyncClient) -> None:
    assert_error(await api.post("/embeddings/video", json={}), 404)
    assert_error(await api.get("/"), 404)
    assert_error(await api.post("/upload/", json={}), 404)  # no redirect to the slash-less path


@pytest.mark.parametrize("prefer", ["code=\u00b2\u00b2\u00b2", "code=" + "9" * 5000])
async def test_a_prefer_code_that_is_no_status_is_a_400(api: httpx.AsyncClient, prefer: str) -> None:
    response = await api.post("/upload", headers={b"Prefer": prefer.encode("latin-1")}, json={})
    assert_error(response, 400, "Prefer: code must name a documented status")


async def call_asgi(app: ASGIApp, headers: list[tuple[bytes, bytes]], messages: list[Message]) -> int:
    """Drive the app through raw ASGI messages; the status it answers."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": f"{API_PREFIX}/upload",
        "raw_path": f"{API_PREFIX}/upload".encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"authorization", DOCUMENTED_TEST_KEY.encode()), *headers],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 2),
    }
    sent: list[Message] = []

    async def receive() -> Message:
        return messages.pop(0)

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    status = sent[0]["status"]
    assert isinstance(status, int)
    return status


async def test_a_client_leaving_mid_body_is_no_server_error(caplog: pytest.LogCaptureFixture) -> None:
    app = create_app(Settings(access_log=False))
    headers = [(b"content-type", b"multipart/form-data; boundary=b")]
    messages: list[Message] = [
        {"type": "http.request", "body": b"--b\r\nContent-Disposition: form-data; name=", "more_body": True},
        {"type": "http.disconnect"},
    ]
    assert await call_asgi(app, headers, messages) == 400
    assert not [record for record in caplog.records if record.levelname == "ERROR"]


@pytest.mark.parametrize("length", ["\u00b2", "9" * 5000, "-1", "1e3"])
async def test_a_nonsense_content_length_is_ignored(length: str) -> None:
    # A valid upload, so that the declared length is read; only the bytes received count against the limit.
    body = b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n' + PNG + b"\r\n--b--\r\n"
    headers = [(b"content-type", b"multipart/form-data; boundary=b"), (b"content-length", length.encode("latin-1"))]
    messages: list[Message] = [{"type": "http.request", "body": body, "more_body": False}]
    assert await call_asgi(create_app(Settings(access_log=False)), headers, messages) == 200


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
async def test_wrong_method_is_a_405_envelope_with_allow(api: httpx.AsyncClient, method: str) -> None:
    response = await api.request(method, "/embeddings/image")
    assert_error(response, 405)
    assert response.headers["Allow"] == "POST"


async def test_serves_its_own_spec(api: httpx.AsyncClient) -> None:
    response = await api.get("http://testserver/openapi.yaml")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/yaml")
    assert response.content == (Path(__file__).resolve().parents[2] / "openapi.yaml").read_bytes()


async def test_an_unexpected_failure_is_one_logged_500_envelope(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def fail(*args: object) -> None:
        raise RuntimeError("the decoder fell over")

    monkeypatch.setattr("mock_server.api.decode", fail)
    caplog.set_level(logging.INFO)
    # Served by uvicorn, which would log a second traceback for an exception that escaped the app.
    with run_mock(Settings(access_log=True)) as mock:
        async with httpx.AsyncClient(base_url=mock.base_url, headers={"Authorization": mock.api_key}) as client:
            response = await embed_file(client, PNG)
    assert_error(response, 500, "Internal server error")
    assert "fell over" not in response.text
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert [record.getMessage() for record in errors] == [f"unexpected error in POST '{API_PREFIX}/embeddings/image'"]
    assert errors[0].exc_info is not None
    assert isinstance(errors[0].exc_info[1], RuntimeError)
    (line,) = [record.getMessage() for record in caplog.records if record.name == "mock_server.access"]
    assert line.startswith(f"POST {API_PREFIX}/embeddings/image 500 {len(response.content)}B ")


@pytest.mark.parametrize("settings", [Settings(access_log=True)])
async def test_access_log_has_one_line_per_request_without_the_key(
    api: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="mock_server.access")
    await embed_file(api, PNG)
    await api.post("/upload", json={}, headers={"Authorization": "sk-mai-wrong-secret"})
    lines = [record.getMessage() for record in caplog.records if record.name == "mock_server.access"]
    assert len(lines) == 2
    assert lines[0].startswith(f"POST {API_PREFIX}/embeddings/image 200 ")
    assert lines[1].startswith(f"POST {API_PREFIX}/upload 401 ")
    assert all("key=" in line for line in lines)
    assert not any(DOCUMENTED_TEST_KEY in line or "sk-mai-wrong-secret" in line for line in lines)


@pytest.mark.parametrize("settings", [Settings(access_log=True)])
async def test_a_path_cannot_forge_log_lines(api: httpx.AsyncClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="mock_server.access")
    await api.post("/x%0APOST%20/serve/api/v2/upload%20200%20999B%201.0ms%20key=forged", json={})
    (line,) = [record.getMessage() for record in caplog.records if record.name == "mock_server.access"]
    assert "\n" not in line
    assert line.startswith(f"POST {API_PREFIX}/x%0APOST%20/serve")
