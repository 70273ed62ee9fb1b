"""`client.embeddings`: POST /embeddings/image, for one image (by file or by asset id) or many."""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import overload

import anyio

from memories_client import AuthenticatedClient
from memories_client.api.embeddings import embed_image
from memories_client.models import (
    EmbeddingModel,
    ImageEmbeddingAssetRequest,
    ImageEmbeddingFileRequest,
    ImageEmbeddingResponse,
)
from memories_sdk.bulk import ImageResult, Progress, plan_requests, run_in_tasks, run_in_threads, start
from memories_sdk.files import FileInput, upload_file
from memories_sdk.raw import RawResponse, raw_response

ProgressCallback = Callable[[Progress], object]


@contextmanager
def image_request(
    file: FileInput | None, asset_id: str | None, model: EmbeddingModel
) -> Iterator[ImageEmbeddingFileRequest | ImageEmbeddingAssetRequest]:
    """The generated request body for exactly one of `file` and `asset_id`; a file stays open while it is sent."""
    if file is not None and asset_id is not None:
        raise TypeError("embeddings.image() takes file= or asset_id=, not both")
    if asset_id is not None:
        yield ImageEmbeddingAssetRequest(asset_id=asset_id, model=model)
    elif file is not None:
        with upload_file(file) as upload:
            yield ImageEmbeddingFileRequest(file=upload, model=model)
    else:
        raise TypeError("embeddings.image() needs file= or asset_id=")


class EmbeddingsWithRawResponse:
    """`client.embeddings.with_raw_response`: the same calls, returning the status, headers and body too."""

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    @overload
    def image(self, *, file: FileInput, model: EmbeddingModel) -> RawResponse[ImageEmbeddingResponse]: ...
    @overload
    def image(self, *, asset_id: str, model: EmbeddingModel) -> RawResponse[ImageEmbeddingResponse]: ...
    def image(
        self, *, file: FileInput | None = None, asset_id: str | None = None, model: EmbeddingModel
    ) -> RawResponse[ImageEmbeddingResponse]:
        """Embed one image, sent as `file` or uploaded earlier as `asset_id`; the answer as it came."""
        return self._image(file, asset_id, model)

    def _image(
        self, file: FileInput | None, asset_id: str | None, model: EmbeddingModel
    ) -> RawResponse[ImageEmbeddingResponse]:
        with image_request(file, asset_id, model) as body:
            return raw_response(embed_image.sync_detailed(client=self._client, body=body), ImageEmbeddingResponse)


class Embeddings:
    """`client.embeddings`: vector embeddings of images."""

    def __init__(self, client: AuthenticatedClient) -> None:
        self.with_raw_response = EmbeddingsWithRawResponse(client)

    @overload
    def image(self, *, file: FileInput, model: EmbeddingModel) -> ImageEmbeddingResponse: ...
    @overload
    def image(self, *, asset_id: str, model: EmbeddingModel) -> ImageEmbeddingResponse: ...
    def image(
        self, *, file: FileInput | None = None, asset_id: str | None = None, model: EmbeddingModel
    ) -> ImageEmbeddingResponse:
        """Embed one image, sent as `file` (a path, bytes or a binary file) or uploaded earlier as `asset_id`."""
        return self.with_raw_response._image(file, asset_id, model).parse()

    def image_many(
        self,
        files: Iterable[FileInput],
        *,
        model: EmbeddingModel,
        concurrency: int = 8,
        on_progress: ProgressCallback | None = None,
    ) -> list[ImageResult]:
        """Embed many images, `concurrency` at a time: each input's response, or its typed error, in input order.

        Inputs with identical content are sent once and share one result. `on_progress` is called in this thread
        after each input finishes.
        """
        inputs, collector = start(files, concurrency, on_progress)
        send = self.with_raw_response._image
        run_in_threads(
            plan_requests(inputs), lambda file: send(file, None, model).parse(), concurrency, collector.record
        )
        return collector.results()


class AsyncEmbeddingsWithRawResponse:
    """`client.embeddings.with_raw_response` of AsyncMemories: the same calls, with the status, headers and body."""

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    @overload
    async def image(self, *, file: FileInput, model: EmbeddingModel) -> RawResponse[ImageEmbeddingResponse]: ...
    @overload
    async def image(self, *, asset_id: str, model: EmbeddingModel) -> RawResponse[ImageEmbeddingResponse]: ...
    async def image(
        self, *, file: FileInput | None = None, asset_id: str | None = None, model: EmbeddingModel
    ) -> RawResponse[ImageEmbeddingResponse]:
        """Embed one image, sent as `file` or uploaded earlier as `asset_id`; the answer as it came."""
        return await self._image(file, asset_id, model)

    async def _image(
        self, file: FileInput | None, asset_id: str | None, model: EmbeddingModel
    ) -> RawResponse[ImageEmbeddingResponse]:
        with image_request(file, asset_id, model) as body:
            response = await embed_image.asyncio_detailed(client=self._client, body=body)
        return raw_response(response, ImageEmbeddingResponse)


class AsyncEmbeddings:
    """`client.embeddings` of AsyncMemories: vector embeddings of images."""

    def __init__(self, client: AuthenticatedClient) -> None:
        self.with_raw_response = AsyncEmbeddingsWithRawResponse(client)

    @overload
    async def image(self, *, file: FileInput, model: EmbeddingModel) -> ImageEmbeddingResponse: ...
    @overload
    async def image(self, *, asset_id: str, model: EmbeddingModel) -> ImageEmbeddingResponse: ...
    async def image(
        self, *, file: FileInput | None = None, asset_id: str | None = None, model: EmbeddingModel
    ) -> ImageEmbeddingResponse:
        """Embed one image, sent as `file` (a path, bytes or a binary file) or uploaded earlier as `asset_id`."""
        return (await self.with_raw_response._image(file, asset_id, model)).parse()

    async def image_many(
        self,
        files: Iterable[FileInput],
        *,
        model: EmbeddingModel,
        concurrency: int = 8,
        on_progress: ProgressCallback | None = None,
    ) -> list[ImageResult]:
        """Embed many images, `concurrency` at a time: each input's response, or its typed error, in input order.

        Inputs with identical content are sent once and share one result. `on_progress` is called after each
        input finishes.
        """
        inputs, collector = start(files, concurrency, on_progress)
        plan = await anyio.to_thread.run_sync(plan_requests, inputs)  # reads files that share a size
        send = self.with_raw_response._image

        async def embed(file: FileInput) -> ImageEmbeddingResponse:
            return (await send(file, None, model)).parse()

        await run_in_tasks(plan, embed, concurrency, collector.record)
        return collector.results()
