from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.image_embedding_asset_request import ImageEmbeddingAssetRequest
from ...models.image_embedding_file_request import ImageEmbeddingFileRequest
from ...models.image_embedding_response import ImageEmbeddingResponse
from ...types import Response


def _get_kwargs(
    *,
    body: ImageEmbeddingFileRequest | ImageEmbeddingAssetRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/embeddings/image",
    }

    if isinstance(body, ImageEmbeddingFileRequest):
        _kwargs["files"] = body.to_multipart()

    if isinstance(body, ImageEmbeddingAssetRequest):
        _kwargs["json"] = body.to_dict()

        headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | ImageEmbeddingResponse | None:
    if response.status_code == 200:
        response_200 = ImageEmbeddingResponse.from_dict(response.json())

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
) -> Response[ErrorEnvelope | ImageEmbeddingResponse]:
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
    body: ImageEmbeddingFileRequest | ImageEmbeddingAssetRequest,
) -> Response[ErrorEnvelope | ImageEmbeddingResponse]:
    """Generate an image embedding

     Returns the embedding vector of one image, synchronously.

    Send the image itself as `multipart/form-data` (`file` and `model`), or reference an image uploaded
    earlier with `POST /upload` as `application/json` (`asset_id` and `model`).

    The vector length depends on the model: 1408 for `multimodalembedding@001`, 512 for `mobileclip`.
    Do not hard-code it; the provider says dimensions vary by model.

    Supported image formats: JPEG, PNG, GIF, WebP, BMP, TIFF. The maximum file size varies by
    deployment;
    expect 413 for a body over the limit.

    Costs $0.0001 per image.

    Args:
        body (ImageEmbeddingFileRequest): An image sent with the request (method 1,
            `multipart/form-data`).
        body (ImageEmbeddingAssetRequest): An image uploaded earlier, named by its asset id
            (method 2, `application/json`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | ImageEmbeddingResponse]
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
    body: ImageEmbeddingFileRequest | ImageEmbeddingAssetRequest,
) -> ErrorEnvelope | ImageEmbeddingResponse | None:
    """Generate an image embedding

     Returns the embedding vector of one image, synchronously.

    Send the image itself as `multipart/form-data` (`file` and `model`), or reference an image uploaded
    earlier with `POST /upload` as `application/json` (`asset_id` and `model`).

    The vector length depends on the model: 1408 for `multimodalembedding@001`, 512 for `mobileclip`.
    Do not hard-code it; the provider says dimensions vary by model.

    Supported image formats: JPEG, PNG, GIF, WebP, BMP, TIFF. The maximum file size varies by
    deployment;
    expect 413 for a body over the limit.

    Costs $0.0001 per image.

    Args:
        body (ImageEmbeddingFileRequest): An image sent with the request (method 1,
            `multipart/form-data`).
        body (ImageEmbeddingAssetRequest): An image uploaded earlier, named by its asset id
            (method 2, `application/json`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | ImageEmbeddingResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: ImageEmbeddingFileRequest | ImageEmbeddingAssetRequest,
) -> Response[ErrorEnvelope | ImageEmbeddingResponse]:
    """Generate an image embedding

     Returns the embedding vector of one image, synchronously.

    Send the image itself as `multipart/form-data` (`file` and `model`), or reference an image uploaded
    earlier with `POST /upload` as `application/json` (`asset_id` and `model`).

    The vector length depends on the model: 1408 for `multimodalembedding@001`, 512 for `mobileclip`.
    Do not hard-code it; the provider says dimensions vary by model.

    Supported image formats: JPEG, PNG, GIF, WebP, BMP, TIFF. The maximum file size varies by
    deployment;
    expect 413 for a body over the limit.

    Costs $0.0001 per image.

    Args:
        body (ImageEmbeddingFileRequest): An image sent with the request (method 1,
            `multipart/form-data`).
        body (ImageEmbeddingAssetRequest): An image uploaded earlier, named by its asset id
            (method 2, `application/json`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | ImageEmbeddingResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: ImageEmbeddingFileRequest | ImageEmbeddingAssetRequest,
) -> ErrorEnvelope | ImageEmbeddingResponse | None:
    """Generate an image embedding

     Returns the embedding vector of one image, synchronously.

    Send the image itself as `multipart/form-data` (`file` and `model`), or reference an image uploaded
    earlier with `POST /upload` as `application/json` (`asset_id` and `model`).

    The vector length depends on the model: 1408 for `multimodalembedding@001`, 512 for `mobileclip`.
    Do not hard-code it; the provider says dimensions vary by model.

    Supported image formats: JPEG, PNG, GIF, WebP, BMP, TIFF. The maximum file size varies by
    deployment;
    expect 413 for a body over the limit.

    Costs $0.0001 per image.

    Args:
        body (ImageEmbeddingFileRequest): An image sent with the request (method 1,
            `multipart/form-data`).
        body (ImageEmbeddingAssetRequest): An image uploaded earlier, named by its asset id
            (method 2, `application/json`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | ImageEmbeddingResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
