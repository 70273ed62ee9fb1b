"""The two operations, `embedImage` and `uploadAsset`, behind the checks every request passes first.

Every request is, in order: authenticated (401), rate-limited (429), answered as asked by
`Prefer: code=NNN`, or failed by fault injection (500/503); only then is its body read and checked.
"""

import json
import os
from collections.abc import Callable

import anyio.to_thread
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from memories_spec import Operation, load_spec, operations
from mock_server import bodies
from mock_server.assets import Asset, AssetStore
from mock_server.cache import LruCache
from mock_server.controls import FaultInjector, RateLimiter, preferred_status
from mock_server.embeddings import MODEL_DIMENSIONS, Embedder
from mock_server.envelope import JSON, ApiError, success_body
from mock_server.images import DecodedImage, NotAnImage, content_digest, decode, sniff_audio_video
from mock_server.settings import Settings

_CONCURRENT_DECODES = os.cpu_count() or 2


class MockApi:
    """The API's behaviour, independent of how it is served."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.operations = operations(load_spec(settings.spec_path))
        self.store = AssetStore(settings.data_dir)
        self._embedder = Embedder()
        self._images: LruCache[str, DecodedImage] = LruCache(1024)
        # A decoded 50-megapixel image can take hundreds of megabytes: decode a few at a time. Requests beyond
        # those wait on the event loop, not in worker threads.
        self._decoding = anyio.CapacityLimiter(_CONCURRENT_DECODES)
        self._faults = FaultInjector(settings.fault_rate, settings.fault_seed)
        self._limiter = RateLimiter(settings.rate_limit, settings.rate_window) if settings.rate_limit else None

    async def embed_image(self, request: Request) -> Response:
        """POST /embeddings/image: an image, sent as a file or named by asset id, to its embedding."""
        api_key, answer = self._admit(request, "embedImage")
        if answer is not None:
            return answer
        content_type = bodies.media_type(request)
        if content_type == bodies.JSON_TYPE:
            payload = await bodies.read_json_object(request, self.settings.max_json_bytes)
            model = _model(bodies.text_field(payload, "model"))
            asset = self._image_asset(api_key, bodies.asset_id_field(payload))
            return await self._embedding(asset.digest, model, lambda: self.store.content(asset))
        if content_type == bodies.MULTIPART_TYPE:
            parts = await bodies.read_parts(request, self.settings.max_upload_bytes)
            model = _model(bodies.text_field(parts, "model"))
            data = bytes(bodies.file_part(parts, "file").data)
            return await self._embedding(content_digest(data), model, lambda: data)
        raise ApiError(415, "Unsupported media type: send multipart/form-data (file, model) or JSON (asset_id, model)")

    async def upload_asset(self, request: Request) -> Response:
        """POST /upload: store a file for the caller's key and return its asset id."""
        api_key, answer = self._admit(request, "uploadAsset")
        if answer is not None:
            return answer
        if bodies.media_type(request) != bodies.MULTIPART_TYPE:
            raise ApiError(415, "Unsupported media type: upload the file as multipart/form-data")
        file = bodies.file_part(await bodies.read_parts(request, self.settings.max_upload_bytes), "file")
        data, filename = bytes(file.data), file.filename or ""
        digest = content_digest(data)
        try:
            media_type = (await self._image(digest, lambda: data)).media_type
        except NotAnImage:
            # The provider's upload also takes video and audio; they cannot be embedded later.
            other = sniff_audio_video(data)
            if other is None:
                raise ApiError(415, "Unsupported file type: upload an image, a video or an audio file") from None
            media_type = other
        if self.store.persistent:  # file writes stay off the event loop
            asset = await run_in_threadpool(self.store.add, api_key, data, digest, media_type, filename)
        else:
            asset = self.store.add(api_key, data, digest, media_type, filename)
        return Response(
            success_body(json.dumps({"asset_id": asset.asset_id}, separators=(",", ":")).encode()), media_type=JSON
        )

    def _admit(self, request: Request, operation_id: str) -> tuple[str, Response | None]:
        api_key = request.headers.get("authorization", "")
        if api_key not in self.settings.api_keys:
            raise ApiError(401, "Unauthorized" if api_key else "Unauthorized: the Authorization header is missing")
        if self._limiter is not None and (wait := self._limiter.acquire(api_key)) is not None:
            raise ApiError(429, "Rate limit exceeded", {"Retry-After": str(wait)})
        status = preferred_status(request.headers.get("prefer"))
        if status is not None:
            return api_key, self._documented(self.operations[operation_id], status)
        fault = self._faults.draw()
        if fault is not None:
            raise ApiError(fault, f"Injected fault ({fault})", {"Retry-After": "1"} if fault == 503 else None)
        return api_key, None

    @staticmethod
    def _documented(operation: Operation, status: int) -> Response:
        documented = operation.responses.get(status)
        if documented is None:
            statuses = ", ".join(str(code) for code in sorted(operation.responses))
            raise ApiError(400, f"Prefer: code must name a documented status of {operation.operation_id}: {statuses}")
        body = json.dumps(documented.body, separators=(",", ":")).encode()
        return Response(body, status, documented.headers, media_type=JSON)

    def _image_asset(self, api_key: str, asset_id: str) -> Asset:
        asset = self.store.get(api_key, asset_id)
        if asset is None:
            raise ApiError(400, "Asset not found")
        if not asset.media_type.startswith("image/"):
            raise ApiError(415, f"Asset {asset_id} is {asset.media_type}: only images can be embedded")
        return asset

    async def _embedding(self, digest: str, model: str, content: Callable[[], bytes]) -> Response:
        # Both input methods end here, so the same content gives the same body, from the cache when it can.
        body = self._embedder.cached_body(digest, model)
        if body is None:
            body = self._embedder.body(await self._image(digest, content), model)
        return Response(body, media_type=JSON)

    async def _image(self, digest: str, content: Callable[[], bytes]) -> DecodedImage:
        # Decoding is the expensive part of a request: done once per content, in a worker thread.
        image = self._images.get(digest)
        if image is None:
            image = await anyio.to_thread.run_sync(self._decode, digest, content, limiter=self._decoding)
            self._images.put(digest, image)
        return image

    def _decode(self, digest: str, content: Callable[[], bytes]) -> DecodedImage:
        return decode(content(), self.settings.max_image_pixels, digest)


def _model(name: str) -> str:
    if name not in MODEL_DIMENSIONS:
        raise ApiError(400, f"Unknown model {name!r}: use one of {', '.join(MODEL_DIMENSIONS)}")
    return name
