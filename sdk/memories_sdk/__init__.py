"""The production layer over the generated `memories_client`: retries, typed errors, strict parsing.

from memories_sdk import create_client
from memories_client.api.embeddings import embed_image

client = create_client()  # MEMORIES_API_KEY, MEMORIES_BASE_URL
result = embed_image.sync(client=client, body=...)
"""

from memories_sdk.client import DEFAULT_BASE_URL, DEFAULT_TIMEOUT, create_client
from memories_sdk.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    InsufficientCreditsError,
    InternalServerError,
    MalformedResponseError,
    MemoriesError,
    PayloadTooLargeError,
    PermissionDeniedError,
    RateLimitError,
    ServiceUnavailableError,
    UnexpectedStatusError,
    UnsupportedMediaTypeError,
)
from memories_sdk.files import open_image
from memories_sdk.retries import RetryPolicy
from memories_sdk.transport import MemoriesTransport

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_TIMEOUT",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "InsufficientCreditsError",
    "InternalServerError",
    "MalformedResponseError",
    "MemoriesError",
    "MemoriesTransport",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "RateLimitError",
    "RetryPolicy",
    "ServiceUnavailableError",
    "UnexpectedStatusError",
    "UnsupportedMediaTypeError",
    "create_client",
    "open_image",
]
