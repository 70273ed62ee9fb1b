"""Load from a separate process: wrk, with Lua scripts that send the two measured requests."""

import io
import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from mock_server import DOCUMENTED_TEST_KEY

BOUNDARY = "memoriesbench7MA4YWxkTrZu0gW"
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@dataclass(frozen=True)
class LoadResult:
    """What wrk measured."""

    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


def photo_jpeg(target_bytes: int = 12_000) -> bytes:
    """A photo-like JPEG of about `target_bytes` (a gradient with noise), the same on every run."""
    generator = np.random.default_rng(12)
    height, width = 140, 180
    pixels = generator.random((height, width, 3)) * 70 + np.linspace(0, 170, width)[None, :, None]
    buffer = io.BytesIO()
    Image.fromarray(pixels.astype(np.uint8)).save(buffer, "JPEG", quality=90)
    data = buffer.getvalue()
    if not 0.5 * target_bytes < len(data) < 1.5 * target_bytes:
        raise RuntimeError(f"the sample photo is {len(data)} bytes, far from {target_bytes}")
    return data


def multipart_body(image: bytes) -> bytes:
    """The upload request's body: one `file` part."""
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="photo.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    )
    return head.encode() + image + f"\r\n--{BOUNDARY}--\r\n".encode()


def script(folder: Path, name: str, body: bytes, content_type: str) -> Path:
    """A wrk Lua script sending POST `body` with the key and `content_type`."""
    body_path = folder / f"{name}.body"
    body_path.write_bytes(body)
    lua = (
        f'local f = io.open("{body_path}", "rb")\n'
        'wrk.method = "POST"\n'
        'wrk.body = f:read("*all")\n'
        "f:close()\n"
        f'wrk.headers["Authorization"] = "{DOCUMENTED_TEST_KEY}"\n'
        f'wrk.headers["Content-Type"] = "{content_type}"\n'
    )
    path = folder / f"{name}.lua"
    path.write_text(lua)
    return path


def json_script(folder: Path, request: dict[str, str]) -> Path:
    return script(folder, f"json-{request['asset_id']}", json.dumps(request).encode(), "application/json")


def multipart_script(folder: Path, photo: bytes) -> Path:
    return script(folder, "multipart", multipart_body(photo), f"multipart/form-data; boundary={BOUNDARY}")


def run_wrk(url: str, lua: Path, connections: int, seconds: float) -> LoadResult:
    """One wrk run (one thread: the server needs the other core)."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(lua), url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return parse_wrk(output)


def parse_wrk(output: str) -> LoadResult:
    """The figures in wrk's report."""

    def latency(percentile: str) -> float:
        found = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", output, flags=re.MULTILINE)
        if found is None:
            raise ValueError(f"no {percentile}% latency in wrk's output:\n{output}")
        return float(found.group(1)) * _UNITS[found.group(2)]

    rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, flags=re.MULTILINE)
    if rate is None:
        raise ValueError(f"no Requests/sec in wrk's output:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = int(non_2xx.group(1)) if non_2xx else 0
    errors += sum(int(count) for count in sockets.groups()) if sockets else 0
    return LoadResult(float(rate.group(1)), latency("50"), latency("99"), errors)
