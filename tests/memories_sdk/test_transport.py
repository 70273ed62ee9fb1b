"""Retries and typed errors through real servers: the mock's fault injection and `Prefer`, and scripted answers."""

import asyncio
import dataclasses
import io
import json
import socket
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from memories_client import AuthenticatedClient
from memories_client.api.embeddings import embed_image
from memories_client.models import (
    EmbeddingModel,
    ErrorEnvelope,
    ImageEmbeddingAssetRequest,
    ImageEmbeddingFileRequest,
    ImageEmbeddingResponse,
)
from memories_client.types import File
from memories_contract.images import encode, scene
from memories_sdk import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InsufficientCreditsError,
    InternalServerError,
    MemoriesError,
    PayloadTooLargeError,
    PermissionDeniedError,
    RateLimitError,
    RetryPolicy,
    ServiceUnavailableError,
    UnexpectedStatusError,
    UnsupportedMediaTypeError,
    create_client,
)
from memories_sdk.contract import OPERATIONS
from memories_sdk.errors import DOCUMENTED_ERROR_STATUSES
from memories_sdk.transport import AsyncBackend
from memories_spec import documented_error_statuses, load_spec
from mock_server import RunningMock, Settings, run_mock
from tests.memories_sdk.conftest import Scripted, ScriptedServer


def file_request(data: bytes, model: EmbeddingModel = "mobileclip") -> ImageEmbeddingFileRequest:
    """The file method's request for `data`, with no file name or media type to lean on."""
    return ImageEmbeddingFileRequest(file=File(payload=io.BytesIO(data), file_name="image"), model=model)


PNG = encode(scene(1))
ASSET_BODY = ImageEmbeddingAssetRequest(asset_id="re_1", model="mobileclip")
EMBEDDED = json.dumps({"code": 200, "msg": "success", "data": {"embedding": [0.6, 0.8]}}).encode()
PATHS = sorted(load_spec()["paths"])


def client_for(
    base_url: str,
    retry: RetryPolicy,
    timeout: float = 5.0,
    raise_status_errors: bool = True,
    async_backend: AsyncBackend = "httpx",
) -> AuthenticatedClient:
    return create_client(
        "sk-mai-key",
        base_url=base_url,
        retry=retry,
        timeout=timeout,
        raise_status_errors=raise_status_errors,
        async_backend=async_backend,
    )


# Retries against the mock's fault injection


def test_injected_faults_are_retried_until_success(retry: RetryPolicy, waits: list[float]) -> None:
    with run_mock(Settings(fault_rate=0.5, fault_seed=3, access_log=False)) as faulty, run_mock() as healthy:
        with create_client(faulty.api_key, base_url=faulty.base_url, retry=retry) as client:
            results = [embed_image.sync(client=client, body=file_request(encode(scene(seed)))) for seed in range(8)]
        with create_client(healthy.api_key, base_url=healthy.base_url) as reference:
            expected = [embed_image.sync(client=reference, body=file_request(encode(scene(seed)))) for seed in range(8)]
    assert all(isinstance(result, ImageEmbeddingResponse) for result in results)
    assert results == expected
    assert waits  # some requests failed first
    assert set(waits) <= {0.5, 1.0}  # backoff (500) or the mock's Retry-After: 1 (503)


def test_persistent_faults_end_in_the_typed_error_after_two_retries(retry: RetryPolicy, waits: list[float]) -> None:
    with run_mock(Settings(fault_rate=1.0, fault_seed=1, access_log=False)) as faulty:
        with create_client(faulty.api_key, base_url=faulty.base_url, retry=retry) as client:
            with pytest.raises(InternalServerError) as failed:
                embed_image.sync(client=client, body=file_request(PNG))
    assert len(waits) == 2
    assert failed.value.status_code in (500, 503)
    assert failed.value.msg is not None
    assert failed.value.msg.startswith("Injected fault")


def test_retries_can_be_turned_off(waits: list[float]) -> None:
    policy = RetryPolicy(max_retries=0, sleep=waits.append)
    with run_mock(Settings(fault_rate=1.0, access_log=False)) as faulty:
        with create_client(faulty.api_key, base_url=faulty.base_url, retry=policy) as client:
            with pytest.raises(InternalServerError):
                embed_image.sync(client=client, body=file_request(PNG))
    assert waits == []


# Retries against the mock's network faults: on the wire, sync and on both async backends

NETWORK_FAULTS = ["reset", "empty", "cut-off"]
MIXED_FAULTS = Settings(
    fault_rate=0.04, reset_rate=0.02, empty_rate=0.02, cut_off_rate=0.02, drip_rate=0.02, drip_seconds=0.05,
    fault_seed=8, access_log=False,
)  # fmt: skip


async def _outcomes(client: AuthenticatedClient, bodies: list[ImageEmbeddingFileRequest]) -> list[object]:
    async def one(body: ImageEmbeddingFileRequest) -> object:
        try:
            return await embed_image.asyncio(client=client, body=body)
        except MemoriesError as error:
            return error

    async with client:
        return await asyncio.gather(*(one(body) for body in bodies))


@pytest.mark.parametrize("fault", NETWORK_FAULTS)
def test_a_network_fault_on_every_attempt_ends_in_a_connection_error(
    memories_mock: RunningMock, retry: RetryPolicy, waits: list[float], fault: str
) -> None:
    with create_client(memories_mock.api_key, base_url=memories_mock.base_url, retry=retry) as client:
        with pytest.raises(APIConnectionError, match="after 3 attempt") as raised:
            embed_image.sync(client=client.with_headers({"Prefer": f"fault={fault}"}), body=ASSET_BODY)
    assert not isinstance(raised.value, APITimeoutError)
    assert waits == [0.5, 1.0]


@pytest.mark.parametrize("fault", NETWORK_FAULTS)
def test_async_network_faults_on_every_attempt_end_in_a_connection_error(
    memories_mock: RunningMock, retry: RetryPolicy, waits: list[float], fault: str, async_backend: AsyncBackend
) -> None:
    client = create_client(
        memories_mock.api_key, base_url=memories_mock.base_url, retry=retry, async_backend=async_backend
    ).with_headers({"Prefer": f"fault={fault}"})
    (error,) = asyncio.run(_outcomes(client, [file_request(PNG)]))
    assert type(error) is APIConnectionError
    assert "after 3 attempt(s)" in str(error)
    assert waits == [0.5, 1.0]


def test_a_dripped_answer_is_slow_but_whole_and_a_timeout_when_slower_than_the_read_timeout(
    retry: RetryPolicy, waits: list[float], async_backend: AsyncBackend
) -> None:
    with run_mock(Settings(drip_seconds=0.3, access_log=False)) as mock:
        patient = create_client(mock.api_key, base_url=mock.base_url, retry=retry, async_backend=async_backend)
        impatient = create_client(
            mock.api_key, base_url=mock.base_url, retry=retry, timeout=httpx.Timeout(5.0, read=0.02),
            async_backend=async_backend,
        )  # fmt: skip
        dripped = [file_request(PNG)]
        (whole,) = asyncio.run(_outcomes(patient.with_headers({"Prefer": "fault=drip"}), dripped))
        assert isinstance(whole, ImageEmbeddingResponse)
        assert waits == []
        (late,) = asyncio.run(_outcomes(impatient.with_headers({"Prefer": "fault=drip"}), [file_request(PNG)]))
    assert type(late) is APITimeoutError  # ten pieces 30 ms apart: each read waits longer than 20 ms
    assert isinstance(late.__cause__, httpx.ReadTimeout)
    assert waits == [0.5, 1.0]


MIXED_BODIES = [file_request(encode(scene(seed, (64, 48)))) for seed in range(24)]


@pytest.fixture(scope="module")
def healthy_answers(memories_mock: RunningMock) -> list[ImageEmbeddingResponse | ErrorEnvelope | None]:
    """The answers of a mock without faults to MIXED_BODIES."""
    with create_client(memories_mock.api_key, base_url=memories_mock.base_url) as client:
        return [embed_image.sync(client=client, body=body) for body in MIXED_BODIES]


def test_mixed_faults_are_all_retried_away_with_four_retries(
    waits: list[float], retry: RetryPolicy, healthy_answers: list[object]
) -> None:
    four = dataclasses.replace(retry, max_retries=4)
    with run_mock(MIXED_FAULTS) as faulty:
        with create_client(faulty.api_key, base_url=faulty.base_url, retry=four) as client:
            results = [embed_image.sync(client=client, body=body) for body in MIXED_BODIES]
    assert results == healthy_answers
    assert len(waits) >= 2  # faults were met


def test_async_mixed_faults_are_all_retried_away_with_four_retries_on_both_backends(
    waits: list[float], retry: RetryPolicy, async_backend: AsyncBackend, healthy_answers: list[object]
) -> None:
    four = dataclasses.replace(retry, max_retries=4)
    with run_mock(MIXED_FAULTS) as faulty:
        client = create_client(faulty.api_key, base_url=faulty.base_url, retry=four, async_backend=async_backend)
        results = asyncio.run(_outcomes(client, MIXED_BODIES))
    assert results == healthy_answers
    assert len(waits) >= 2


# Typed errors for every documented status, through the mock's Prefer: code=NNN

RETRIED = {429, 500, 503}
# Kept apart from the SDK's own table, so that a wrong class there fails the test below.
ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: InsufficientCreditsError,
    403: PermissionDeniedError,
    409: ConflictError,
    413: PayloadTooLargeError,
    415: UnsupportedMediaTypeError,
    429: RateLimitError,
    500: InternalServerError,
    503: ServiceUnavailableError,
}


@pytest.mark.parametrize("path", PATHS)
def test_the_error_tables_hold_the_statuses_each_operation_documents(path: str) -> None:
    documented = set(documented_error_statuses(path))
    assert documented == DOCUMENTED_ERROR_STATUSES
    assert documented == set(ERRORS)


def test_every_documented_operation_is_checked() -> None:
    assert sorted(operation.path_suffix for operation in OPERATIONS) == PATHS


@pytest.mark.parametrize(("status", "error_class"), sorted(ERRORS.items()))
def test_each_documented_status_raises_its_class(
    memories_mock: RunningMock, retry: RetryPolicy, waits: list[float], status: int, error_class: type[APIStatusError]
) -> None:
    with create_client(memories_mock.api_key, base_url=memories_mock.base_url, retry=retry) as client:
        client = client.with_headers({"Prefer": f"code={status}"})
        with pytest.raises(error_class) as raised:
            embed_image.sync(client=client, body=ASSET_BODY)
    error = raised.value
    assert type(error) is error_class
    assert (error.status_code, error.code) == (status, status)
    assert error.msg
    assert json.loads(error.body)["msg"] == error.msg
    assert len(waits) == (2 if status in RETRIED else 0)


def test_each_documented_status_raises_its_class_from_async_calls(
    memories_mock: RunningMock, retry: RetryPolicy, waits: list[float], async_backend: AsyncBackend
) -> None:
    async def raised(client: AuthenticatedClient) -> dict[int, tuple[type[Exception], object, str | None]]:
        errors: dict[int, tuple[type[Exception], object, str | None]] = {}
        async with client:
            for status in ERRORS:
                try:
                    await embed_image.asyncio(client=client.with_headers({"Prefer": f"code={status}"}), body=ASSET_BODY)
                except APIStatusError as error:
                    errors[status] = (type(error), error.code, error.msg)
        return errors

    client = create_client(
        memories_mock.api_key, base_url=memories_mock.base_url, retry=retry, async_backend=async_backend
    )
    errors = asyncio.run(raised(client))
    assert {status: error_class for status, (error_class, _, _) in errors.items()} == ERRORS
    assert all(code == status and msg for status, (_, code, msg) in errors.items())
    # 429 waits the spec's Retry-After (2 s), 503 the mock's example's, 500 the backoff: two retries each.
    assert len(waits) == 2 * len(RETRIED)


def test_rate_limit_waits_as_the_server_says(
    memories_mock: RunningMock, retry: RetryPolicy, waits: list[float]
) -> None:
    with create_client(memories_mock.api_key, base_url=memories_mock.base_url, retry=retry) as client:
        with pytest.raises(RateLimitError) as raised:
            embed_image.sync(client=client.with_headers({"Prefer": "code=429"}), body=ASSET_BODY)
    assert raised.value.retry_after == 2.0  # the spec's example Retry-After
    assert waits == [2.0, 2.0]


def test_documented_statuses_can_be_returned_instead_of_raised(memories_mock: RunningMock, retry: RetryPolicy) -> None:
    with create_client(
        memories_mock.api_key, base_url=memories_mock.base_url, retry=retry, raise_status_errors=False
    ) as client:
        result = embed_image.sync(client=client, body=ASSET_BODY)
    assert isinstance(result, ErrorEnvelope)
    assert (result.code, result.msg) == (400, "Asset not found")


def test_async_calls_retry_and_raise_alike(retry: RetryPolicy, waits: list[float], async_backend: AsyncBackend) -> None:
    async def scenario() -> tuple[list[ErrorEnvelope | ImageEmbeddingResponse | None], type[Exception]]:
        with run_mock(Settings(fault_rate=0.5, fault_seed=3, access_log=False)) as faulty:
            async with create_client(
                faulty.api_key, base_url=faulty.base_url, retry=retry, async_backend=async_backend
            ) as client:
                results = [
                    await embed_image.asyncio(client=client, body=file_request(encode(scene(seed))))
                    for seed in range(6)
                ]
                try:
                    await embed_image.asyncio(client=client, body=ASSET_BODY)
                except BadRequestError as error:
                    return results, type(error)
        raise AssertionError("the unknown asset was not refused")

    results, error_class = asyncio.run(scenario())
    assert all(isinstance(result, ImageEmbeddingResponse) for result in results)
    assert error_class is BadRequestError
    assert waits


# Connection failures


@pytest.fixture
def refusing_url() -> str:
    """A base URL on loopback where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens once the probe closes
    return f"http://127.0.0.1:{port}/serve/api/v2"


@pytest.fixture
def silent_url() -> Iterator[str]:
    """A base URL on loopback where connections are accepted and never answered."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/serve/api/v2"


def test_refused_connections_are_retried_then_raised(retry: RetryPolicy, waits: list[float], refusing_url: str) -> None:
    with client_for(refusing_url, retry) as client:
        with pytest.raises(APIConnectionError) as raised:
            embed_image.sync(client=client, body=ASSET_BODY)
    assert not isinstance(raised.value, APITimeoutError)
    assert isinstance(raised.value.__cause__, httpx.ConnectError)
    assert "after 3 attempt(s)" in str(raised.value)
    assert waits == [0.5, 1.0]


def test_timeouts_are_retried_then_raised(retry: RetryPolicy, waits: list[float], silent_url: str) -> None:
    with client_for(silent_url, retry, timeout=0.2) as client:
        with pytest.raises(APITimeoutError) as raised:
            embed_image.sync(client=client, body=ASSET_BODY)
    assert isinstance(raised.value.__cause__, httpx.ReadTimeout)
    assert waits == [0.5, 1.0]


async def _failure(client: AuthenticatedClient) -> APIConnectionError:
    async with client:
        try:
            await embed_image.asyncio(client=client, body=ASSET_BODY)
        except APIConnectionError as error:
            return error
    raise AssertionError("the request did not fail")


def test_async_refused_connections_are_connection_errors_not_timeouts(
    retry: RetryPolicy, waits: list[float], refusing_url: str, async_backend: AsyncBackend
) -> None:
    # httpx-aiohttp alone reports a refused connection as httpx.ConnectTimeout, that is, as a timeout.
    error = asyncio.run(_failure(client_for(refusing_url, retry, async_backend=async_backend)))
    assert type(error) is APIConnectionError
    assert type(error.__cause__) is httpx.ConnectError
    assert "after 3 attempt(s)" in str(error)
    assert waits == [0.5, 1.0]


def test_async_timeouts_are_retried_then_raised(
    retry: RetryPolicy, waits: list[float], silent_url: str, async_backend: AsyncBackend
) -> None:
    error = asyncio.run(_failure(client_for(silent_url, retry, timeout=0.2, async_backend=async_backend)))
    assert type(error) is APITimeoutError
    assert type(error.__cause__) is httpx.ReadTimeout
    assert waits == [0.5, 1.0]


def test_derived_clients_keep_retries_and_checks(
    memories_mock: RunningMock, retry: RetryPolicy, waits: list[float]
) -> None:
    with create_client(memories_mock.api_key, base_url=memories_mock.base_url, retry=retry) as client:
        derived = client.with_timeout(httpx.Timeout(5.0)).with_headers({"Prefer": "code=503"})
        with pytest.raises(ServiceUnavailableError):
            embed_image.sync(client=derived, body=ASSET_BODY)
    assert waits == [2.0, 2.0]


def test_undocumented_statuses_raise_even_when_documented_ones_are_returned(
    scripted: ScriptedServer, retry: RetryPolicy
) -> None:
    scripted.script = [Scripted(499, b"client closed request")]
    with client_for(scripted.base_url, retry, raise_status_errors=False) as client:
        with pytest.raises(UnexpectedStatusError) as raised:
            embed_image.sync(client=client, body=ASSET_BODY)
    assert raised.value.status_code == 499
    assert raised.value.body == b"client closed request"


# One connection pool, however the first requests arrive


def test_threads_that_start_together_share_one_pool(
    scripted: ScriptedServer, retry: RetryPolicy, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[httpx.HTTPTransport] = []
    build = httpx.HTTPTransport.__init__

    def recording_build(transport: httpx.HTTPTransport, *args: Any, **kwargs: Any) -> None:
        built.append(transport)
        build(transport, *args, **kwargs)

    monkeypatch.setattr(httpx.HTTPTransport, "__init__", recording_build)
    threads = 8
    scripted.script = [Scripted(200, EMBEDDED)] * threads
    start = threading.Barrier(threads)
    results: list[object] = []

    def embed(client: AuthenticatedClient) -> None:
        start.wait()
        results.append(embed_image.sync(client=client, body=ASSET_BODY))

    with create_client("k", base_url=scripted.base_url, retry=retry) as client:
        assert len(built) == 1  # with the client: built on first use, threads starting together each built one
        workers = [threading.Thread(target=embed, args=(client,)) for _ in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(10)
    assert len(results) == threads
    assert all(isinstance(result, ImageEmbeddingResponse) for result in results)
    assert len(built) == 1
