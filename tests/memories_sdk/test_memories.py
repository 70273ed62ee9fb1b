"""Memories and AsyncMemories against real servers: each kind of file, both methods, raw answers, errors, options."""

import inspect
import io
import json
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import BinaryIO, get_type_hints

import pytest

from memories_client.models import ImageEmbeddingResponse, UploadResponse
from memories_contract.images import encode, scene
from memories_sdk import (
    APITimeoutError,
    AsyncMemories,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    FileReadError,
    InternalServerError,
    MalformedResponseError,
    Memories,
    RetryPolicy,
    ServiceUnavailableError,
    UnexpectedStatusError,
    create_client,
)
from memories_sdk.memories import ClientOptions
from memories_sdk.transport import AsyncBackend
from mock_server import RunningMock
from tests.memories_sdk.conftest import Pipe, Scripted, ScriptedServer, counting_mock

PNG = encode(scene(7))
EMBEDDED = json.dumps({"code": 200, "msg": "success", "data": {"embedding": [0.6, 0.8]}}).encode()


@pytest.fixture
def image(tmp_path: Path) -> Path:
    path = tmp_path / "picture.png"
    path.write_bytes(PNG)
    return path


@pytest.fixture
def client(memories_mock: RunningMock) -> Memories:
    return Memories(memories_mock.api_key, base_url=memories_mock.base_url)


FILE_KINDS: dict[str, Callable[[Path], str | Path | bytes | BinaryIO]] = {
    "str": str,
    "path": lambda path: path,
    "bytes": lambda path: path.read_bytes(),
    "open-file": lambda path: path.open("rb"),
    "bytes-io": lambda path: io.BytesIO(path.read_bytes()),
    "pipe": lambda path: io.BufferedReader(Pipe(path.read_bytes())),
}


def opened(files: ExitStack, file: str | Path | bytes | BinaryIO) -> str | Path | bytes | BinaryIO:
    """`file`, closed when `files` closes if it is a file object: the caller owns what it opens, not the SDK."""
    if isinstance(file, io.IOBase):
        files.enter_context(file)
    return file


@pytest.mark.parametrize("kind", FILE_KINDS)
def test_each_kind_of_file_is_embedded_and_uploaded(client: Memories, image: Path, kind: str) -> None:
    with client, ExitStack() as files:
        by_file = client.embeddings.image(file=opened(files, FILE_KINDS[kind](image)), model="mobileclip")
        uploaded = client.assets.upload(file=opened(files, FILE_KINDS[kind](image)))
        by_asset = client.embeddings.image(asset_id=uploaded.data.asset_id, model="mobileclip")
        reference = client.embeddings.image(file=str(image), model="mobileclip")
    assert type(by_file) is ImageEmbeddingResponse
    assert type(uploaded) is UploadResponse
    assert len(by_file.data.embedding) == 512
    assert by_file.data.embedding == by_asset.data.embedding == reference.data.embedding


def test_the_raw_response_gives_status_headers_and_the_model(client: Memories, image: Path) -> None:
    with client:
        embedded = client.embeddings.with_raw_response.image(file=image, model="multimodalembedding@001")
        uploaded = client.assets.with_raw_response.upload(file=image)
    assert (embedded.status_code, uploaded.status_code) == (200, 200)
    assert embedded.headers["Content-Type"] == "application/json"  # any case: httpx's headers
    assert embedded.parse().data.embedding == json.loads(embedded.content)["data"]["embedding"]
    assert len(embedded.parse().data.embedding) == 1408
    assert uploaded.parse().data.asset_id == json.loads(uploaded.content)["data"]["asset_id"]


def test_api_errors_raise_their_typed_errors(memories_mock: RunningMock, image: Path) -> None:
    with Memories("sk-mai-not-a-key", base_url=memories_mock.base_url) as stranger:
        with pytest.raises(AuthenticationError):
            stranger.embeddings.image(file=image, model="mobileclip")
    with Memories(memories_mock.api_key, base_url=memories_mock.base_url) as client:
        with pytest.raises(BadRequestError, match="Asset not found"):
            client.embeddings.image(asset_id="re_404", model="mobileclip")
        with pytest.raises(BadRequestError):
            client.embeddings.image(file=PNG[:200], model="mobileclip")  # truncated


@pytest.mark.parametrize(
    ("status", "body", "error_class"),
    [
        (520, b"<html>origin error</html>", InternalServerError),
        (499, b"", UnexpectedStatusError),
        (200, b"", MalformedResponseError),
        (200, b'{"code": 200, "msg": "success", "data": null}', MalformedResponseError),
    ],
    ids=["520-html", "499", "empty-200", "data-null"],
)
def test_odd_answers_raise_typed_errors(
    scripted: ScriptedServer, status: int, body: bytes, error_class: type[Exception]
) -> None:
    scripted.script = [Scripted(status, body)]
    with Memories("k", base_url=scripted.base_url, retry=RetryPolicy(max_retries=0)) as client:
        with pytest.raises(error_class):
            client.embeddings.image(file=PNG, model="mobileclip")


def test_a_path_is_read_again_from_disk_on_each_retry(scripted: ScriptedServer, image: Path) -> None:
    scripted.script = [Scripted(503), Scripted(200, EMBEDDED)]
    replacement = bytes(reversed(PNG))  # the same size: the Content-Length of the first attempt still holds

    def rewrite_while_waiting(seconds: float) -> None:
        image.write_bytes(replacement)

    policy = RetryPolicy(random=lambda: 0.0, sleep=rewrite_while_waiting)
    with Memories("k", base_url=scripted.base_url, retry=policy) as client:
        client.embeddings.image(file=image, model="mobileclip")
    first, second = scripted.bodies
    assert PNG in first
    assert replacement in second  # the file as it is on disk now, not a copy held from the first attempt


def test_a_file_that_cannot_be_read_is_a_file_read_error(client: Memories, tmp_path: Path) -> None:
    with client:
        with pytest.raises(FileReadError, match=r"missing\.png") as missing:
            client.embeddings.image(file=tmp_path / "missing.png", model="mobileclip")
        with pytest.raises(FileReadError):
            client.assets.upload(file=tmp_path)  # a folder
    assert isinstance(missing.value.__cause__, FileNotFoundError)
    assert missing.value.filename == str(tmp_path / "missing.png")


def test_exactly_one_of_file_and_asset_id(client: Memories) -> None:
    with client:
        with pytest.raises(TypeError, match="not both"):
            client.embeddings.image(file=PNG, asset_id="re_1", model="mobileclip")  # type: ignore[call-overload]
        with pytest.raises(TypeError, match="needs file= or asset_id="):
            client.embeddings.image(model="mobileclip")  # type: ignore[call-overload]


def test_the_key_and_base_url_come_from_the_environment_and_stay_out_of_the_repr(memories_mock: RunningMock) -> None:
    environ = {"MEMORIES_API_KEY": memories_mock.api_key, "MEMORIES_BASE_URL": memories_mock.base_url}
    with Memories(environ=environ) as client:
        assert client.embeddings.image(file=PNG, model="mobileclip").data.embedding
        assert repr(client) == f"Memories(base_url={memories_mock.base_url!r})"
        assert memories_mock.api_key not in repr(client) + repr(vars(client))
    with pytest.raises(ConfigurationError, match="MEMORIES_API_KEY"):
        Memories(environ={})


def test_with_options_changes_retries_and_timeout_only_for_the_derived_client(scripted: ScriptedServer) -> None:
    waits: list[float] = []
    with Memories("k", base_url=scripted.base_url, retry=RetryPolicy(random=lambda: 0.0, sleep=waits.append)) as client:
        scripted.script = [Scripted(503), Scripted(200, EMBEDDED)]
        with pytest.raises(ServiceUnavailableError):
            client.with_options(max_retries=0).embeddings.image(file=PNG, model="mobileclip")
        client.embeddings.image(file=PNG, model="mobileclip")  # the next 200, on the first try
        scripted.script = [Scripted(503), Scripted(200, EMBEDDED)]
        client.embeddings.image(file=PNG, model="mobileclip")
    assert waits == [0.5]  # the parent kept its retries
    assert len(scripted.bodies) == 4


def test_a_derived_client_shares_the_connections_and_leaves_them_open() -> None:
    with counting_mock(delay=0.3) as mock, Memories(mock.api_key, base_url=mock.base_url) as client:
        client.embeddings.image(file=PNG, model="mobileclip")
        with client.with_options(timeout=0.1, max_retries=0) as impatient:
            with pytest.raises(APITimeoutError):
                impatient.embeddings.image(file=PNG, model="mobileclip")
        with client.with_options(timeout=5.0) as patient:
            patient.embeddings.image(file=PNG, model="mobileclip")
        client.embeddings.image(file=PNG, model="mobileclip")  # still open after the derived clients closed
    first, impatient_one, patient_one, last = mock.clients
    assert impatient_one == first  # the derived client took the parent's idle connection
    assert last == patient_one  # and the parent took the next derived client's (the timed-out one was dropped)


@pytest.mark.anyio
async def test_the_async_client_does_the_same(
    memories_mock: RunningMock, image: Path, scripted: ScriptedServer, async_backend: AsyncBackend
) -> None:
    async with AsyncMemories(
        memories_mock.api_key, base_url=memories_mock.base_url, async_backend=async_backend
    ) as client:
        by_file = await client.embeddings.image(file=image, model="mobileclip")
        with image.open("rb") as handle:
            uploaded = await client.assets.upload(file=handle)
        by_asset = await client.embeddings.image(asset_id=uploaded.data.asset_id, model="mobileclip")
        raw = await client.embeddings.with_raw_response.image(file=PNG, model="mobileclip")
        raw_upload = await client.assets.with_raw_response.upload(file=PNG)
        with pytest.raises(BadRequestError):
            await client.embeddings.image(asset_id="re_404", model="mobileclip")
        with pytest.raises(FileReadError):
            await client.embeddings.image(file=image.with_name("missing.png"), model="mobileclip")
    assert by_file.data.embedding == by_asset.data.embedding == raw.parse().data.embedding
    assert (raw.status_code, raw_upload.status_code) == (200, 200)
    scripted.script = [Scripted(503), Scripted(200, EMBEDDED)]
    async with AsyncMemories("k", base_url=scripted.base_url, async_backend=async_backend) as strict:
        with pytest.raises(ServiceUnavailableError):
            await strict.with_options(max_retries=0).embeddings.image(file=PNG, model="mobileclip")


@pytest.mark.parametrize(
    ("async_backend", "refusal"),
    [("httpx", "socksio"), ("aiohttp", "the aiohttp backend takes http:// and https:// proxies")],
)
def test_the_async_backend_is_the_one_chosen(async_backend: AsyncBackend, refusal: str) -> None:
    # Each backend refuses a SOCKS proxy in its own words: the chosen one was built.
    with pytest.raises(ConfigurationError, match=refusal):
        AsyncMemories("k", proxy="socks5://127.0.0.1:1080", async_backend=async_backend, environ={})


def test_the_clients_take_every_keyword_of_create_client_with_its_type() -> None:
    # Memories passes ClientOptions on to create_client whole: a keyword create_client gains must be added there.
    passed_on = get_type_hints(create_client)
    for handled_here in ("api_key", "raise_status_errors", "return"):
        del passed_on[handled_here]
    assert get_type_hints(ClientOptions) == passed_on
    assert list(inspect.signature(Memories).parameters) == ["api_key", "options"]


def test_a_proxy_argument_is_passed_on(scripted: ScriptedServer) -> None:
    scripted.script = [Scripted(200, EMBEDDED)]
    proxy = scripted.base_url.removesuffix("/serve/api/v2")
    with Memories("k", base_url="http://api.invalid/serve/api/v2", proxy=proxy) as client:
        assert client.embeddings.image(asset_id="re_1", model="mobileclip").data.embedding == [0.6, 0.8]
    assert len(scripted.bodies) == 1


class FailingFile(io.BytesIO):
    """A file whose reads fail once the request is being sent, as a disk or network share may."""

    def read(self, size: int | None = -1) -> bytes:
        if self.tell() == 0 and size != 16:  # the SDK's own peek at the format reads 16 bytes
            raise OSError(5, "Input/output error")
        return super().read(size)


def test_a_file_that_fails_while_it_is_sent_is_a_file_read_error(scripted: ScriptedServer) -> None:
    scripted.script = [Scripted(200, EMBEDDED)]
    with Memories("k", base_url=scripted.base_url, retry=RetryPolicy(max_retries=0)) as client:
        with pytest.raises(FileReadError, match="Input/output error"):
            client.embeddings.image(file=FailingFile(PNG), model="mobileclip")
