"""Reading request bodies within limits: a body over its limit is refused with 413 before it fills memory."""

import json
import re
from collections.abc import AsyncIterator
from typing import Any

from starlette.requests import Request

from mock_server import multipart
from mock_server.envelope import ApiError
from mock_server.multipart import Part

JSON_TYPE = "application/json"
MULTIPART_TYPE = "multipart/form-data"

_ASSET_ID = re.compile(r"re_[0-9]+")
# ASCII digits only (str.isdigit() also takes "²"), and few enough that int() takes them.
_LENGTH = re.compile(r"[0-9]{1,18}")


def media_type(request: Request) -> str:
    """The request's media type, without parameters, lower-cased ("" when absent)."""
    return request.headers.get("content-type", "").partition(";")[0].strip().lower()


def _too_large(limit: int) -> ApiError:
    return ApiError(413, f"Request body too large: the limit is {limit} bytes")


async def _chunks(request: Request, limit: int) -> AsyncIterator[bytes]:
    """The body as it arrives, refused with 413 as soon as it is known to exceed `limit`."""
    declared = request.headers.get("content-length", "")
    if _LENGTH.fullmatch(declared) and int(declared) > limit:
        raise _too_large(limit)
    received = 0
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            # The client left mid-body: nobody reads the answer, but the log should not call it a server error.
            raise ApiError(400, "The client disconnected before sending the whole body")
        chunk: bytes = message.get("body", b"")
        received += len(chunk)
        if received > limit:
            raise _too_large(limit)
        if chunk:
            yield chunk
        if not message.get("more_body", False):
            return


async def read_json_object(request: Request, limit: int) -> dict[str, Any]:
    """The JSON object in the body; 400 for anything else."""
    body = b"".join([chunk async for chunk in _chunks(request, limit)])
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: deeply nested arrays or objects
        raise ApiError(400, "Invalid JSON body") from None
    if not isinstance(payload, dict):
        raise ApiError(400, "The JSON body must be an object")
    return payload


async def read_parts(request: Request, limit: int) -> dict[str, Part]:
    """The parts of a multipart/form-data body, by field name."""
    return await multipart.read_parts(request.headers.get("content-type", ""), _chunks(request, limit))


def file_part(parts: dict[str, Part], name: str) -> Part:
    """A required part holding file content; a part without a filename is taken as the content too."""
    part = parts.get(name)
    if part is None:
        raise ApiError(400, f"Missing field: {name}")
    return part


def text_field(fields: dict[str, Part] | dict[str, Any], name: str) -> str:
    """A required string field, of a form or of a JSON object."""
    value = fields.get(name)
    if isinstance(value, Part):
        value = value.text()
    if value is None:
        raise ApiError(400, f"Missing field: {name}")
    if not isinstance(value, str):
        raise ApiError(400, f"Field {name} must be a string")
    return value


def asset_id_field(payload: dict[str, Any]) -> str:
    """The `asset_id` of a JSON body, checked for the provider's `re_<digits>` form."""
    asset_id = text_field(payload, "asset_id")
    if not _ASSET_ID.fullmatch(asset_id):
        raise ApiError(400, "Invalid asset_id: asset ids look like re_<digits>")
    return asset_id
