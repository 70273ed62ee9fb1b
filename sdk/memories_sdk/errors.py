"""Every error the SDK raises derives from `MemoriesError`:

    MemoriesError
    ├── ConfigurationError              no API key given, none in MEMORIES_API_KEY; a malformed base URL or proxy
    ├── FileReadError                   the image to send cannot be read (missing, a folder, not permitted)
    ├── APIConnectionError              no answer, after the retries (the cause is the httpx error)
    │   └── APITimeoutError
    ├── MalformedResponseError          an answer that breaks the contract: not JSON, fields missing or mistyped
    └── APIStatusError                  an error status, with .status_code, .code, .msg and the raw .body
        ├── BadRequestError             400 (also "Asset not found", and some rate limits)
        ├── AuthenticationError         401
        ├── InsufficientCreditsError    402
        ├── PermissionDeniedError       403
        ├── ConflictError               409
        ├── PayloadTooLargeError        413
        ├── UnsupportedMediaTypeError   415
        ├── RateLimitError              429, with .retry_after
        ├── InternalServerError         500 and any other 5xx (502, 504, a CDN's 520...)
        │   └── ServiceUnavailableError 503
        └── UnexpectedStatusError       any other status the API does not document (404, 499...)

Messages name the request's method and URL, never its headers: the API key does not appear in them.
"""

from collections.abc import Mapping

import httpx

from memories_sdk.retries import retry_after


class MemoriesError(Exception):
    """The base of every error the SDK raises."""


class ConfigurationError(MemoriesError):
    """The client cannot be created as asked."""


class FileReadError(MemoriesError):
    """The image to send cannot be read; `filename` names it, the OSError is the cause."""

    def __init__(self, filename: str, error: OSError) -> None:
        super().__init__(f"cannot read {filename}: {error.strerror or error}")
        self.filename = filename


class APIConnectionError(MemoriesError):
    """The request got no answer: connection refused or reset, DNS failure, protocol error."""

    def __init__(self, message: str, request: httpx.Request) -> None:
        super().__init__(message)
        self.request = request


class APITimeoutError(APIConnectionError):
    """The request timed out."""


class MalformedResponseError(MemoriesError):
    """The server answered something the contract does not allow."""

    def __init__(self, reason: str, response: httpx.Response) -> None:
        request = response.request
        super().__init__(f"{reason} (HTTP {response.status_code} from {request.method} {request.url})")
        self.reason = reason
        self.status_code = response.status_code
        try:
            self.body = response.content
        except httpx.ResponseNotRead:  # the body could not be read or decoded
            self.body = b""


class APIStatusError(MemoriesError):
    """The API answered with an error status."""

    def __init__(self, response: httpx.Response, code: int | str | None, msg: str | None) -> None:
        request = response.request
        summary = msg if msg is not None else response.reason_phrase or "no message"
        super().__init__(f"HTTP {response.status_code} {summary} ({request.method} {request.url})")
        self.status_code = response.status_code
        self.code = code
        self.msg = msg
        self.body = response.content
        self.headers = response.headers


class BadRequestError(APIStatusError):
    """400: invalid request parameters, an unknown asset, an undecodable image."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing, invalid or expired."""


class InsufficientCreditsError(APIStatusError):
    """402: insufficient balance or credits."""


class PermissionDeniedError(APIStatusError):
    """403: the account is disabled or the IP is not allowed."""


class ConflictError(APIStatusError):
    """409: conflict or duplicate request."""


class PayloadTooLargeError(APIStatusError):
    """413: the body is over the deployment's limit."""


class UnsupportedMediaTypeError(APIStatusError):
    """415: the content type or the file's format is not supported."""


class RateLimitError(APIStatusError):
    """429: rate limit exceeded; `retry_after` is the wait the server asked for, in seconds, if any."""

    def __init__(self, response: httpx.Response, code: int | str | None, msg: str | None) -> None:
        super().__init__(response, code, msg)
        self.retry_after = retry_after(response.headers)


class InternalServerError(APIStatusError):
    """5xx: the server failed."""


class ServiceUnavailableError(InternalServerError):
    """503: the service is temporarily unavailable."""


class UnexpectedStatusError(APIStatusError):
    """A status the API does not document."""


_BY_STATUS: Mapping[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: InsufficientCreditsError,
    403: PermissionDeniedError,
    409: ConflictError,
    413: PayloadTooLargeError,
    415: UnsupportedMediaTypeError,
    429: RateLimitError,
    500: InternalServerError,
    503: ServiceUnavailableError,
}
DOCUMENTED_ERROR_STATUSES = frozenset(_BY_STATUS)


def status_error(response: httpx.Response, code: int | str | None, msg: str | None) -> APIStatusError:
    """The exception for an error status."""
    status = response.status_code
    error_class = _BY_STATUS.get(status) or (InternalServerError if status >= 500 else UnexpectedStatusError)
    return error_class(response, code, msg)
