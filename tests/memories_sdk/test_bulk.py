"""image_many on both clients, against a mock that counts what it receives: order, partial failure, dedupe, bounds."""

import io
import itertools
import threading
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

import anyio
import pytest

from memories_client.models import ImageEmbeddingResponse
from memories_contract.images import encode, scene
from memories_sdk import (
    AsyncMemories,
    FileReadError,
    Memories,
    MemoriesError,
    Progress,
    UnsupportedMediaTypeError,
)
from memories_sdk.bulk import ImageResult, Plan, run_in_tasks
from memories_sdk.files import FileInput
from memories_sdk.transport import AsyncBackend
from tests.memories_sdk.conftest import Pipe, counting_mock

EMBED_PATH = "/serve/api/v2/embeddings/image"
ImageMany = Callable[..., list[ImageResult]]


def image_many(base_url: str, api_key: str, backend: AsyncBackend | None) -> ImageMany:
    """`client.embeddings.image_many` of a fresh Memories (backend None) or AsyncMemories, as one blocking call."""

    def sync_call(files: Sequence[FileInput], **options: object) -> list[ImageResult]:
        with Memories(api_key, base_url=base_url) as client:
            return client.embeddings.image_many(files, model="mobileclip", **options)  # type: ignore[arg-type]

    if backend is None:
        return sync_call
    chosen: AsyncBackend = backend

    def async_call(files: Sequence[FileInput], **options: object) -> list[ImageResult]:
        async def run() -> list[ImageResult]:
            async with AsyncMemories(api_key, base_url=base_url, async_backend=chosen) as client:
                call: Awaitable[list[ImageResult]] = client.embeddings.image_many(
                    files,
                    model="mobileclip",
                    **options,  # type: ignore[arg-type]
                )
                return await call

        return anyio.run(run)

    return async_call


CLIENTS = pytest.mark.parametrize(
    "backend", [None, "httpx", "aiohttp"], ids=["Memories", "AsyncMemories-httpx", "AsyncMemories-aiohttp"]
)


def pictures(folder: Path, seeds: range) -> list[Path]:
    """Distinct PNG files, one per seed."""
    paths = []
    for seed in seeds:
        path = folder / f"scene-{seed}.png"
        path.write_bytes(encode(scene(seed, (64, 48))))
        paths.append(path)
    return paths


@CLIENTS
def test_results_come_in_input_order_with_each_failure_in_its_place(
    tmp_path: Path, backend: AsyncBackend | None
) -> None:
    images = pictures(tmp_path, range(6))
    files: list[FileInput] = [*images[:2], b"not an image", images[2], tmp_path / "missing.png", *images[3:]]
    steps: list[Progress] = []
    threads: set[int] = set()

    def report(progress: Progress) -> None:
        steps.append(progress)
        threads.add(threading.get_ident())

    with counting_mock() as mock:
        results = image_many(mock.base_url, mock.api_key, backend)(files, concurrency=3, on_progress=report)
        with Memories(mock.api_key, base_url=mock.base_url) as client:
            expected = [client.embeddings.image(file=image, model="mobileclip").data.embedding for image in images]
    assert [type(result) for result in results] == [
        *[ImageEmbeddingResponse] * 2,
        UnsupportedMediaTypeError,
        ImageEmbeddingResponse,
        FileReadError,
        *[ImageEmbeddingResponse] * 3,
    ]
    embedded = [result.data.embedding for result in results if isinstance(result, ImageEmbeddingResponse)]
    assert embedded == expected
    assert [(step.completed, step.total) for step in steps] == [(done, 8) for done in range(1, 9)]
    assert [step.failed for step in steps][-1] == 2
    assert all(later.failed >= earlier.failed for earlier, later in itertools.pairwise(steps))
    assert threads == {threading.get_ident()}  # the caller's thread, never a worker's


class Stop(Exception):
    """What a progress callback raises to end the call."""


@CLIENTS
def test_an_error_of_the_progress_callback_ends_the_call_and_is_raised_as_it_is(
    tmp_path: Path, backend: AsyncBackend | None
) -> None:
    def stop(progress: Progress) -> None:
        raise Stop(progress)

    images = pictures(tmp_path, range(5))
    with counting_mock(delay=0.05) as mock, pytest.raises(Stop) as stopped:  # not inside an ExceptionGroup
        image_many(mock.base_url, mock.api_key, backend)(images, concurrency=1, on_progress=stop)
    assert stopped.value.args == (Progress(1, 0, 5),)
    assert mock.paths.count(EMBED_PATH) <= 2  # the images not yet started were not sent


@CLIENTS
def test_identical_content_is_sent_once_and_shares_its_result(tmp_path: Path, backend: AsyncBackend | None) -> None:
    first, second = pictures(tmp_path, range(2))
    copy = tmp_path / "copy-of-first.png"
    copy.write_bytes(first.read_bytes())
    same_size_other = tmp_path / "same-size.png"  # as large as `first`, other bytes: hashed, and sent
    same_size_other.write_bytes(bytes(reversed(first.read_bytes())))
    with first.open("rb") as opened:
        files: list[FileInput] = [first, second, copy, first.read_bytes(), opened, str(second), same_size_other]
        with counting_mock() as mock:
            results = image_many(mock.base_url, mock.api_key, backend)(files)
    assert mock.paths.count(EMBED_PATH) == 3  # first, second, and the reversed bytes (a 400 from the mock)
    assert results[0] is results[2] is results[3] is results[4]
    assert results[1] is results[5]
    assert results[0] is not results[1]
    assert isinstance(results[6], MemoriesError)


@CLIENTS
def test_no_more_requests_are_in_flight_than_the_concurrency(tmp_path: Path, backend: AsyncBackend | None) -> None:
    images = pictures(tmp_path, range(7))
    with counting_mock(delay=0.15) as mock:
        results = image_many(mock.base_url, mock.api_key, backend)(images, concurrency=3)
    assert all(isinstance(result, ImageEmbeddingResponse) for result in results)
    assert mock.most_in_flight == 3
    assert mock.paths.count(EMBED_PATH) == 7


def test_an_unseekable_stream_is_read_once_and_sent_whole(tmp_path: Path) -> None:
    content = encode(scene(3, (64, 48)))
    (image,) = pictures(tmp_path, range(3, 4))
    with counting_mock() as mock, Memories(mock.api_key, base_url=mock.base_url) as client:
        from_pipe, from_path = client.embeddings.image_many(
            [io.BufferedReader(Pipe(content)), image], model="mobileclip"
        )
    assert from_pipe is from_path  # the same content: hashed after reading the pipe, then sent once
    assert mock.paths.count(EMBED_PATH) == 1


@CLIENTS
def test_a_concurrency_below_one_is_refused(backend: AsyncBackend | None) -> None:
    with pytest.raises(ValueError, match="concurrency must be 1 or more"):
        image_many("http://127.0.0.1:9/serve/api/v2", "k", backend)([b"x"], concurrency=0)


@CLIENTS
def test_one_image_in_place_of_a_list_is_refused(tmp_path: Path, backend: AsyncBackend | None) -> None:
    (image,) = pictures(tmp_path, range(1))
    call = image_many("http://127.0.0.1:9/serve/api/v2", "k", backend)
    with image.open("rb") as opened:
        # mypy lets a str and a binary file through: they are iterables of str and of bytes, each a FileInput.
        for one in (str(image), image, image.read_bytes(), opened):
            with pytest.raises(TypeError, match=r"takes a list of images, not one \w+: use image\(\) for one"):
                call(one)


def test_after_a_callback_error_no_other_answer_is_reported() -> None:
    # Four answers that come at the same moment: the callback fails on the first, and never hears of the others
    # (memories embed would write lines after the one that could not be written).
    answered = anyio.Event()
    sending: list[FileInput] = []
    reported: list[int] = []

    async def send(file: FileInput) -> ImageEmbeddingResponse:
        sending.append(file)
        if len(sending) == 4:
            answered.set()
        await answered.wait()
        return ImageEmbeddingResponse.from_dict({"code": 200, "msg": "success", "data": {"embedding": [1.0]}})

    def record(index: int, result: ImageResult) -> None:
        reported.append(index)
        raise Stop(index)

    plan = Plan(groups=[(b"%d" % index, [index]) for index in range(4)])
    with pytest.raises(Stop):
        anyio.run(run_in_tasks, plan, send, 4, record)
    assert len(sending) == 4
    assert len(reported) == 1
