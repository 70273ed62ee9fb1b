"""What the mock's tests share: requests to the in-process mock and checks of its answers."""

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import httpx

from memories_contract.images import encode, scene
from mock_server import Settings

PNG = encode(scene(1))

ApiFactory = Callable[[Settings], AbstractAsyncContextManager[httpx.AsyncClient]]
"""The `make_api` fixture: `async with make_api(settings) as api:` opens a client on a fresh mock."""


def assert_error(response: httpx.Response, status: int, msg_part: str = "") -> None:
    """The response is the documented error envelope with `code` equal to the status."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body == {"code": status, "msg": body["msg"], "data": None, "success": False, "failed": True}
    assert msg_part in body["msg"]


def embedding(response: httpx.Response) -> list[float]:
    """The vector of a success answer."""
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["code"], body["msg"], body["success"], body["failed"]) == (200, "success", True, False)
    vector: list[float] = body["data"]["embedding"]
    return vector


async def embed_file(api: httpx.AsyncClient, data: bytes, model: str = "mobileclip", **kwargs: Any) -> httpx.Response:
    return await api.post(
        "/embeddings/image", files={"file": ("a.png", data, "image/png")}, data={"model": model}, **kwargs
    )


async def upload(api: httpx.AsyncClient, data: bytes = PNG, **kwargs: Any) -> httpx.Response:
    return await api.post("/upload", files={"file": ("a.png", data, "image/png")}, **kwargs)


async def upload_id(api: httpx.AsyncClient, data: bytes = PNG) -> str:
    response = await upload(api, data)
    assert response.status_code == 200, response.text
    asset_id: str = response.json()["data"]["asset_id"]
    return asset_id
