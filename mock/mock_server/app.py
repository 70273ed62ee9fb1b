"""The ASGI application: the API under /serve/api/v2 like the real host, and its spec at /openapi.yaml."""

import logging
import re

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_server.access_log import AccessLog
from mock_server.api import MockApi
from mock_server.envelope import ApiError, error_response
from mock_server.settings import Settings

API_PREFIX = "/serve/api/v2"

# What `python -m mock_server` prints on stdout once it listens: with `--port 0`, how a caller learns the port.
ANNOUNCEMENT = "serving the mock at {origin}" + API_PREFIX + " (spec at {origin}/openapi.yaml)"
ANNOUNCED_ORIGIN = re.compile(r"serving the mock at (http://\S+?)" + re.escape(API_PREFIX) + " ")

logger = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> Starlette:
    """A fresh mock with its own asset store; `Settings()` when none are given."""
    settings = settings or Settings()
    api = MockApi(settings)
    spec = settings.spec_path.read_bytes()

    async def serve_spec(request: Request) -> Response:
        return Response(spec, media_type="application/yaml")

    app = Starlette(
        routes=[
            Route(f"{API_PREFIX}/embeddings/image", api.embed_image, methods=["POST"], name="embedImage"),
            Route(f"{API_PREFIX}/upload", api.upload_asset, methods=["POST"], name="uploadAsset"),
            Route("/openapi.yaml", serve_spec, methods=["GET"]),
        ],
        # Unexpected errors are answered inside the access log, so that it records the 500 that was sent.
        middleware=[*([Middleware(AccessLog)] if settings.access_log else []), Middleware(UnexpectedErrors)],
        exception_handlers={ApiError: _api_error, HTTPException: _http_error},
    )
    # Like the real host, a trailing slash names another (unknown) path: 404, not a redirect.
    app.router.redirect_slashes = False
    app.state.api = api
    return app


async def _api_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, ApiError)
    return error_response(error)


async def _http_error(request: Request, error: Exception) -> Response:
    # Starlette's routing refusals: unknown path (404), wrong method (405, with Allow).
    assert isinstance(error, HTTPException)
    return error_response(ApiError(error.status_code, headers=error.headers))


class UnexpectedErrors:
    """Pure ASGI middleware: an exception the app lets through is logged once and answered with the 500 envelope.

    Starlette's handler for `Exception` would answer from outside every other middleware, then re-raise for the
    server to log a second traceback.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def recording_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        except Exception:
            logger.exception("unexpected error in %s %r", scope["method"], scope["path"])  # %r: no forged lines
            # Once the answer has started nothing can replace it; the server then closes the connection.
            if not started:
                await error_response(ApiError(500))(scope, receive, send)
