"""`memories`, the command line: `memories embed PATH... --model M --output FILE`."""

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import get_args

from tqdm import tqdm

from memories_client.models import EmbeddingModel, ImageEmbeddingResponse
from memories_sdk.bulk import ImageResult, plan_requests, run_in_tasks
from memories_sdk.errors import ConfigurationError, MemoriesError
from memories_sdk.files import IMAGE_TYPES, FileInput
from memories_sdk.memories import AsyncMemories
from memories_sdk.outputs import JsonlOutput, NpyOutput, Output, OutputError, error_fields
from memories_sdk.transport import ASYNC_BACKENDS, AsyncBackend

MODELS: tuple[EmbeddingModel, ...] = get_args(EmbeddingModel)
SUFFIXES = " ".join(sorted(IMAGE_TYPES))
# 128 + SIGINT, as shells report a program that Ctrl-C stopped.
INTERRUPTED = 130

DESCRIPTION = "The memories.ai image-embedding API from the command line."
EPILOG = """\
The API key comes from MEMORIES_API_KEY (never from an option, which `ps` would show); the base URL from
--base-url or MEMORIES_BASE_URL (default: production). Proxies come from HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and
NO_PROXY, as httpx reads them. `memories embed --help` says more."""
EMBED_DESCRIPTION = f"""\
Embed images and write their vectors to a file. Each PATH is an image file, sent whatever its
name, or a folder, searched with its subfolders for {SUFFIXES} files.
Images with identical content are sent once (each embedding is billed). Failed requests are
retried (connection errors, 408, 429, 5xx) before they count as failed."""
EMBED_EPILOG = """\
output (--format, by default npy when FILE ends in .npy, else jsonl):
  jsonl  one line per image, written as each finishes:
           {"path": "photos/a.jpg", "model": "mobileclip", "embedding": [0.01, ...]}
           {"path": "photos/b.png", "model": "mobileclip", "error": {"status": 415, "code": 415, "msg": "..."}}
  npy    FILE holds an N x D float32 array (numpy.load(FILE)), and FILE's name with .paths.json instead of .npy
         holds {"model": ..., "paths": [...]}, row by row; written at the end. Failures are only reported on
         stderr.

resume: when FILE exists, the images it already holds are skipped and the others added; images that failed
  are tried again, and their error lines dropped. Ctrl-C stops at once and leaves FILE valid: run the same
  command again to go on. A FILE of another model is refused.

progress: a bar on stderr, with rate, time left and failures, when stderr is a terminal; each failure and a
  summary are printed on stderr in any case.

exit status: 0 every image embedded, 1 some failed, 2 usage error (an option, no MEMORIES_API_KEY, a PATH that
  does not exist or holds no image, a FILE that cannot be resumed or written), 130 interrupted by Ctrl-C.

example:
  MEMORIES_API_KEY=sk-... memories embed photos/ --model multimodalembedding@001 --output vectors.jsonl"""


class UsageError(Exception):
    """A mistake in the command: one line on stderr, exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    """The `memories` parser and its `embed` command."""
    parser = argparse.ArgumentParser(
        prog="memories", description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    embed = commands.add_parser(
        "embed",
        help="embed image files and folders into a JSONL or .npy file",
        description=EMBED_DESCRIPTION,
        epilog=EMBED_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    embed.add_argument("paths", nargs="+", metavar="PATH", help="an image file, or a folder of images")
    embed.add_argument("--model", required=True, choices=MODELS, help="the embedding model (fixes the vector length)")
    embed.add_argument("--output", required=True, type=Path, metavar="FILE", help="the file to write or resume")
    embed.add_argument("--format", choices=("jsonl", "npy"), help="the output's format (see below)")
    embed.add_argument(
        "--concurrency", type=_positive, default=8, metavar="N", help="requests in flight at once (default: 8)"
    )
    embed.add_argument(
        "--base-url", metavar="URL", help="the API's base URL (default: MEMORIES_BASE_URL, else production)"
    )
    embed.add_argument(
        "--async-backend",
        choices=ASYNC_BACKENDS,
        default="httpx",
        help="the connection pool: aiohttp (pip install 'memories-sdk[aiohttp]') keeps its pace at a high concurrency",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run `memories` with `argv` (default: the process's arguments); returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return embed(
            args.paths, args.model, args.output, args.format, args.concurrency, args.base_url, args.async_backend
        )
    except UsageError as error:
        print(f"memories embed: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # before the requests (searching folders, reading FILE): nothing was written yet
        print("memories: interrupted", file=sys.stderr)
        return INTERRUPTED


def embed(
    paths: Sequence[str],
    model: EmbeddingModel,
    output_path: Path,
    output_format: str | None,
    concurrency: int,
    base_url: str | None,
    async_backend: AsyncBackend,
) -> int:
    """`memories embed`: the exit status."""
    images = find_images(paths)
    if not os.environ.get("MEMORIES_API_KEY", "").strip():  # create_client's message names its api_key= too
        raise UsageError("no API key: set MEMORIES_API_KEY")
    try:
        client = AsyncMemories(base_url=base_url, async_backend=async_backend)
    except ConfigurationError as error:
        raise UsageError(str(error)) from None
    try:
        output = open_output(output_path, output_format, model)
    except OutputError as error:
        raise UsageError(str(error)) from None
    todo = [image for image in images if image not in output.embedded]
    run = Run(todo, model, output, skipped=len(images) - len(todo))
    interrupted = False
    try:
        try:
            asyncio.run(run.send(client, concurrency))
        except KeyboardInterrupt:
            interrupted = True
        finally:
            run.progress.close()
            output.close()
    except OutputError as error:  # the output could not be written: what it already holds is whole
        raise UsageError(str(error)) from None
    print(run.summary(output_path, interrupted), file=sys.stderr)
    if interrupted:
        return INTERRUPTED
    return 1 if run.failed else 0


def find_images(paths: Sequence[str]) -> list[str]:
    """The files named, and the image files in the folders named, each once, in the order given (folders sorted).

    Each path is normalised (`./photos/`, `photos//sub/..` and `photos` name the same files), so that a second run
    finds in the output the paths the first one wrote, however the folder was typed.
    """
    found: dict[str, None] = {}
    for given in paths:
        if os.path.isdir(given):
            for folder, subfolders, names in os.walk(given):
                subfolders.sort()
                found.update(
                    (os.path.normpath(os.path.join(folder, name)), None)
                    for name in sorted(names)
                    if Path(name).suffix.lower() in IMAGE_TYPES
                )
        elif os.path.exists(given):
            found[os.path.normpath(given)] = None
        else:
            raise UsageError(f"{given}: no such file or folder")
    if not found:
        raise UsageError(f"no image in {', '.join(paths)} (looked for {SUFFIXES})")
    return list(found)


def open_output(path: Path, output_format: str | None, model: EmbeddingModel) -> Output:
    """The output to write, resumed if it exists."""
    if (output_format or ("npy" if path.suffix == ".npy" else "jsonl")) == "npy":
        return NpyOutput(path, model)
    return JsonlOutput(path, model)


class Run:
    """One `memories embed`: what is left to send, the progress bar, and the counts for the summary."""

    def __init__(self, todo: list[str], model: EmbeddingModel, output: Output, skipped: int) -> None:
        self.todo = todo
        self.model = model
        self.output = output
        self.skipped = skipped
        self.embedded = self.failed = 0
        self.progress = tqdm(
            total=len(todo), unit="img", file=sys.stderr, disable=not sys.stderr.isatty(), dynamic_ncols=True
        )

    async def send(self, client: AsyncMemories, concurrency: int) -> None:
        inputs: list[FileInput] = list(self.todo)
        async with client:

            async def embed_one(file: FileInput) -> ImageEmbeddingResponse:
                return await client.embeddings.image(file=file, model=self.model)

            plan = await asyncio.to_thread(plan_requests, inputs)
            await run_in_tasks(plan, embed_one, concurrency, self.record)

    def record(self, index: int, result: ImageResult) -> None:
        path = self.todo[index]
        self.output.add(path, self.model, result)
        if isinstance(result, MemoriesError):
            self.failed += 1
            fields = error_fields(result)
            status = f"HTTP {fields['status']}: " if fields["status"] is not None else ""
            self.progress.write(f"memories: {path}: {status}{fields['msg']}", file=sys.stderr)
            self.progress.set_postfix(failed=self.failed, refresh=False)
        else:
            self.embedded += 1
        self.progress.update(1)

    def summary(self, output_path: Path, interrupted: bool) -> str:
        line = f"memories: {self.embedded} embedded, {self.failed} failed"
        if self.skipped:
            line += f", {self.skipped} already in {output_path}"
        if interrupted:
            line += f"; interrupted with {len(self.todo) - self.embedded - self.failed} left: run again to resume"
        return line


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of 1 or more, not {value!r}")
    return number
