"""Where `memories embed` writes: a JSONL file, or a .npy array with its paths; each resumes what it already holds.

A JSONL file gets one line per image as each finishes, in one write, so that a run stopped at any moment leaves
whole lines; a line that does not fit (a full disk) is cut off again. On a second run its embedded paths are
skipped; its error lines are dropped (the file is rewritten whole, then renamed over the old one) so that those
images are tried again and each path keeps one line. A JSONL output that is no regular file (/dev/stdout, a named
pipe) is only written; a .npy file, renamed into place, must be a regular one.
"""

import contextlib
import json
import os
from pathlib import Path
from typing import Any, Protocol

from memories_sdk import npy
from memories_sdk.bulk import ImageResult
from memories_sdk.errors import APIStatusError, MalformedResponseError, MemoriesError


class OutputError(Exception):
    """The output file cannot be resumed or written: a usage error of the command line."""


class Output(Protocol):
    """An output file being filled: the paths it already holds, each new result, and the end."""

    embedded: set[str]

    def add(self, path: str, model: str, result: ImageResult) -> None: ...

    def close(self) -> None: ...


def _holds_a_file(path: Path) -> bool:
    """Whether `path` is a file to resume; a folder is refused, and False for no file or one that is no regular file."""
    if path.is_dir():
        raise OutputError(f"{path} is a folder: --output takes a file")
    return path.is_file()


def error_fields(error: MemoriesError) -> dict[str, Any]:
    """An error as the JSONL error object: HTTP status and API code when there were any, and a message."""
    status = error.status_code if isinstance(error, APIStatusError | MalformedResponseError) else None
    code = error.code if isinstance(error, APIStatusError) else None
    msg = error.msg if isinstance(error, APIStatusError) and error.msg is not None else str(error)
    return {"status": status, "code": code, "msg": msg}


class JsonlOutput:
    """One JSON line per image: `{"path", "model", "embedding"}` or `{"path", "model", "error"}`."""

    def __init__(self, path: Path, model: str) -> None:
        self.path = path
        self.embedded: set[str] = set()
        try:
            if _holds_a_file(path):
                self._resume(model)
            # Unbuffered: each line goes out in the write of `add`, and one that fails leaves nothing to flush later.
            self._file = path.open("ab", buffering=0)
        except OSError as error:
            raise OutputError(f"cannot write {path}: {error.strerror or error}") from error

    def add(self, path: str, model: str, result: ImageResult) -> None:
        record: dict[str, Any] = {"path": path, "model": model}
        if isinstance(result, MemoriesError):
            record["error"] = error_fields(result)
        else:
            record["embedding"] = result.data.embedding
            self.embedded.add(path)
        # ASCII: a file name that is no UTF-8 (a surrogate escape) is written as \udcXX, and read back the same.
        line = memoryview(json.dumps(record, separators=(",", ":")).encode() + b"\n")
        # Where the file ends, not the offset: after a failed write the offset is past the end the truncation left.
        end = self._file.seek(0, os.SEEK_END) if self._file.seekable() else None
        try:
            while line:
                line = line[self._file.write(line) :]
        except OSError as error:  # a full disk, say: the part of this line that was written is cut off again
            if end is not None:
                with contextlib.suppress(OSError):  # else the next run drops the partial line
                    self._file.truncate(end)
            raise OutputError(f"cannot write {self.path}: {error.strerror or error}") from error

    def close(self) -> None:
        self._file.close()

    def _resume(self, model: str) -> None:
        must_rewrite = False
        with self.path.open("rb") as existing:
            for number, line in enumerate(existing, 1):
                if not line.endswith(b"\n"):  # the last write of a run that was killed: retried
                    must_rewrite = True
                    continue
                record = self._record(line, number, model)
                if "embedding" in record:
                    self.embedded.add(record["path"])
                else:
                    must_rewrite = True
        if must_rewrite:
            self._rewrite(model)

    def _record(self, line: bytes, number: int, model: str) -> dict[str, Any]:
        try:
            record = json.loads(line)
        except ValueError:
            record = None
        if (
            not isinstance(record, dict)
            or not isinstance(record.get("path"), str)
            or not isinstance(record.get("model"), str)
            or not (isinstance(record.get("embedding"), list) or isinstance(record.get("error"), dict))
        ):
            raise OutputError(f"line {number} of {self.path} is no line of `memories embed`: not touching the file")
        if record["model"] != model:
            raise OutputError(f"{self.path} holds {record['model']} embeddings: choose another --output for {model}")
        return record

    def _rewrite(self, model: str) -> None:
        """Keep only the embedding lines, atomically: the file is complete before and after."""
        partial = self.path.with_name(self.path.name + ".partial")
        with self.path.open("rb") as existing, partial.open("wb") as kept:
            for number, line in enumerate(existing, 1):
                if line.endswith(b"\n") and "embedding" in self._record(line, number, model):
                    kept.write(line)
        partial.replace(self.path)


class NpyOutput:
    """An N x D float32 array (`path`, for numpy.load) and its N paths and model (`<stem>.paths.json`).

    Written whole at the end, and on Ctrl-C; failures are not in it (the command reports them on stderr).
    """

    def __init__(self, path: Path, model: str) -> None:
        self.path = path
        self.paths_file = path.with_name(path.stem + ".paths.json")
        self.model = model
        self.values = npy.float32_rows()
        self.width = 0
        self.paths: list[str] = []
        for target in (path, self.paths_file):  # fail now, not after the work
            try:
                if not target.parent.is_dir():
                    raise OutputError(f"cannot write {target}: no folder {target.parent}")
                if not _holds_a_file(target) and target.exists():
                    raise OutputError(f"cannot write {target}: it must be a regular file (written whole, then renamed)")
            except OSError as error:  # a folder that cannot be searched
                raise OutputError(f"cannot write {target}: {error.strerror or error}") from error
        if path.exists() or self.paths_file.exists():
            self._resume()
        self.embedded = set(self.paths)

    def add(self, path: str, model: str, result: ImageResult) -> None:
        if isinstance(result, MemoriesError):
            return
        vector = result.data.embedding
        if self.width and len(vector) != self.width:  # cannot happen with one model: refused rather than mixed
            raise OutputError(f"{path} got {len(vector)} dimensions where {self.path} has {self.width}")
        self.width = len(vector)
        self.values.extend(vector)
        self.paths.append(path)
        self.embedded.add(path)

    def close(self) -> None:
        partial = self.paths_file.with_name(self.paths_file.name + ".partial")
        try:
            npy.write(self.path, self.values, self.width)
            partial.write_text(json.dumps({"model": self.model, "paths": self.paths}), "utf-8")
            partial.replace(self.paths_file)
        except OSError as error:
            raise OutputError(f"cannot write {self.path}: {error.strerror or error}") from error

    def _resume(self) -> None:
        if not (self.path.exists() and self.paths_file.exists()):
            raise OutputError(f"{self.path} and {self.paths_file} go together: one of them is missing")
        try:
            self.values, rows, self.width = npy.decode(self.path.read_bytes())
            listing = json.loads(self.paths_file.read_text("utf-8"))
        except (OSError, ValueError) as error:  # NpyFormatError and JSONDecodeError are ValueErrors
            raise OutputError(f"{self.path} cannot be resumed: {error}") from error
        paths = listing.get("paths") if isinstance(listing, dict) else None
        if not isinstance(paths, list) or not all(isinstance(path, str) for path in paths) or len(paths) != rows:
            raise OutputError(f"{self.paths_file} does not list the {rows} paths of {self.path}")
        if listing.get("model") != self.model:
            raise OutputError(f"{self.path} holds {listing.get('model')} embeddings: choose another --output")
        self.paths = paths
