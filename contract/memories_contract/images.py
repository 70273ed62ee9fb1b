"""Pictures for tests, drawn and encoded in memory."""

import io

import numpy as np
from PIL import Image, ImageDraw


def scene(seed: int, size: tuple[int, int] = (320, 240)) -> Image.Image:
    """A picture of random coloured ellipses on a random background: different for each seed."""
    generator = np.random.default_rng(seed)

    def colour() -> tuple[int, int, int]:
        red, green, blue = (int(value) for value in generator.integers(0, 256, 3))
        return red, green, blue

    image = Image.new("RGB", size, colour())
    draw = ImageDraw.Draw(image)
    for _ in range(8):
        left, top = int(generator.integers(0, size[0])), int(generator.integers(0, size[1]))
        right, bottom = left + int(generator.integers(10, 150)), top + int(generator.integers(10, 150))
        draw.ellipse([left, top, right, bottom], fill=colour())
    return image


def noise(seed: int, side: int = 128) -> Image.Image:
    """Uniform random RGB noise."""
    pixels = np.random.default_rng(seed).integers(0, 256, (side, side, 3), dtype=np.uint8)
    return Image.fromarray(pixels)


def pillow_format(media_type: str) -> str:
    """The Pillow format that writes `media_type`: the first registered (a format's variants, like DIB for BMP,
    come after it)."""
    Image.init()
    return next(name for name, registered in Image.MIME.items() if registered == media_type)


def encode(image: Image.Image, image_format: str = "PNG", **options: object) -> bytes:
    """The image's file content in `image_format`."""
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()
