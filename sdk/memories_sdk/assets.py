"""`client.assets`: POST /upload, a file stored for later use by its asset id."""

from memories_client import AuthenticatedClient
from memories_client.api.assets import upload_asset
from memories_client.models import UploadRequest, UploadResponse
from memories_sdk.files import FileInput, upload_file
from memories_sdk.raw import RawResponse, raw_response


class AssetsWithRawResponse:
    """`client.assets.with_raw_response`: the same calls, returning the status, headers and body too."""

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    def upload(self, *, file: FileInput) -> RawResponse[UploadResponse]:
        """Store `file`; the answer as it came."""
        with upload_file(file) as upload:
            response = upload_asset.sync_detailed(client=self._client, body=UploadRequest(file=upload))
        return raw_response(response, UploadResponse)


class Assets:
    """`client.assets`: files stored for later use (`embeddings.image(asset_id=...)`). Uploads are free."""

    def __init__(self, client: AuthenticatedClient) -> None:
        self.with_raw_response = AssetsWithRawResponse(client)

    def upload(self, *, file: FileInput) -> UploadResponse:
        """Store `file` (a path, bytes or a binary file); `.data.asset_id` names it."""
        return self.with_raw_response.upload(file=file).parse()


class AsyncAssetsWithRawResponse:
    """`client.assets.with_raw_response` of AsyncMemories: the same calls, with the status, headers and body."""

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    async def upload(self, *, file: FileInput) -> RawResponse[UploadResponse]:
        """Store `file`; the answer as it came."""
        with upload_file(file) as upload:
            response = await upload_asset.asyncio_detailed(client=self._client, body=UploadRequest(file=upload))
        return raw_response(response, UploadResponse)


class AsyncAssets:
    """`client.assets` of AsyncMemories: files stored for later use (`embeddings.image(asset_id=...)`)."""

    def __init__(self, client: AuthenticatedClient) -> None:
        self.with_raw_response = AsyncAssetsWithRawResponse(client)

    async def upload(self, *, file: FileInput) -> UploadResponse:
        """Store `file` (a path, bytes or a binary file); `.data.asset_id` names it."""
        return (await self.with_raw_response.upload(file=file)).parse()
