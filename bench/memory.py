"""Peak memory of the client uploading a large file, measured in a fresh process of its own.

`python -m bench.memory BASE_URL FILE streamed|whole [sync|httpx|aiohttp]` uploads FILE with the production client
and prints how far the process's peak resident set (VmHWM, reset just before) rose above its resident set during the
upload, in KiB: `streamed` passes the open file (`open_image`), `whole` reads it into memory first, as a naive
caller would (the baseline); `sync` (the default) uploads with a sync call, `httpx` and `aiohttp` with an async one
on that backend.
"""

import asyncio
import io
import sys
from pathlib import Path
from typing import cast

from PIL import Image

from memories_client.api.assets import upload_asset
from memories_client.models import UploadRequest, UploadResponse
from memories_client.types import File
from memories_sdk import create_client, open_image
from memories_sdk.transport import AsyncBackend
from mock_server import DOCUMENTED_TEST_KEY


def status_kib(field: str) -> int:
    """A memory figure of this process from /proc/self/status, in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def reset_peak() -> None:
    """Bring the peak resident set (VmHWM) down to the current one (Linux: `5` into clear_refs)."""
    Path("/proc/self/clear_refs").write_text("5")


async def upload_async(base_url: str, path: Path, backend: AsyncBackend) -> int:
    """The peak growth of an async streamed upload of `path` on `backend`, in KiB."""
    async with create_client(DOCUMENTED_TEST_KEY, base_url=base_url, timeout=300, async_backend=backend) as client:
        small = io.BytesIO()
        Image.new("RGB", (8, 8)).save(small, "PNG")
        small.seek(0)
        await upload_asset.asyncio(client=client, body=UploadRequest(file=File(payload=small, file_name="small.png")))
        reset_peak()
        before = status_kib("VmRSS")
        with open_image(path) as image:
            result = await upload_asset.asyncio(client=client, body=UploadRequest(file=image))
        if not isinstance(result, UploadResponse):
            raise RuntimeError("the mock refused the upload")
        return status_kib("VmHWM") - before


def main() -> int:
    base_url, path, mode = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    way = sys.argv[4] if len(sys.argv) > 4 else "sync"
    if way != "sync":
        if mode != "streamed":
            raise SystemExit("async uploads are measured streamed only")
        print(asyncio.run(upload_async(base_url, path, cast(AsyncBackend, way))))
        return 0
    with create_client(DOCUMENTED_TEST_KEY, base_url=base_url, timeout=300) as client:
        small = io.BytesIO()
        Image.new("RGB", (8, 8)).save(small, "PNG")
        small.seek(0)
        # Connections, imports and caches come before the baseline, so that only the upload is measured.
        upload_asset.sync(client=client, body=UploadRequest(file=File(payload=small, file_name="small.png")))
        reset_peak()
        before = status_kib("VmRSS")
        if mode == "streamed":
            with open_image(path) as image:
                result = upload_asset.sync(client=client, body=UploadRequest(file=image))
        else:
            whole = File(payload=io.BytesIO(path.read_bytes()), file_name=path.name, mime_type="image/bmp")
            result = upload_asset.sync(client=client, body=UploadRequest(file=whole))
        if not isinstance(result, UploadResponse):
            raise RuntimeError("the mock refused the upload")
        print(status_kib("VmHWM") - before)
    return 0


if __name__ == "__main__":
    sys.exit(main())
