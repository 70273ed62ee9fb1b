"""One log line per request: method, path, status, size, duration and the key's fingerprint, never the key; and the
injected network fault, if any (`fault=reset`; a request reset or closed without an answer has status `-`)."""

import logging
import time
from urllib.parse import quote

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_server.assets import key_fingerprint

logger = logging.getLogger("mock_server.access")


class AccessLog:
    """Pure ASGI middleware, so that streaming bodies pass through untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client sees if the app fails before it answers
        answered = False
        sent = 0

        async def recording_send(message: Message) -> None:
            nonlocal status, answered, sent
            if message["type"] == "http.response.start":
                status, answered = message["status"], True
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            api_key = Headers(scope=scope).get("authorization")
            fault = scope.get("state", {}).get("fault")
            logger.info(
                "%s %s %s %dB %.1fms key=%s%s",
                scope["method"],
                quote(scope["path"], safe="/:@!$&'()*+,;=-._~"),  # re-encoded: no newline can forge a line
                status if answered or fault is None else "-",
                sent,
                (time.perf_counter() - started) * 1000,
                key_fingerprint(api_key)[:12] if api_key else "-",
                f" fault={fault}" if fault else "",
            )
