"""The provider's response envelope: `code` (equal to the HTTP status), `msg`, `data`, `success`, `failed`."""

import json
from collections.abc import Mapping
from http import HTTPStatus

from starlette.responses import Response

JSON = "application/json"

# The messages the provider's pages show, where they show one.
STANDARD_MESSAGES: Mapping[int, str] = {
    400: "Invalid request parameters",
    401: "Unauthorized",
    402: "Insufficient balance",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Duplicate request",
    413: "Request body too large",
    415: "Unsupported media type",
    429: "Rate limit exceeded",
    500: "Internal server error",
    503: "Service unavailable",
}


class ApiError(Exception):
    """A refusal the API documents: raised anywhere in a request, answered as an error envelope."""

    def __init__(self, status: int, msg: str | None = None, headers: Mapping[str, str] | None = None) -> None:
        self.status = status
        self.msg = msg or STANDARD_MESSAGES.get(status) or HTTPStatus(status).phrase
        self.headers = dict(headers or {})
        super().__init__(f"{status} {self.msg}")


def error_body(status: int, msg: str) -> bytes:
    """The error envelope, as the provider's asset endpoints send it (with `success` and `failed`)."""
    envelope = {"code": status, "msg": msg, "data": None, "success": False, "failed": True}
    return json.dumps(envelope, separators=(",", ":")).encode()


def error_response(error: ApiError) -> Response:
    """The response for a refusal."""
    return Response(error_body(error.status, error.msg), error.status, error.headers, media_type=JSON)


def success_body(data_json: bytes) -> bytes:
    """The success envelope around an already encoded `data` object."""
    return b'{"code":200,"msg":"success","data":' + data_json + b',"success":true,"failed":false}'
