"""Decoding: every accepted format decodes; anything else, broken or oversized, is refused with its status."""

import numpy as np
import pytest
from PIL import Image

from memories_contract.images import encode, scene
from mock_server.envelope import ApiError
from mock_server.images import ACCEPTED_FORMATS, FEATURE_LENGTH, MEDIA_TYPES, decode, sniff_audio_video

LIMIT = 50_000_000


@pytest.mark.parametrize("image_format", ACCEPTED_FORMATS)
def test_each_accepted_format_decodes(image_format: str) -> None:
    image = decode(encode(scene(1), image_format), LIMIT)
    assert image.format == image_format
    assert image.size == (320, 240)
    assert image.features.shape == (FEATURE_LENGTH,)
    assert np.isfinite(image.features).all()
    assert image.media_type == MEDIA_TYPES[image_format]


def test_a_multi_picture_jpeg_is_a_jpeg() -> None:
    # What cameras write: Pillow opens it as MPO, which names no media type of its own.
    image = decode(encode(scene(1), "MPO", save_all=True, append_images=[scene(2)]), LIMIT)
    assert (image.format, image.media_type) == ("MPO", "image/jpeg")


@pytest.mark.parametrize(
    ("mode", "image_format"),
    [("RGBA", "PNG"), ("LA", "PNG"), ("P", "PNG"), ("L", "PNG"), ("1", "PNG"), ("I;16", "PNG"), ("CMYK", "JPEG")],
)
def test_unusual_pixel_modes_decode(mode: str, image_format: str) -> None:
    picture = scene(2).convert(mode)
    shown = picture.convert("RGB")
    if mode == "I;16":
        # Pillow's conversion keeps the 8-bit values (a near-black 16-bit picture): spread them over 16 bits.
        shown = scene(2).convert("L")
        picture = Image.fromarray(np.asarray(shown).astype(np.uint16) * 257)
    image = decode(encode(picture, image_format), LIMIT)
    assert np.isfinite(image.features).all()
    # The same picture as the RGB one a viewer shows (the features always have a direction: compare them whole).
    assert np.allclose(image.features, decode(encode(shown.convert("RGB")), LIMIT).features, atol=0.01)


def test_animated_gif_decodes_its_first_frame() -> None:
    frames = [scene(3), scene(4)]
    animated = encode(frames[0], "GIF", save_all=True, append_images=frames[1:])
    first_only = encode(frames[0], "GIF")
    assert np.allclose(decode(animated, LIMIT).features, decode(first_only, LIMIT).features, atol=1e-6)


def test_same_content_has_the_same_digest_and_features() -> None:
    data = encode(scene(5), "WEBP")
    first, second = decode(data, LIMIT), decode(data, LIMIT)
    assert first.digest == second.digest
    assert np.array_equal(first.features, second.features)


@pytest.mark.parametrize("image_format", ACCEPTED_FORMATS)
def test_truncated_image_is_a_400(image_format: str) -> None:
    data = encode(scene(6), image_format)
    with pytest.raises(ApiError) as refused:
        decode(data[: len(data) // 2], LIMIT)
    assert refused.value.status == 400
    assert "truncated or corrupt" in refused.value.msg


def test_corrupt_png_checksum_is_a_400() -> None:
    data = bytearray(encode(scene(7), "PNG"))
    # The image data's checksum, the data itself intact: Pillow decodes the pixels regardless, only its check sees it.
    chunk = data.index(b"IDAT") - 4  # the chunk's length field
    data[chunk + 8 + int.from_bytes(data[chunk : chunk + 4], "big")] ^= 0xFF  # a byte of the CRC after its data
    with pytest.raises(ApiError) as refused:
        decode(bytes(data), LIMIT)
    assert refused.value.status == 400


def test_empty_file_is_a_400() -> None:
    with pytest.raises(ApiError) as refused:
        decode(b"", LIMIT)
    assert (refused.value.status, refused.value.msg) == (400, "Empty file")


@pytest.mark.parametrize(
    "data",
    [b"just some text", b"%PDF-1.7\n", encode(scene(8), "ICO"), encode(scene(8), "PPM"), b"\x00" * 64],
    ids=["text", "pdf", "ico", "ppm", "zeros"],
)
def test_other_formats_are_a_415(data: bytes) -> None:
    with pytest.raises(ApiError) as refused:
        decode(data, LIMIT)
    assert refused.value.status == 415


@pytest.mark.parametrize(
    ("side", "message"),
    [(8_000, "8000x8000 pixels is over the limit of 50000000"), (14_000, "more pixels than the decoder allows")],
    ids=["over-the-mocks-limit", "over-pillows-limit"],
)
def test_decompression_bomb_is_refused_before_decoding(side: int, message: str) -> None:
    # 1-bit: a few kilobytes of PNG that would decode to 64 or 196 million pixels.
    bomb = encode(Image.new("1", (side, side)), "PNG")
    assert len(bomb) < 100_000
    with pytest.raises(ApiError) as refused:
        decode(bomb, LIMIT)
    assert refused.value.status == 400
    assert message in refused.value.msg


def test_a_jpeg_with_broken_exif_still_decodes() -> None:
    # Pillow warns about the damage and recovers; under this suite's warnings-as-errors it must still decode.
    broken_exif = b"Exif\x00\x00II*\x00\xff\xff\xff\xff" + bytes(32)
    image = decode(encode(scene(10), "JPEG", exif=broken_exif), LIMIT)
    assert image.format == "JPEG"


def test_a_large_deep_image_decodes_through_a_small_thumbnail() -> None:
    # 16-bit RGBA, 3000 x 2000: shrunk before any mode conversion copies it.
    deep = Image.new("RGBA", (3000, 2000), (10, 200, 30, 128))
    image = decode(encode(deep, "PNG"), LIMIT)
    assert image.size == (3000, 2000)
    assert np.isfinite(image.features).all()


def test_pixel_limit_is_the_configured_one() -> None:
    data = encode(scene(9, (100, 100)), "PNG")
    assert decode(data, 10_000).size == (100, 100)
    with pytest.raises(ApiError):
        decode(data, 9_999)


@pytest.mark.parametrize(
    ("head", "media_type"),
    [
        (b"\x00\x00\x00\x18ftypmp42", "video/mp4"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81", "video/webm"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", "audio/wav"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00", "audio/mpeg"),
        (b"OggS\x00\x02\x00\x00", "audio/ogg"),
        (b"just text", None),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", None),
    ],
)
def test_audio_and_video_are_recognised_by_signature(head: bytes, media_type: str | None) -> None:
    assert sniff_audio_video(head) == media_type
