"""uvicorn, as the mock runs it: with a hold on each request's connection, so that network faults really happen.

ASGI gives an application no way to reset or close its connection, which a connection reset, an empty answer and a
body cut off midway need. The mock's HTTP protocol (uvicorn's own, httptools) hands each request a
`ConnectionControl` in the ASGI scope's extensions; `memories-mock`, `run_mock` and `serve` use it. Under any other
server (or in process, through httpx.ASGITransport) the control is missing, and those faults answer 503 instead.
"""

import asyncio
import socket
import struct
from typing import Any

import uvicorn
from starlette.types import ASGIApp, Scope
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

CONNECTION_EXTENSION = "memories_mock.connection"


class ConnectionControl:
    """What the application may do to the connection of the request it answers."""

    def __init__(self, transport: asyncio.Transport) -> None:
        self._transport = transport

    def close(self) -> None:
        """Close the connection once what was written is sent (a FIN): the client sees the answer stop there."""
        self._transport.close()

    def reset(self) -> None:
        """Reset the connection (a TCP RST), dropping whatever was not sent yet."""
        connection = self._transport.get_extra_info("socket")
        if connection is not None:  # an abort after a zero linger time is a reset, not a close
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self._transport.abort()


def connection_control(scope: Scope) -> ConnectionControl | None:
    """The request's connection control, when the server is the mock's."""
    control = scope.get("extensions", {}).get(CONNECTION_EXTENSION, {}).get("control")
    return control if isinstance(control, ConnectionControl) else None


class ControlledHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, putting a `ConnectionControl` into each request's scope."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]  # as uvicorn's
        super().connection_made(transport)
        self._extensions: dict[str, dict[object, object]] = {
            CONNECTION_EXTENSION: {"control": ConnectionControl(transport)}
        }

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.scope["extensions"] = self._extensions


def server_config(app: ASGIApp, **options: Any) -> uvicorn.Config:
    """uvicorn's configuration for `app` with the mock's protocol; `options` as uvicorn.Config takes them."""
    return uvicorn.Config(app, http=ControlledHttpProtocol, **options)
