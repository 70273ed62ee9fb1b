"""Images to send: a path (streamed from disk), bytes or an open binary file, as the generated models take them."""

import hashlib
import io
import mimetypes
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TypeAlias

from memories_client.types import File
from memories_sdk.errors import FileReadError

FileInput: TypeAlias = str | os.PathLike[str] | bytes | BinaryIO
"""What `file=` takes: a path (str or PathLike), the image's bytes, or a file opened in binary mode."""

# The formats the API embeds (openapi.yaml's `encoding` of `file`; tests/memories_sdk/test_files.py holds this to it),
# by file suffix: what `memories embed` looks for in folders, and the media type a part gets.
IMAGE_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".bmp": "image/bmp",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
}
# Signatures of those formats, for bytes and files that come without a name: (prefix, suffix).
_SIGNATURES = (
    (b"\xff\xd8\xff", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", ".png"),
    (b"GIF87a", ".gif"),
    (b"GIF89a", ".gif"),
    (b"BM", ".bmp"),
    (b"II*\x00", ".tif"),
    (b"MM\x00*", ".tif"),
)
_CHUNK = 64 * 1024


def media_type(name: str) -> str | None:
    """The media type a file name suggests: the image formats' own, else the platform's guess."""
    return IMAGE_TYPES.get(Path(name).suffix.lower()) or mimetypes.guess_type(name)[0]


@contextmanager
def open_image(path: str | os.PathLike[str]) -> Iterator[File]:
    """The image at `path` as a `File` for the generated models, with its name and media type.

    httpx reads it in 64 KiB chunks while sending, and again from the start on a retry, so a large file is
    never held in memory.
    """
    image = Path(path)
    with image.open("rb") as handle:
        yield File(payload=handle, file_name=_sendable(image.name), mime_type=media_type(image.name))


@contextmanager
def upload_file(file: FileInput) -> Iterator[File]:
    """`file` as a `File` for one request; any OSError reading it, then or while it is sent, is a FileReadError."""
    try:
        if isinstance(file, str | os.PathLike):
            with open_image(file) as opened:
                yield opened
        elif isinstance(file, bytes):
            yield _named(io.BytesIO(file), file[:16])
        elif file.seekable():  # httpx rewinds it before each attempt
            start = file.tell()
            head = file.read(16)
            file.seek(start)
            yield _named(file, head, getattr(file, "name", None))
        else:  # a pipe cannot be sent again on a retry: its content is read first
            content = file.read()
            yield _named(io.BytesIO(content), content[:16], getattr(file, "name", None))
    except OSError as error:
        raise FileReadError(describe(file), error) from error


def content_digest(file: FileInput) -> tuple[str, FileInput]:
    """The SHA-256 of `file`'s content, and `file` as it can still be sent (a pipe's content read into bytes)."""
    digest = hashlib.sha256()
    try:
        if isinstance(file, bytes):
            digest.update(file)
        elif isinstance(file, str | os.PathLike):
            with open(file, "rb") as handle:
                while chunk := handle.read(_CHUNK):
                    digest.update(chunk)
        elif file.seekable():
            start = file.tell()
            while chunk := file.read(_CHUNK):
                digest.update(chunk)
            file.seek(start)
        else:
            file = file.read()
            digest.update(file)
    except OSError as error:
        raise FileReadError(describe(file), error) from error
    return digest.hexdigest(), file


def _named(payload: BinaryIO, head: bytes, name: object = None) -> File:
    if isinstance(name, str) and Path(name).name:
        file_name = _sendable(Path(name).name)
    else:  # bytes, or a stream without a name: named after its format, so that the server sees a usual upload
        suffix = next((suffix for prefix, suffix in _SIGNATURES if head.startswith(prefix)), None)
        if suffix is None and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            suffix = ".webp"
        file_name = f"image{suffix or ''}"
    return File(payload=payload, file_name=file_name, mime_type=media_type(file_name))


def _sendable(name: str) -> str:
    """`name` as UTF-8 can carry it: a byte no encoding decodes (a surrogate escape) becomes U+FFFD."""
    return os.fsencode(name).decode("utf-8", "replace")


def describe(file: FileInput) -> str:
    """How an error message names `file`."""
    if isinstance(file, str | os.PathLike):
        return os.fspath(file)
    return "the image's bytes" if isinstance(file, bytes) else repr(getattr(file, "name", "the file object"))
