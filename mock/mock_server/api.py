"""The two operations, `embedImage` and `uploadAsset`, behind the checks every request passes first.

Every request is, in order: authenticated (401), rate-limited (429), given its fault (`Prefer: fault=NAME`, else
drawn: a 500/503, or no answer at all), answered as asked by `Prefer: code=NNN` or else processed (its body read and
checked), its answer's body cut off or dripped if that is its fault, and held back for its latency.
"""

import asyncio
import json
import os
from collections.abc import Awaitable, Callable

import anyio.to_thread
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from memories_spec import Operation, load_spec, operations
from mock_server import bodies
from mock_server.assets import Asset, AssetStore
from mock_server.cache import LruCache
from mock_server.controls import RateLimiter, preferred_fault, preferred_status
from mock_server.embeddings import MODEL_DIMENSIONS, Embedder
from mock_server.envelope import JSON, ApiError, error_response, success_body
from mock_server.faults import Fault, FaultInjector, broken_body, no_answer, status_fault
from mock_server.images import DecodedImage, NotAnImage, content_digest, decode, sniff_audio_video
from mock_server.latency import LatencyDrawer
from mock_server.settings import Settings

_CONCURRENT_DECODES = os.cpu_count() or 2
Handler = Callable[[Request, str], Awaitable[Response]]


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
        self._faults = FaultInjector(settings.fault_rate, settings.fault_seed, settings.network_fault_rates)
        self._latency = LatencyDrawer(settings.latency, settings.latency_seed)
        self._limiter = RateLimiter(settings.rate_limit, settings.rate_window) if settings.rate_limit else None

    async def embed_image(self, request: Request) -> Response:
        """POST /embeddings/image: an image, sent as a file or named by asset id, to its embedding."""
        return await self._answer(request, "embedImage", self._embed_image)

    async def upload_asset(self, request: Request) -> Response:
        """POST /upload: store a file for the caller's key and return its asset id."""
        return await self._answer(request, "uploadAsset", self._upload_asset)

    async def _answer(self, request: Request, operation_id: str, handle: Handler) -> Response:
        delay = self._latency.draw(operation_id)
        if delay is None:
            return await self._respond(request, operation_id, handle)
        try:
            response = await self._respond(request, operation_id, handle)
        except ApiError as error:
            response = error_response(error)
        await asyncio.sleep(delay)  # on the event loop: a waiting answer holds no thread
        return response

    async def _respond(self, request: Request, operation_id: str, handle: Handler) -> Response:
        api_key = self._authenticated(request)
        prefer = request.headers.get("prefer")
        status = preferred_status(prefer)
        fault = self._fault(prefer, status is None)
        if isinstance(fault, int):
            raise status_fault(fault)
        if fault is not None and fault.instead_of_the_answer:
            return no_answer(fault)
        if fault is None:
            return self._documented(self.operations[operation_id], status) if status else await handle(request, api_key)
        try:  # the body of whatever the answer is gets cut off or dripped, a refusal's too
            answer = (
                self._documented(self.operations[operation_id], status) if status else await handle(request, api_key)
            )
        except ApiError as error:
            answer = error_response(error)
        return broken_body(fault, answer, self.settings.drip_seconds)

    async def _embed_image(self, request: Request, api_key: str) -> Response:
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

    async def _upload_asset(self, request: Request, api_key: str) -> Response:
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

    def _authenticated(self, request: Request) -> str:
        """The request's key, once it is known and within its rate limit."""
        api_key = request.headers.get("authorization", "")
        if api_key not in self.settings.api_keys:
            raise ApiError(401, "Unauthorized" if api_key else "Unauthorized: the Authorization header is missing")
        if self._limiter is not None and (wait := self._limiter.acquire(api_key)) is not None:
            raise ApiError(429, "Rate limit exceeded", {"Retry-After": str(wait)})
        return api_key

    def _fault(self, prefer: str | None, draw: bool) -> int | Fault | None:
        """The fault `Prefer: fault=NAME` asks for; else, unless `Prefer: code=NNN` asked for an answer, a draw."""
        asked = preferred_fault(prefer)
        if asked is not None:
            return Fault.named(asked)
        return self._faults.draw() if draw else None

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
