"""NumPy's .npy format (version 1.0), for the one array `memories embed --format npy` writes: N x D float32.

Written and read here rather than with NumPy, which memories-sdk does not otherwise need: the format is a magic
string, a Python-literal header padded to 64 bytes, and the raw little-endian values
(https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html). tests/memories_sdk/test_npy.py reads
what this writes with numpy.load, and the reverse.
"""

import ast
import struct
import sys
from array import array
from pathlib import Path

_MAGIC = b"\x93NUMPY\x01\x00"
_ALIGNMENT = 64


class NpyFormatError(ValueError):
    """A file that is no 2-D little-endian float32 .npy array."""


def float32_rows() -> "array[float]":
    """An empty buffer of float32 values, for rows to append."""
    return array("f")


def encode(values: "array[float]", width: int) -> bytes:
    """The .npy file of `values` (a row-major float32 buffer) as rows of `width`."""
    rows = len(values) // width if width else 0
    header = repr({"descr": "<f4", "fortran_order": False, "shape": (rows, width)}).encode("latin1")
    padding = -(len(_MAGIC) + 2 + len(header) + 1) % _ALIGNMENT
    header += b" " * padding + b"\n"
    data = values if sys.byteorder == "little" else _swapped(values)
    return _MAGIC + struct.pack("<H", len(header)) + header + data.tobytes()


def decode(content: bytes) -> tuple["array[float]", int, int]:
    """The values, rows and width of a .npy file of a 2-D float32 array (as `encode` and numpy.save write it)."""
    if not content.startswith(_MAGIC) or len(content) < len(_MAGIC) + 2:
        raise NpyFormatError("not a version 1.0 .npy file")
    (header_length,) = struct.unpack_from("<H", content, len(_MAGIC))
    start = len(_MAGIC) + 2 + header_length
    try:
        header = ast.literal_eval(content[len(_MAGIC) + 2 : start].decode("latin1"))
    except (ValueError, SyntaxError) as error:
        raise NpyFormatError("the .npy header cannot be read") from error
    shape = header.get("shape") if isinstance(header, dict) else None
    if (
        not isinstance(header, dict)
        or header.get("descr") != "<f4"
        or header.get("fortran_order") is not False
        or not isinstance(shape, tuple)
        or len(shape) != 2
        or not all(isinstance(size, int) and size >= 0 for size in shape)
    ):
        raise NpyFormatError("not a 2-D little-endian float32 array")
    rows, width = shape
    values = array("f")
    values.frombytes(content[start : start + 4 * rows * width])
    if len(values) != rows * width:
        raise NpyFormatError(f"the file holds fewer values than its shape {shape} says")
    return (values if sys.byteorder == "little" else _swapped(values)), rows, width


def write(path: Path, values: "array[float]", width: int) -> None:
    """Write `values` to `path` whole or not at all (a temporary file, then renamed over it)."""
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(encode(values, width))
    partial.replace(path)


def _swapped(values: "array[float]") -> "array[float]":
    copy = array("f", values)
    copy.byteswap()
    return copy
