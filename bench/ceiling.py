"""The ceiling: the mock's server stack (Starlette on uvicorn) doing no work at all.

It answers a precomputed body of 1408 numbers, the size of the mock's real answer: to a JSON request without
reading auth, the body or anything else, and to a multipart request after only parsing the form.
"""

import json

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

ANSWER = json.dumps(
    {"code": 200, "msg": "success", "data": {"embedding": [-0.01234567] * 1408}, "success": True, "failed": False},
    separators=(",", ":"),
).encode()


async def answer_only(request: Request) -> Response:
    return Response(ANSWER, media_type="application/json")


async def parse_form_then_answer(request: Request) -> Response:
    async with request.form():
        return Response(ANSWER, media_type="application/json")


app = Starlette(
    routes=[
        Route("/json", answer_only, methods=["POST"]),
        Route("/multipart", parse_form_then_answer, methods=["POST"]),
    ]
)
