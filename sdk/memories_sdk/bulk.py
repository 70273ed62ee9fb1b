"""Many images in one call: identical content sent once, bounded concurrency, each input's own result or error.

Before any request, the inputs are grouped by content: only inputs of the same size are hashed, so that most are
never read twice. Each group is one request; its result (or typed error) becomes the result of every input in it.
"""

import io
import os
from collections.abc import Awaitable, Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import TypeAlias

import anyio

from memories_client.models import ImageEmbeddingResponse
from memories_sdk.errors import FileReadError, MemoriesError
from memories_sdk.files import FileInput, content_digest, describe

ImageResult: TypeAlias = ImageEmbeddingResponse | MemoriesError
"""The outcome of one input of `image_many`: its embedding, or the typed error that stopped it."""
ResultCallback: TypeAlias = Callable[[int, ImageResult], None]


@dataclass(frozen=True)
class Progress:
    """How far an `image_many` call is: inputs finished (the failed ones included), failed, and all."""

    completed: int
    failed: int
    total: int


@dataclass
class Plan:
    """The requests to send, each with the indexes of the inputs that share its content, and unreadable inputs."""

    groups: list[tuple[FileInput, list[int]]] = field(default_factory=list)
    unreadable: list[tuple[int, FileReadError]] = field(default_factory=list)


def plan_requests(files: Sequence[FileInput]) -> Plan:
    """Group `files` by content, reading only those whose size another one shares."""
    plan = Plan()
    by_size: dict[int, list[int]] = {}
    sendable: dict[int, FileInput] = {}
    for index, file in enumerate(files):
        try:
            size, sendable[index] = _sized(file)
        except FileReadError as error:
            plan.unreadable.append((index, error))
        else:
            by_size.setdefault(size, []).append(index)
    groups: dict[object, tuple[FileInput, list[int]]] = {}
    for size, indexes in by_size.items():
        for index in indexes:
            key: object = (size, index)
            if len(indexes) > 1:
                try:
                    digest, sendable[index] = content_digest(sendable[index])
                except FileReadError as error:
                    plan.unreadable.append((index, error))
                    continue
                key = digest
            groups.setdefault(key, (sendable[index], []))[1].append(index)
    plan.groups = sorted(groups.values(), key=lambda group: group[1][0])  # in input order
    return plan


def _sized(file: FileInput) -> tuple[int, FileInput]:
    """The size of `file`'s content, and `file` as it can be sent more than once (a pipe's content read)."""
    try:
        if isinstance(file, bytes):
            return len(file), file
        if isinstance(file, str | os.PathLike):
            return os.stat(file).st_size, file
        if not file.seekable():
            content = file.read()
            return len(content), content
        start = file.tell()
        end = file.seek(0, os.SEEK_END)
        file.seek(start)
        return end - start, file
    except OSError as error:
        raise FileReadError(describe(file), error) from error


class Collector:
    """The results of an `image_many` call as they come, and its progress callback."""

    def __init__(self, total: int, on_progress: Callable[[Progress], object] | None) -> None:
        self._results: dict[int, ImageResult] = {}
        self._progress = Progress(0, 0, total)
        self._on_progress = on_progress

    def record(self, index: int, result: ImageResult) -> None:
        """Keep the result of input `index`, and report the step."""
        self._results[index] = result
        progress = self._progress
        self._progress = Progress(
            progress.completed + 1, progress.failed + isinstance(result, MemoriesError), progress.total
        )
        if self._on_progress is not None:
            self._on_progress(self._progress)

    def results(self) -> list[ImageResult]:
        """Every input's result, in input order."""
        return [self._results[index] for index in range(self._progress.total)]


def start(
    files: Iterable[FileInput], concurrency: int, on_progress: Callable[[Progress], object] | None
) -> tuple[list[FileInput], Collector]:
    """The inputs of an `image_many` call, and the collector of their results; arguments that cannot work refused.

    One path, bytes or file given in place of a list is refused: a str is an iterable of characters, and a binary
    file one of lines, that would each be taken for an image.
    """
    if isinstance(files, str | bytes | os.PathLike | io.IOBase):
        raise TypeError(f"image_many() takes a list of images, not one {type(files).__name__}: use image() for one")
    if concurrency < 1:
        raise ValueError(f"concurrency must be 1 or more, not {concurrency}")
    inputs = list(files)
    return inputs, Collector(len(inputs), on_progress)


def run_in_threads(
    plan: Plan, send: Callable[[FileInput], ImageEmbeddingResponse], concurrency: int, on_result: ResultCallback
) -> None:
    """Send the plan's requests from `concurrency` threads; `on_result` runs in the calling thread."""
    for index, error in plan.unreadable:
        on_result(index, error)
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="memories") as pool:
        futures: dict[Future[ImageResult], list[int]] = {
            pool.submit(_outcome, send, file): indexes for file, indexes in plan.groups
        }
        try:
            for future in as_completed(futures):
                result = future.result()
                for index in futures[future]:
                    on_result(index, result)
        except BaseException:  # Ctrl-C, or a callback's error: the requests not yet started are not sent
            pool.shutdown(wait=False, cancel_futures=True)
            raise


async def run_in_tasks(
    plan: Plan,
    send: Callable[[FileInput], Awaitable[ImageEmbeddingResponse]],
    concurrency: int,
    on_result: ResultCallback,
) -> None:
    """Send the plan's requests from `concurrency` tasks; cancelling the call cancels those in flight."""
    for index, error in plan.unreadable:
        on_result(index, error)
    waiting = iter(plan.groups)
    failures: list[Exception] = []

    async def worker() -> None:
        try:
            for file, indexes in waiting:  # one iterator for all workers: each group is taken once
                try:
                    result: ImageResult = await send(file)
                except MemoriesError as error:
                    result = error
                if failures:  # answers that came with the failing one: the call has ended, as in run_in_threads
                    return
                for index in indexes:
                    on_result(index, result)
        except Exception as error:  # a callback's (or a bug's): it ends the call, as in run_in_threads
            failures.append(error)
            workers.cancel_scope.cancel()

    async with anyio.create_task_group() as workers:
        for _ in range(min(concurrency, len(plan.groups))):
            workers.start_soon(worker)
    if failures:  # raised as it is, not inside the ExceptionGroup a task group would wrap it in
        raise failures[0]


def _outcome(send: Callable[[FileInput], ImageEmbeddingResponse], file: FileInput) -> ImageResult:
    try:
        return send(file)
    except MemoriesError as error:
        return error
