"""Files go out streamed from disk, in chunks, and whole again on each retry, sync and on both async backends."""

import asyncio
import io
import json
import random
from pathlib import Path

import pytest

from memories_client.api.assets import upload_asset
from memories_client.models import UploadRequest, UploadResponse
from memories_client.types import File
from memories_sdk import RetryPolicy, create_client, open_image
from memories_sdk.files import IMAGE_TYPES, upload_file
from memories_sdk.transport import AsyncBackend
from memories_spec import accepted_image_types
from tests.memories_sdk.conftest import Scripted, ScriptedServer

UPLOADED = json.dumps({"code": 200, "msg": "success", "data": {"asset_id": "re_77"}}).encode()


class RecordingReader(io.FileIO):
    """A file that remembers how much each read asked for."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, "rb")
        self.reads: list[int] = []

    def read(self, size: int | None = -1) -> bytes:
        self.reads.append(-1 if size is None else size)
        return super().read(size)


def test_open_image_names_the_file_and_guesses_its_type(tmp_path: Path) -> None:
    image = tmp_path / "photo.JPG"
    image.write_bytes(b"\xff\xd8\xff")
    with open_image(image) as file:
        assert (file.file_name, file.mime_type) == ("photo.JPG", "image/jpeg")
        assert isinstance(file.payload, io.BufferedReader)
    assert file.payload.closed


def test_a_large_file_is_read_in_chunks_and_resent_whole_from_disk(
    scripted: ScriptedServer, retry: RetryPolicy, tmp_path: Path
) -> None:
    path = tmp_path / "large.tiff"
    path.write_bytes(random.Random(0).randbytes(3 * 1024 * 1024))
    scripted.script = [Scripted(503), Scripted(502, b"<html>bad gateway</html>"), Scripted(200, UPLOADED)]
    with create_client("k", base_url=scripted.base_url, retry=retry) as client, RecordingReader(path) as reader:
        result = upload_asset.sync(client=client, body=UploadRequest(file=File(payload=reader, file_name="l.tiff")))
    assert isinstance(result, UploadResponse)
    assert result.data.asset_id == "re_77"
    assert reader.reads
    assert all(0 < size <= 64 * 1024 for size in reader.reads)  # never the whole file at once
    assert len(scripted.bodies) == 3
    assert all(body == scripted.bodies[0] for body in scripted.bodies)  # whole on every attempt
    assert path.read_bytes() in scripted.bodies[0]


def test_the_image_suffixes_name_the_formats_the_spec_accepts() -> None:
    assert sorted(set(IMAGE_TYPES.values())) == sorted(accepted_image_types())
    assert all(suffix == suffix.lower() and suffix.startswith(".") for suffix in IMAGE_TYPES)


SAMPLES = sorted(path for path in (Path(__file__).parents[2] / "samples").iterdir() if path.suffix != ".py")


@pytest.mark.parametrize("sample", SAMPLES, ids=[sample.name for sample in SAMPLES])
def test_bytes_are_named_after_their_format(sample: Path) -> None:
    with upload_file(sample.read_bytes()) as from_bytes, upload_file(sample) as from_path:
        assert from_bytes.file_name == "image" + IMAGE_TYPES_BY_TYPE[str(from_path.mime_type)]
        assert from_bytes.mime_type == from_path.mime_type == IMAGE_TYPES[sample.suffix.lower()]
        assert from_bytes.payload.read() == from_path.payload.read() == sample.read_bytes()


IMAGE_TYPES_BY_TYPE = {"image/jpeg": ".jpg", "image/tiff": ".tif"} | {
    media_type: suffix for suffix, media_type in IMAGE_TYPES.items() if media_type not in ("image/jpeg", "image/tiff")
}


def test_an_open_file_keeps_its_name_and_unknown_bytes_get_none() -> None:
    with io.BytesIO(b"\x00\x01 no known signature") as unnamed, upload_file(unnamed) as sent:
        assert (sent.file_name, sent.mime_type) == ("image", None)
    with open(SAMPLES[0], "rb") as named, upload_file(named) as sent:
        assert sent.file_name == SAMPLES[0].name
        assert sent.payload is named  # sent from the caller's file, rewound by httpx on each attempt


def test_async_uploads_are_read_in_chunks_and_resent_whole_on_both_backends(
    scripted: ScriptedServer, retry: RetryPolicy, tmp_path: Path, async_backend: AsyncBackend
) -> None:
    path = tmp_path / "large.tiff"
    path.write_bytes(random.Random(1).randbytes(3 * 1024 * 1024))
    scripted.script = [Scripted(503), Scripted(502, b"<html>bad gateway</html>"), Scripted(200, UPLOADED)]

    async def upload(reader: RecordingReader) -> object:
        async with create_client("k", base_url=scripted.base_url, retry=retry, async_backend=async_backend) as client:
            return await upload_asset.asyncio(
                client=client, body=UploadRequest(file=File(payload=reader, file_name="l.tiff"))
            )

    with RecordingReader(path) as reader:
        result = asyncio.run(upload(reader))
    assert isinstance(result, UploadResponse)
    assert reader.reads
    assert all(0 < size <= 64 * 1024 for size in reader.reads)
    assert len(scripted.bodies) == 3
    assert all(body == scripted.bodies[0] for body in scripted.bodies)
    assert path.read_bytes() in scripted.bodies[0]
