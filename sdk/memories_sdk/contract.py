"""The answers the contract allows, checked before the generated code parses them.

The generated models trust their input (`cast`, `dict.pop`), so a body that breaks the contract would
surface as a KeyError or TypeError from inside generated code. Each success body is checked here first,
with the same rules as openapi.yaml (the contract suite holds these checks to the spec's schemas), and the
body parsed for the check is the one the generated code gets (`CheckedResponse`).
"""

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from memories_sdk.errors import (
    DOCUMENTED_ERROR_STATUSES,
    MalformedResponseError,
    MemoriesError,
    status_error,
)

_ASSET_ID = re.compile(r"re_[0-9]+")
_NOT_JSON = object()


def _envelope_problem(body: Any, succeeded: bool) -> str | None:
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    code = body.get("code")
    if isinstance(code, bool) or not isinstance(code, int | str):
        return "`code` is missing or neither an integer nor a string"
    if not isinstance(body.get("msg"), str):
        return "`msg` is missing or not a string"
    for flag, expected in (("success", succeeded), ("failed", not succeeded)):
        if flag in body and body[flag] is not expected:
            return f"`{flag}` is not {str(expected).lower()}"
    return None


def error_envelope_problem(body: Any) -> str | None:
    """Why `body` is not an error envelope, or None."""
    problem = _envelope_problem(body, succeeded=False)
    if problem is None and body.get("data") is not None and not isinstance(body["data"], dict):
        return "`data` is neither null nor an object"
    return problem


def _data(body: Any) -> tuple[dict[str, Any], str | None]:
    problem = _envelope_problem(body, succeeded=True)
    if problem is not None:
        return {}, problem
    data = body.get("data")
    if not isinstance(data, dict):
        return {}, "`data` is missing or not an object"
    return data, None


def embedding_problem(body: Any) -> str | None:
    """Why `body` is not the success envelope of an embedding, or None."""
    data, problem = _data(body)
    if problem is not None:
        return problem
    embedding = data.get("embedding")
    if not isinstance(embedding, list) or not embedding:
        return "`data.embedding` is missing, empty or not an array"
    # type() per item in C, not isinstance in Python: a 1408-number vector is checked on every answer.
    if not set(map(type, embedding)) <= {int, float}:
        return "`data.embedding` holds something other than numbers"
    if not _finite_doubles(embedding):
        return "`data.embedding` holds a number that is no finite double (NaN, infinity, or out of range)"
    return None


def _finite_doubles(values: list[int | float]) -> bool:
    try:
        doubles = list(map(float, values))  # an integer beyond a double's range raises OverflowError
    except OverflowError:
        return False
    # One sum in C settles the usual case; only an infinite or NaN sum needs a look at each number.
    return math.isfinite(sum(doubles)) or all(map(math.isfinite, doubles))


def upload_problem(body: Any) -> str | None:
    """Why `body` is not the success envelope of an upload, or None."""
    data, problem = _data(body)
    if problem is not None:
        return problem
    asset_id = data.get("asset_id")
    if not isinstance(asset_id, str) or not _ASSET_ID.fullmatch(asset_id):
        return "`data.asset_id` is missing or not of the form re_<digits>"
    return None


@dataclass(frozen=True)
class Operation:
    """A documented operation, recognised by the end of its path, with the check of its 200 body."""

    path_suffix: str
    success_problem: Callable[[Any], str | None]


OPERATIONS = (
    Operation("/embeddings/image", embedding_problem),
    Operation("/upload", upload_problem),
)


def operation_for(request: httpx.Request) -> Operation | None:
    """The API operation a request calls, if any."""
    if request.method != "POST":
        return None
    path = request.url.path.rstrip("/")
    return next((operation for operation in OPERATIONS if path.endswith(operation.path_suffix)), None)


class CheckedResponse(httpx.Response):
    """A response that hands the body its contract check parsed to the first `json()` without arguments.

    The generated code parses each answer with `json()`: parsing a 1408-number embedding again would cost more
    than all the rest the SDK does. Only that first call gets the checked object; later calls parse afresh, so
    that no caller shares the lists a generated model keeps.
    """

    _held: Any = _NOT_JSON

    @classmethod
    def unread(cls, response: httpx.Response, request: httpx.Request) -> "CheckedResponse":
        """`response`, before its body is read, as a CheckedResponse that reads the same stream."""
        return cls(
            response.status_code,
            headers=response.headers,
            stream=response.stream,
            request=request,
            extensions=response.extensions,
        )

    def hold(self, body: Any) -> None:
        """Keep `body`, parsed from this response's content, for the next `json()`."""
        self._held = body

    def json(self, **kwargs: Any) -> Any:
        if kwargs or self._held is _NOT_JSON:
            return super().json(**kwargs)
        body, self._held = self._held, _NOT_JSON
        return body


def response_problem(response: CheckedResponse, raise_status_errors: bool) -> MemoriesError | None:
    """The error to raise for a read response to an API operation, or None when the generated code may parse it."""
    operation = operation_for(response.request)
    if operation is None:
        return None
    body = _json(response)
    problem = _problem(operation, response, body, raise_status_errors)
    if problem is None:
        response.hold(body)
    return problem


def _problem(
    operation: Operation, response: httpx.Response, body: Any, raise_status_errors: bool
) -> MemoriesError | None:
    status = response.status_code
    if status == 200:
        problem = operation.success_problem(body) if body is not _NOT_JSON else "the body is not JSON"
        return MalformedResponseError(problem, response) if problem else None
    envelope_problem = error_envelope_problem(body) if body is not _NOT_JSON else "the body is not JSON"
    code, msg = (body.get("code"), body.get("msg")) if envelope_problem is None else (None, None)
    if raise_status_errors or status not in DOCUMENTED_ERROR_STATUSES:
        return status_error(response, code, msg)
    if envelope_problem is not None:
        return MalformedResponseError(f"error {status} without the error envelope: {envelope_problem}", response)
    return None


def _json(response: httpx.Response) -> Any:
    try:
        return json.loads(response.content)
    except (ValueError, RecursionError):  # RecursionError: absurdly nested JSON
        return _NOT_JSON
