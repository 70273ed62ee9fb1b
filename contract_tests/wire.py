"""What a client puts on the wire, captured at the transport, without any server."""

from collections.abc import Callable
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP

import httpx

from memories_client import AuthenticatedClient
from mock_server import API_PREFIX

BASE_URL = f"http://127.0.0.1:4010{API_PREFIX}"  # never reached: requests stop at the transport


def multipart_fields(request: httpx.Request) -> dict[str, Message]:
    """The parts of a multipart/form-data request, by field name (the standard library's MIME parser)."""
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.content)
    if not message.is_multipart():
        raise ValueError("not a multipart body")
    return {str(part.get_param("name", header="content-disposition")): part for part in message.iter_parts()}


def recording_client(
    seen: list[httpx.Request], answer: Callable[[httpx.Request], httpx.Response], api_key: str
) -> AuthenticatedClient:
    """A generated client (sync and async) whose requests reach `answer` through a MockTransport, and are kept."""

    def handler(request: httpx.Request) -> httpx.Response:
        request.read()
        seen.append(request)
        return answer(request)

    # The generated client builds its own httpx clients, headers included; only the transport is swapped.
    return AuthenticatedClient(base_url=BASE_URL, token=api_key, httpx_args={"transport": httpx.MockTransport(handler)})
