"""The hand-written .npy format against NumPy's own reader and writer."""

import io
import random
from array import array

import numpy as np
import pytest

from memories_sdk import npy


@pytest.mark.parametrize(("rows", "width"), [(3, 512), (1, 1408), (0, 0), (7, 5)])
def test_numpy_reads_what_is_written(rows: int, width: int) -> None:
    generator = random.Random(rows * 1000 + width)
    values = array("f", (generator.uniform(-1, 1) for _ in range(rows * width)))
    loaded = np.load(io.BytesIO(npy.encode(values, width)))
    assert (loaded.dtype, loaded.shape) == (np.dtype("<f4"), (rows, width))
    assert loaded.tobytes() == values.tobytes()


@pytest.mark.parametrize("shape", [(2, 3), (0, 4)])
def test_what_numpy_writes_is_read(shape: tuple[int, int]) -> None:
    written = np.arange(shape[0] * shape[1], dtype="<f4").reshape(shape)
    buffer = io.BytesIO()
    np.save(buffer, written)
    values, rows, width = npy.decode(buffer.getvalue())
    assert (rows, width) == shape
    assert list(values) == written.ravel().tolist()


def test_the_header_is_padded_to_64_bytes() -> None:
    content = npy.encode(array("f", [1.0, 2.0]), 2)
    header_length = int.from_bytes(content[8:10], "little")
    assert (10 + header_length) % 64 == 0
    assert content[10 + header_length - 1 : 10 + header_length] == b"\n"


@pytest.mark.parametrize(
    "written",
    [
        np.zeros((2, 3), dtype="<f8"),
        np.zeros((2, 3), dtype=">f4"),
        np.zeros(3, dtype="<f4"),
        np.zeros((2, 3), dtype="<f4", order="F"),
    ],
    ids=["float64", "big-endian", "1-D", "fortran-order"],
)
def test_other_arrays_are_refused(written: np.ndarray) -> None:
    buffer = io.BytesIO()
    np.save(buffer, written)
    with pytest.raises(npy.NpyFormatError):
        npy.decode(buffer.getvalue())


@pytest.mark.parametrize("content", [b"", b"not npy at all", npy.encode(array("f", [1.0, 2.0]), 2)[:-4]])
def test_a_file_that_is_no_npy_or_cut_short_is_refused(content: bytes) -> None:
    with pytest.raises(npy.NpyFormatError):
        npy.decode(content)
