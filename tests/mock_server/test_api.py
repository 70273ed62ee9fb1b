"""The two operations through the ASGI app: every documented path, good and bad, in the documented envelope."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from memories_contract.images import encode, scene
from mock_server import DOCUMENTED_TEST_KEY, Settings
from tests.mock_server.helpers import PNG, ApiFactory, assert_error, embed_file, embedding, upload, upload_id

pytestmark = pytest.mark.anyio

OTHER_KEY = "sk-mavi-another_key"


# Authentication


@pytest.mark.parametrize(
    "authorization",
    [None, "", "wrong", f"Bearer {DOCUMENTED_TEST_KEY}", f"{DOCUMENTED_TEST_KEY} ", DOCUMENTED_TEST_KEY.upper()],
    ids=["missing", "empty", "wrong", "bearer", "trailing-space", "upper-case"],
)
@pytest.mark.parametrize("path", ["/embeddings/image", "/upload"])
async def test_anything_but_the_raw_key_is_a_401(api: httpx.AsyncClient, path: str, authorization: str | None) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    if authorization is None:
        del api.headers["Authorization"]
    response = await api.post(
        path, files={"file": ("a.png", PNG, "image/png")}, data={"model": "mobileclip"}, headers=headers
    )
    assert_error(response, 401, "Unauthorized")


@pytest.mark.parametrize("settings", [Settings(api_keys=frozenset({OTHER_KEY}), access_log=False)])
async def test_configured_keys_replace_the_test_key(api: httpx.AsyncClient) -> None:
    assert_error(await embed_file(api, PNG), 401)
    assert (await embed_file(api, PNG, headers={"Authorization": OTHER_KEY})).status_code == 200


# Embedding a file


@pytest.mark.parametrize(("model", "length"), [("multimodalembedding@001", 1408), ("mobileclip", 512)])
@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF"])
async def test_file_method_embeds_every_accepted_format(
    api: httpx.AsyncClient, image_format: str, model: str, length: int
) -> None:
    assert len(embedding(await embed_file(api, encode(scene(2), image_format), model))) == length


async def test_both_methods_give_the_same_vector(api: httpx.AsyncClient) -> None:
    asset_id = await upload_id(api)
    for model in ("multimodalembedding@001", "mobileclip"):
        by_asset = embedding(await api.post("/embeddings/image", json={"asset_id": asset_id, "model": model}))
        assert by_asset == embedding(await embed_file(api, PNG, model))


@pytest.mark.parametrize(
    ("files", "data", "status", "msg_part"),
    [
        ({}, {"model": "mobileclip"}, 400, "Missing field: file"),
        (None, {"model": "mobileclip", "file": "not a file"}, 415, "Unsupported image format"),
        ({"file": ("a.png", PNG, "image/png")}, {}, 400, "Missing field: model"),
        ({"file": ("a.png", PNG, "image/png")}, {"model": "resnet-50"}, 400, "Unknown model"),
        ({"file": ("a.png", PNG, "image/png")}, {"model": ""}, 400, "Unknown model"),
        ({"file": ("a.png", b"", "image/png")}, {"model": "mobileclip"}, 400, "Empty file"),
        ({"file": ("a.png", PNG[: len(PNG) // 2], "image/png")}, {"model": "mobileclip"}, 400, "truncated"),
        ({"file": ("a.txt", b"plain text", "text/plain")}, {"model": "mobileclip"}, 415, "Unsupported image format"),
        ({"file": ("a.ico", encode(scene(3), "ICO"), "image/x-icon")}, {"model": "mobileclip"}, 415, "JPEG, PNG"),
    ],
    ids=[
        "no-file",
        "file-as-text",
        "no-model",
        "unknown-model",
        "empty-model",
        "empty-file",
        "truncated",
        "text",
        "ico",
    ],
)
async def test_file_method_refusals(
    api: httpx.AsyncClient, files: dict[str, Any] | None, data: dict[str, str], status: int, msg_part: str
) -> None:
    if files is None:
        # A multipart body with only plain fields: httpx needs a file to choose multipart, so build it by hand.
        body = (
            b"".join(
                f'--b\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
                for name, value in data.items()
            )
            + b"--b--\r\n"
        )
        response = await api.post(
            "/embeddings/image", content=body, headers={"Content-Type": "multipart/form-data; boundary=b"}
        )
    elif files:
        response = await api.post("/embeddings/image", files=files, data=data)
    else:
        response = await api.post("/embeddings/image", data=data, files={"other": ("x", b"x")})
    assert_error(response, status, msg_part)


async def test_a_file_part_without_filename_is_taken_as_the_file(api: httpx.AsyncClient) -> None:
    # What the generated client sends when File.file_name is unset.
    body = (
        b'--b\r\nContent-Disposition: form-data; name="file"\r\nContent-Type: image/png\r\n\r\n'
        + PNG
        + b'\r\n--b\r\nContent-Disposition: form-data; name="model"\r\n\r\nmobileclip\r\n--b--\r\n'
    )
    response = await api.post(
        "/embeddings/image", content=body, headers={"Content-Type": "multipart/form-data; boundary=b"}
    )
    assert embedding(response) == embedding(await embed_file(api, PNG))


async def test_decompression_bomb_is_a_400(api: httpx.AsyncClient) -> None:
    assert_error(await embed_file(api, encode(Image.new("1", (12_000, 12_000)), "PNG")), 400, "too large")


# Each body also lacks a file part, so any 400 would do: the message tells that its own check refused it.
@pytest.mark.parametrize(
    ("content", "content_type", "msg_part"),
    [
        (b"--b\r\nbroken", "multipart/form-data; boundary=b", "ends before its closing boundary"),
        (b"anything", "multipart/form-data", "has no boundary"),
        (b"\x00\xff" * 100, "multipart/form-data; boundary=zz", "Invalid multipart body"),
        (b"", "multipart/form-data; boundary=zz", "ends before its closing boundary"),
        (
            b'--b\r\nContent-Disposition: form-data; name="model"\r\n\r\n\xff\xfe\r\n--b--\r\n',
            "multipart/form-data; boundary=b",
            "Field model must be UTF-8 text",
        ),
        (
            "".join(f'--b\r\nContent-Disposition: form-data; name="f{i}"\r\n\r\nx\r\n' for i in range(20)).encode()
            + b"--b--\r\n",
            "multipart/form-data; boundary=b",
            "Too many parts",
        ),
    ],
    ids=["unterminated", "no-boundary", "binary-garbage", "empty", "model-not-utf8", "too-many-parts"],
)
async def test_malformed_multipart_is_a_400(
    api: httpx.AsyncClient, content: bytes, content_type: str, msg_part: str
) -> None:
    response = await api.post("/embeddings/image", content=content, headers={"Content-Type": content_type})
    assert_error(response, 400, msg_part)


# Embedding by asset id


@pytest.mark.parametrize(
    ("content", "msg_part"),
    [
        (b"{not json", "Invalid JSON body"),
        (b"\xff\xfe", "Invalid JSON body"),
        (b"", "Invalid JSON body"),
        (b"[1, 2]", "must be an object"),
        (b'"re_1"', "must be an object"),
        (b"[" * 50_000, "Invalid JSON body"),
        (b'{"model": "mobileclip"}', "Missing field: asset_id"),
        (b'{"asset_id": 42, "model": "mobileclip"}', "Field asset_id must be a string"),
        (b'{"asset_id": "42", "model": "mobileclip"}', "Invalid asset_id"),
        (b'{"asset_id": "re_", "model": "mobileclip"}', "Invalid asset_id"),
        (b'{"asset_id": "re_12345"}', "Missing field: model"),
        (b'{"asset_id": "re_12345", "model": null}', "Missing field: model"),
        (b'{"asset_id": "re_12345", "model": ["mobileclip"]}', "Field model must be a string"),
        (b'{"asset_id": "re_12345", "model": "clip"}', "Unknown model"),
        (b'{"asset_id": "re_12345", "model": "mobileclip"}', "Asset not found"),
    ],
)
async def test_asset_method_refusals(api: httpx.AsyncClient, content: bytes, msg_part: str) -> None:
    response = await api.post("/embeddings/image", content=content, headers={"Content-Type": "application/json"})
    assert_error(response, 400, msg_part)


async def test_unknown_fields_are_ignored(api: httpx.AsyncClient) -> None:
    asset_id = await upload_id(api)
    body = {"asset_id": asset_id, "model": "mobileclip", "dimension": 128, "extra": {"a": 1}}
    assert len(embedding(await api.post("/embeddings/image", json=body))) == 512


@pytest.mark.parametrize("settings", [Settings(api_keys=frozenset({DOCUMENTED_TEST_KEY, OTHER_KEY}), access_log=False)])
async def test_another_keys_asset_is_not_found(api: httpx.AsyncClient) -> None:
    asset_id = await upload_id(api)
    response = await api.post(
        "/embeddings/image", json={"asset_id": asset_id, "model": "mobileclip"}, headers={"Authorization": OTHER_KEY}
    )
    assert_error(response, 400, "Asset not found")
    assert asset_id not in response.text


async def test_a_video_asset_cannot_be_embedded(api: httpx.AsyncClient) -> None:
    video = b"\x00\x00\x00\x18ftypmp42" + bytes(100)
    response = await api.post("/upload", files={"file": ("clip.mp4", video, "video/mp4")})
    asset_id = response.json()["data"]["asset_id"]
    assert_error(
        await api.post("/embeddings/image", json={"asset_id": asset_id, "model": "mobileclip"}), 415, "video/mp4"
    )


@pytest.mark.parametrize(
    ("content", "content_type"),
    [(b"asset_id=re_1&model=mobileclip", "application/x-www-form-urlencoded"), (b"re_1", "text/plain"), (b"{}", None)],
    ids=["form-urlencoded", "text", "no-content-type"],
)
async def test_other_content_types_are_a_415(api: httpx.AsyncClient, content: bytes, content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    assert_error(await api.post("/embeddings/image", content=content, headers=headers), 415)


# Upload


async def test_upload_returns_a_fresh_asset_id_in_the_envelope(api: httpx.AsyncClient) -> None:
    first, second = await upload(api), await upload(api)
    for response in (first, second):
        assert response.status_code == 200
        body = response.json()
        assert body == {
            "code": 200,
            "msg": "success",
            "data": {"asset_id": body["data"]["asset_id"]},
            "success": True,
            "failed": False,
        }
    assert first.json()["data"]["asset_id"] != second.json()["data"]["asset_id"]


@pytest.mark.parametrize(
    ("file", "status", "msg_part"),
    [
        (("a.png", b"", "image/png"), 400, "Empty file"),
        (("a.png", PNG[:100], "image/png"), 400, "truncated"),
        (("a.pdf", b"%PDF-1.7\n", "application/pdf"), 415, "image, a video or an audio"),
    ],
)
async def test_upload_refusals(
    api: httpx.AsyncClient, file: tuple[str, bytes, str], status: int, msg_part: str
) -> None:
    assert_error(await api.post("/upload", files={"file": file}), status, msg_part)


async def test_upload_needs_multipart_with_a_file(api: httpx.AsyncClient) -> None:
    assert_error(await api.post("/upload", json={"file": "abc"}), 415)
    assert_error(await api.post("/upload", files={"document": ("a.png", PNG, "image/png")}), 400, "Missing field: file")


# Sizes


@pytest.mark.parametrize("settings", [Settings(max_upload_bytes=20_000, max_json_bytes=100, access_log=False)])
async def test_oversized_bodies_are_a_413(api: httpx.AsyncClient) -> None:
    big = encode(scene(4, (600, 600)), "BMP")
    assert len(big) > 20_000
    assert_error(await embed_file(api, big), 413, "20000 bytes")
    assert_error(await upload(api, big), 413)

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: the limit applies while reading
        yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.bmp"\r\n\r\n'
        for _ in range(100):
            yield b"x" * 1000

    streamed = await api.post("/upload", content=chunks(), headers={"Content-Type": "multipart/form-data; boundary=b"})
    assert_error(streamed, 413)
    assert_error(
        await api.post("/embeddings/image", json={"asset_id": "re_1", "model": "mobileclip", "pad": "x" * 200}), 413
    )
    assert len(embedding(await embed_file(api, encode(scene(5, (40, 40)))))) == 512


# Persistence


async def test_data_dir_keeps_assets_across_restarts(make_api: ApiFactory, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, access_log=False)
    vectors = []
    asset_id = ""
    for _ in range(2):  # the same folder, two server lifetimes
        async with make_api(settings) as api:
            asset_id = asset_id or await upload_id(api)
            response = await api.post("/embeddings/image", json={"asset_id": asset_id, "model": "mobileclip"})
            vectors.append(embedding(response))
    assert vectors[0] == vectors[1]


async def test_without_data_dir_assets_live_in_memory_only(make_api: ApiFactory) -> None:
    async with make_api(Settings(access_log=False)) as api:
        asset_id = await upload_id(api)
    async with make_api(Settings(access_log=False)) as api:
        response = await api.post("/embeddings/image", json={"asset_id": asset_id, "model": "mobileclip"})
    assert_error(response, 400, "Asset not found")
