"""The ASGI application: the API under /serve/api/v2 like the real host, and its spec at /openapi.yaml."""

import logging

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mock_server.access_log import AccessLog
from mock_server.api import MockApi
from mock_server.envelope import STANDARD_MESSAGES, ApiError, error_response
from mock_server.settings import Settings

API_PREFIX = "/serve/api/v2"

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
        middleware=[Middleware(AccessLog)] if settings.access_log else [],
        exception_handlers={ApiError: _api_error, HTTPException: _http_error, Exception: _unexpected_error},
    )
    # Like the real host, a trailing slash names another (unknown) path: 404, not a redirect.
    app.router.redirect_slashes = False
    app.state.api = api
    return app


async def _api_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, ApiError)
    return error_response(error)


async def _http_error(request: Request, error: Exception) -> Response:
    # Starlette's own refusals: unknown path (404), wrong method (405), unparsable multipart (400).
    assert isinstance(error, HTTPException)
    msg = STANDARD_MESSAGES.get(error.status_code, error.detail)
    if error.status_code == 400:
        msg = f"Invalid request parameters: {error.detail}"
    return error_response(ApiError(error.status_code, msg, error.headers))


async def _unexpected_error(request: Request, error: Exception) -> Response:
    logger.error("unexpected error in %s %s", request.method, request.url.path, exc_info=error)
    return error_response(ApiError(500))
