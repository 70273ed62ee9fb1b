"""Images to send, streamed from disk."""

import mimetypes
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from memories_client.types import File


@contextmanager
def open_image(path: str | os.PathLike[str]) -> Iterator[File]:
    """The image at `path` as a `File` for the generated models, with its name and media type.

    httpx reads it in 64 KiB chunks while sending, and again from the start on a retry, so a large file is
    never held in memory.
    """
    image = Path(path)
    with image.open("rb") as handle:
        yield File(payload=handle, file_name=image.name, mime_type=mimetypes.guess_type(image.name)[0])
