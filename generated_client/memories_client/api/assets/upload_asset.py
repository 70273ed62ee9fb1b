from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.upload_request import UploadRequest
from ...models.upload_response import UploadResponse
from ...types import Response


def _get_kwargs(
    *,
    body: UploadRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/upload",
    }

    _kwargs["files"] = body.to_multipart()

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | UploadResponse | None:
    if response.status_code == 200:
        response_200 = UploadResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorEnvelope.from_dict(response.json())

        return response_401

    if response.status_code == 402:
        response_402 = ErrorEnvelope.from_dict(response.json())

        return response_402

    if response.status_code == 403:
        response_403 = ErrorEnvelope.from_dict(response.json())

        return response_403

    if response.status_code == 409:
        response_409 = ErrorEnvelope.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = ErrorEnvelope.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = ErrorEnvelope.from_dict(response.json())

        return response_415

    if response.status_code == 429:
        response_429 = ErrorEnvelope.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = ErrorEnvelope.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = ErrorEnvelope.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorEnvelope | UploadResponse]:
    status_code: HTTPStatus | int
    try:
        status_code = HTTPStatus(response.status_code)
    except ValueError:
        status_code = response.status_code
    try:
        parsed = _parse_response(client=client, response=response)
    except errors.UnexpectedStatus:
        raise
    except Exception as error:
        raise errors.MalformedResponse(response.status_code, response.content) from error
    return Response(
        status_code=status_code,
        content=response.content,
        headers=response.headers,
        parsed=parsed,
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: UploadRequest,
) -> Response[ErrorEnvelope | UploadResponse]:
    """Upload a file as an asset

     Stores a file and returns its `asset_id` (`re_<digits>`), which `POST /embeddings/image` accepts in
    place of the file. Images (JPEG, PNG, GIF, WebP, BMP, TIFF) can be embedded; the provider's upload
    also
    takes video and audio, which this embedding endpoint cannot use.

    An asset belongs to the API key that uploaded it. Uploads are free.

    Args:
        body (UploadRequest): The file to store.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | UploadResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: UploadRequest,
) -> ErrorEnvelope | UploadResponse | None:
    """Upload a file as an asset

     Stores a file and returns its `asset_id` (`re_<digits>`), which `POST /embeddings/image` accepts in
    place of the file. Images (JPEG, PNG, GIF, WebP, BMP, TIFF) can be embedded; the provider's upload
    also
    takes video and audio, which this embedding endpoint cannot use.

    An asset belongs to the API key that uploaded it. Uploads are free.

    Args:
        body (UploadRequest): The file to store.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | UploadResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: UploadRequest,
) -> Response[ErrorEnvelope | UploadResponse]:
    """Upload a file as an asset

     Stores a file and returns its `asset_id` (`re_<digits>`), which `POST /embeddings/image` accepts in
    place of the file. Images (JPEG, PNG, GIF, WebP, BMP, TIFF) can be embedded; the provider's upload
    also
    takes video and audio, which this embedding endpoint cannot use.

    An asset belongs to the API key that uploaded it. Uploads are free.

    Args:
        body (UploadRequest): The file to store.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | UploadResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: UploadRequest,
) -> ErrorEnvelope | UploadResponse | None:
    """Upload a file as an asset

     Stores a file and returns its `asset_id` (`re_<digits>`), which `POST /embeddings/image` accepts in
    place of the file. Images (JPEG, PNG, GIF, WebP, BMP, TIFF) can be embedded; the provider's upload
    also
    takes video and audio, which this embedding endpoint cannot use.

    An asset belongs to the API key that uploaded it. Uploads are free.

    Args:
        body (UploadRequest): The file to store.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | UploadResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
