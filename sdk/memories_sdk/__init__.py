"""The memories.ai image-embedding API for Python: one client object, success models returned, typed errors.

from memories_sdk import Memories

client = Memories()  # MEMORIES_API_KEY, MEMORIES_BASE_URL
vector = client.embeddings.image(file="photo.jpg", model="mobileclip").data.embedding

`create_client` is the lower level: the generated client, with the same retries, typed errors and strict parsing,
for the generated operation functions.
"""

from memories_sdk.bulk import Progress
from memories_sdk.client import DEFAULT_BASE_URL, DEFAULT_TIMEOUT, create_client
from memories_sdk.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    FileReadError,
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
from memories_sdk.memories import AsyncMemories, Memories
from memories_sdk.raw import RawResponse
from memories_sdk.retries import RetryPolicy
from memories_sdk.transport import MemoriesTransport

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_TIMEOUT",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncMemories",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "FileReadError",
    "InsufficientCreditsError",
    "InternalServerError",
    "MalformedResponseError",
    "Memories",
    "MemoriesError",
    "MemoriesTransport",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "Progress",
    "RateLimitError",
    "RawResponse",
    "RetryPolicy",
    "ServiceUnavailableError",
    "UnexpectedStatusError",
    "UnsupportedMediaTypeError",
    "create_client",
    "open_image",
]
