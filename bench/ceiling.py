"""The ceiling: the mock's server stack (Starlette on uvicorn) doing no work at all.

Each answer is precomputed and the size of the mock's real one: 1408 numbers to a JSON request, without reading
auth, the body or anything else; an upload's asset id to a multipart request, after only parsing the form.
"""

import json

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def _envelope(data: dict[str, object]) -> bytes:
    envelope = {"code": 200, "msg": "success", "data": data, "success": True, "failed": False}
    return json.dumps(envelope, separators=(",", ":")).encode()


EMBEDDING = _envelope({"embedding": [-0.01234567] * 1408})
UPLOADED = _envelope({"asset_id": "re_660727003963174912"})


async def answer_only(request: Request) -> Response:
    return Response(EMBEDDING, media_type="application/json")


async def parse_form_then_answer(request: Request) -> Response:
    async with request.form():
        return Response(UPLOADED, media_type="application/json")


app = Starlette(
    routes=[
        Route("/json", answer_only, methods=["POST"]),
        Route("/multipart", parse_form_then_answer, methods=["POST"]),
    ]
)
