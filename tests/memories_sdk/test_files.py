"""Files go out streamed from disk, in chunks, and whole again on each retry, sync and on both async backends."""

import asyncio
import io
import json
import random
from pathlib import Path

from memories_client.api.assets import upload_asset
from memories_client.models import UploadRequest, UploadResponse
from memories_client.types import File
from memories_sdk import RetryPolicy, create_client, open_image
from memories_sdk.transport import AsyncBackend
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
