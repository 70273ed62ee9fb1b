"""An independent deployment of the API, small and on another stack (aiohttp): what `make mutants` holds
`memories-conformance` to besides the mock. It must pass, and each deployment mutant (a patch of one function
here, `contract_tests/deployment_mutants.py`) must fail the probe of the fact it breaks.

It is written apart from `mock_server` and imports nothing of this repository (ARCHITECTURE.md's table, enforced),
so that the conformance tool cannot lean on the mock's quirks: its facts are restated here from the provider's
documentation, as any deployment's own code states them.

`python -m contract_tests.deployment --port 0 --api-key KEY [--api-key KEY2]` prints its base URL on stdout, then
serves until stopped.
"""

import argparse
import hashlib
import io
import itertools
import json
import logging
import re
import socket
import sys
from collections.abc import Awaitable, Callable
from functools import cache
from typing import Any

import numpy as np
from aiohttp import web
from aiohttp.http_exceptions import BadHttpMessage
from PIL import Image, UnidentifiedImageError

BASE_PATH = "/serve/api/v2"
ANNOUNCEMENT = "serving the independent deployment at {url}"
# The provider's documented vector lengths: Google's multimodalembedding@001 and Apple's MobileCLIP.
MODELS = {"multimodalembedding@001": 1408, "mobileclip": 512}
# JPEG, PNG, GIF, WebP, BMP and TIFF, by Pillow's names (a multi-picture JPEG opens as MPO).
FORMATS = frozenset({"JPEG", "MPO", "PNG", "GIF", "WEBP", "BMP", "TIFF"})
ASSET_ID = re.compile(r"re_[0-9]+")
MAX_BODY_BYTES = 32 * 1024 * 1024
THUMBNAIL = (12, 12)

logger = logging.getLogger("deployment")


class Refusal(Exception):
    """A request the API refuses: its status and the envelope's `msg`."""

    def __init__(self, status: int, msg: str) -> None:
        super().__init__(msg)
        self.status = status
        self.msg = msg


def envelope(status: int, msg: str, data: Any = None) -> dict[str, Any]:
    """The body of every answer: `code` is the status."""
    return {"code": status, "msg": msg, "data": data, "success": status == 200, "failed": status != 200}


def answer(status: int, msg: str, data: Any = None, headers: Any = None) -> web.Response:
    return web.Response(
        status=status, text=json.dumps(envelope(status, msg, data)), content_type="application/json", headers=headers
    )


def authenticate(request: web.Request, keys: frozenset[str]) -> str:
    """The caller's key, which must be one of `keys` (the raw key, no `Bearer`)."""
    key = request.headers.get("Authorization", "")
    if key not in keys:
        raise Refusal(401, "Unauthorized")
    return key


def known_model(model: object) -> str:
    """`model`, if it names a model of this API."""
    if not isinstance(model, str) or model not in MODELS:
        raise Refusal(400, f"Unknown model {model!r}")
    return model


def decode(data: bytes) -> Image.Image:
    """The picture in `data`: 400 if empty or broken, 415 if no image of an accepted format."""
    if not data:
        raise Refusal(400, "Empty file")
    try:
        image = Image.open(io.BytesIO(data))
    except UnidentifiedImageError:
        raise Refusal(415, "Unsupported file type: send a JPEG, PNG, GIF, WebP, BMP or TIFF image") from None
    except (OSError, ValueError, Image.DecompressionBombError):
        raise Refusal(400, "Invalid image") from None
    if image.format not in FORMATS:
        raise Refusal(415, f"Unsupported image format {image.format}")
    try:
        image.load()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise Refusal(400, "Invalid image: the file is truncated or corrupt") from None
    return image


def features(image: Image.Image) -> np.ndarray[Any, np.dtype[np.float64]]:
    """What the picture shows, roughly: a small thumbnail's layout and its colour."""
    thumbnail = image.convert("RGB").resize(THUMBNAIL, Image.Resampling.BOX)
    pixels = np.asarray(thumbnail, dtype=np.float64) / 255.0
    means = pixels.mean(axis=(0, 1))
    return np.concatenate([(pixels - means).ravel(), means - 0.5, [1e-3]])


@cache
def _projection(model: str, width: int) -> np.ndarray[Any, np.dtype[np.float64]]:
    seed = int.from_bytes(hashlib.sha256(model.encode()).digest()[:8], "big")
    return np.random.default_rng(seed).standard_normal((MODELS[model], width))


def embed(picture: np.ndarray[Any, np.dtype[np.float64]], model: str) -> list[float]:
    """A unit vector of the model's length: a fixed random projection of the features, which keeps their angles."""
    vector = _projection(model, len(picture)) @ picture
    return [float(value) for value in vector / np.linalg.norm(vector)]


class Store:
    """Uploaded files, each owned by the key that uploaded it."""

    def __init__(self) -> None:
        self._files: dict[str, tuple[str, bytes]] = {}
        self._numbers = itertools.count(660_727_003_963_174_912)

    def add(self, key: str, content: bytes) -> str:
        asset_id = f"re_{next(self._numbers)}"
        self._files[asset_id] = (key, content)
        return asset_id

    def get(self, key: str, asset_id: str) -> bytes | None:
        owner, content = self._files.get(asset_id, ("", b""))
        return content if owner == key else None


async def _form(request: web.Request) -> tuple[bytes | None, object]:
    """The `file` and `model` fields of a multipart body."""
    try:
        form = await request.post()
    except (ValueError, BadHttpMessage):  # BadHttpMessage: a part's headers do not parse
        raise Refusal(400, "Malformed multipart body") from None
    file, model = form.get("file"), form.get("model")
    if isinstance(file, web.FileField):
        return file.file.read(), model
    return (file.encode() if isinstance(file, str) else None), model


async def _json(request: web.Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.read())
    except (ValueError, RecursionError):
        raise Refusal(400, "Invalid JSON body") from None
    if not isinstance(body, dict):
        raise Refusal(400, "The JSON body must be an object")
    return body


class Api:
    """The two operations."""

    def __init__(self, keys: frozenset[str]) -> None:
        self.keys = keys
        self.store = Store()

    def asset(self, key: str, asset_id: object) -> bytes:
        """The content of an asset the caller uploaded."""
        if not isinstance(asset_id, str) or not ASSET_ID.fullmatch(asset_id):
            raise Refusal(400, "Invalid request parameters: asset_id")
        content = self.store.get(key, asset_id)
        if content is None:
            raise Refusal(400, "Asset not found")
        return content

    async def embed_image(self, request: web.Request) -> web.Response:
        key = authenticate(request, self.keys)
        if request.content_type == "multipart/form-data":
            content, field = await _form(request)
            if content is None:
                raise Refusal(400, "Invalid request parameters: file")
            model = known_model(field)
        elif request.content_type == "application/json":
            body = await _json(request)
            model = known_model(body.get("model"))
            content = self.asset(key, body.get("asset_id"))
        else:
            raise Refusal(415, "Unsupported media type")
        return answer(200, "success", {"embedding": embed(features(decode(content)), model)})

    async def upload(self, request: web.Request) -> web.Response:
        key = authenticate(request, self.keys)
        if request.content_type != "multipart/form-data":
            raise Refusal(415, "Unsupported media type")
        content, _ = await _form(request)
        if content is None:
            raise Refusal(400, "Invalid request parameters: file")
        decode(content)  # only images can be embedded later
        return answer(200, "success", {"asset_id": self.store.add(key, content)})


@web.middleware
async def envelopes(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> Any:
    """Every refusal, aiohttp's own (404, 405 with Allow, 413) included, in the envelope; a crash as a 500."""
    try:
        return await handler(request)
    except Refusal as refusal:
        return answer(refusal.status, refusal.msg)
    except web.HTTPException as refusal:
        headers = {name: value for name, value in refusal.headers.items() if name.lower() == "allow"}
        return answer(refusal.status, refusal.reason, headers=headers)
    except Exception:
        logger.exception("unexpected error in %s %s", request.method, request.path)
        return answer(500, "Internal server error")


def create_app(keys: frozenset[str]) -> web.Application:
    """The deployment's application, accepting `keys`."""
    api = Api(keys)
    app = web.Application(middlewares=[envelopes], client_max_size=MAX_BODY_BYTES)
    app.router.add_post(f"{BASE_PATH}/embeddings/image", api.embed_image)
    app.router.add_post(f"{BASE_PATH}/upload", api.upload)
    return app


def main(argv: list[str] | None = None) -> int:
    """Serve on 127.0.0.1 until stopped, the base URL printed first."""
    parser = argparse.ArgumentParser(prog="python -m contract_tests.deployment", description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--api-key", action="append", dest="keys", required=True, metavar="KEY")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    # aiohttp logs each request it cannot parse; schemathesis sends some on purpose (a NULL byte in a header).
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    listener = socket.create_server(("127.0.0.1", args.port))
    print(ANNOUNCEMENT.format(url=f"http://127.0.0.1:{listener.getsockname()[1]}{BASE_PATH}"), flush=True)
    web.run_app(create_app(frozenset(args.keys)), sock=listener, print=None, access_log=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
