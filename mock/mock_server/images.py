"""Uploaded files: which are images the API accepts, and a compact description of what each image shows.

An image is really decoded (Pillow), so truncated files, undecodable data and decompression bombs are
refused like the real API refuses them. What remains is a small thumbnail, turned into a feature vector
that changes little when the picture is re-encoded or resized: the basis of the mock's embeddings.
"""

import hashlib
import io
import threading
import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PIL import Image, UnidentifiedImageError

from mock_server.envelope import ApiError

# The formats the provider accepts, by Pillow's name, and the media type an upload of each is stored with.
MEDIA_TYPES: Mapping[str, str] = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "GIF": "image/gif",
    "WEBP": "image/webp",
    "BMP": "image/bmp",
    "TIFF": "image/tiff",
}
ACCEPTED_FORMATS = tuple(MEDIA_TYPES)
# What Pillow may report after opening one of them: a multi-picture JPEG, as cameras write, opens as MPO.
_DECODED_MEDIA_TYPES: Mapping[str, str] = {**MEDIA_TYPES, "MPO": MEDIA_TYPES["JPEG"]}

# The upload endpoint also takes video and audio, which this API cannot embed: recognised by signature.
_MEDIA_SIGNATURES: tuple[tuple[int, bytes, bytes, str], ...] = (
    # (offset, signature, second signature at offset 8 or b"", media type)
    (4, b"ftyp", b"", "video/mp4"),
    (0, b"\x1a\x45\xdf\xa3", b"", "video/webm"),
    (0, b"RIFF", b"AVI ", "video/x-msvideo"),
    (0, b"RIFF", b"WAVE", "audio/wav"),
    (0, b"FLV", b"", "video/x-flv"),
    (0, b"ID3", b"", "audio/mpeg"),
    (0, b"\xff\xfb", b"", "audio/mpeg"),
    (0, b"OggS", b"", "audio/ogg"),
    (0, b"fLaC", b"", "audio/flac"),
)

THUMBNAIL_SIDE = 16
# Colour matters less than layout; the small constant keeps a flat mid-grey image from having no direction.
_COLOUR_WEIGHT = 2.0
_BIAS = 1e-3
FEATURE_LENGTH = THUMBNAIL_SIDE * THUMBNAIL_SIDE * 3 + 3 + 1

Features = npt.NDArray[np.float32]

_CORRUPT = "Invalid image: the file is truncated or corrupt"
_NOT_AN_IMAGE = f"Unsupported image format: send {', '.join(ACCEPTED_FORMATS[:-1])} or {ACCEPTED_FORMATS[-1]}"
_QUIET_DECODING = threading.Lock()


@dataclass(frozen=True, eq=False)
class DecodedImage:
    """An accepted image: its content digest, format, size, and feature vector."""

    digest: str
    format: str
    size: tuple[int, int]
    features: Features

    @property
    def media_type(self) -> str:
        """The media type an upload of this image is stored with."""
        return _DECODED_MEDIA_TYPES[self.format]


def content_digest(data: bytes) -> str:
    """The identity of a file's content, shared by both input methods."""
    return hashlib.sha256(data).hexdigest()


def sniff_audio_video(data: bytes) -> str | None:
    """The media type of a video or audio file, recognised by its signature; None for anything else."""
    for offset, signature, second, media_type in _MEDIA_SIGNATURES:
        if data[offset : offset + len(signature)] == signature and (not second or data[8:12] == second):
            return media_type
    return None


class NotAnImage(ApiError):
    """The file is of no image format the API accepts (415)."""

    def __init__(self) -> None:
        super().__init__(415, _NOT_AN_IMAGE)


def decode(data: bytes, max_pixels: int, digest: str | None = None) -> DecodedImage:
    """Decode an image, or refuse it: 400 if empty, broken or too large, `NotAnImage` (415) if no image."""
    try:
        return _decode(data, max_pixels, digest)
    except Warning:
        # The host turns warnings into errors (pytest's `filterwarnings = error`, `python -W error`), and Pillow
        # warned about damage it recovers from, such as a corrupt EXIF block. Decode as a default host would. The
        # lock keeps concurrent decodes from interleaving their changes to the process-wide warning filters: Python
        # 3.11 has no per-thread filters, and Pillow warns from deep inside Image.open, so only this rare retry
        # changes them rather than every decode.
        with _QUIET_DECODING, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _decode(data, max_pixels, digest)


def _decode(data: bytes, max_pixels: int, digest: str | None) -> DecodedImage:
    if not data:
        raise ApiError(400, "Empty file")
    try:
        image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except UnidentifiedImageError:
        if _claimed_format(data) is not None:
            raise ApiError(400, _CORRUPT) from None
        raise NotAnImage() from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ApiError(400, "Image too large: it declares more pixels than the decoder allows") from None
    except Warning:
        raise
    except Exception:  # Pillow raises many kinds of error on hostile headers
        raise ApiError(400, _CORRUPT) from None
    with image:
        if image.format not in _DECODED_MEDIA_TYPES:
            raise NotAnImage()
        width, height = image.size
        if width * height > max_pixels:
            raise ApiError(400, f"Image too large: {width}x{height} pixels is over the limit of {max_pixels}")
        try:
            _verify(data)
            features = _features(image)
        except Warning:
            raise
        except Exception:  # a truncated or corrupt file fails somewhere inside the decoder
            raise ApiError(400, _CORRUPT) from None
        return DecodedImage(digest or content_digest(data), str(image.format), (width, height), features)


def _claimed_format(data: bytes) -> str | None:
    """The accepted format whose signature the file starts with, as Pillow's plugins recognise it."""
    Image.init()
    prefix = data[:16]
    for name in ACCEPTED_FORMATS:
        accept = Image.OPEN[name][1]
        if accept is not None and accept(prefix):
            return name
    return None


def _verify(data: bytes) -> None:
    # Pillow's integrity check (chunk checksums and the end marker, for PNG) needs an image of its own.
    with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as probe:
        probe.verify()


def _features(image: Image.Image) -> Features:
    # JPEG can decode at a fraction of its size; the thumbnail needs far less than full resolution.
    image.draft("RGB", (THUMBNAIL_SIDE * 8, THUMBNAIL_SIDE * 8))
    image.load()
    # Shrink first, so that mode conversions copy a small image rather than a decoded 50-megapixel one.
    image = _reducible(image)
    factor = min(image.size) // (THUMBNAIL_SIDE * 4)
    if factor > 1:
        image = image.reduce(factor)
    thumbnail = _as_rgb(image).resize((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.BOX)
    pixels = np.asarray(thumbnail, dtype=np.float32) / 255.0
    means = pixels.mean(axis=(0, 1))
    layout = (pixels - means).ravel()
    colour = (means - 0.5) * _COLOUR_WEIGHT
    return np.concatenate([layout, colour, np.array([_BIAS], dtype=np.float32)]).astype(np.float32)


def _reducible(image: Image.Image) -> Image.Image:
    """The image in a mode that `Image.reduce` averages: not bilevel, palette or 16-bit."""
    if image.mode == "1":
        return image.convert("L")
    if image.mode == "P":
        return image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode.startswith("I;16"):
        return image.convert("I")
    return image


def _as_rgb(image: Image.Image) -> Image.Image:
    if image.mode == "I":
        # 16-bit greyscale (PNG, TIFF), widened to 32 bits: scale to 8 bits instead of clipping to white.
        image = image.point(lambda value: value * (1 / 256)).convert("L")
    if "A" in image.getbands() or "transparency" in image.info:
        # Transparent areas show as white, as image viewers show them.
        rgba = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba)
    return image.convert("RGB")
