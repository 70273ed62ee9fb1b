"""Draws the sample pictures in this folder (run once; the files are committed): `python samples/draw.py`."""

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
SIZE = (320, 240)


def sunset() -> Image.Image:
    image = Image.new("RGB", SIZE)
    draw = ImageDraw.Draw(image)
    for y in range(SIZE[1]):
        draw.line([(0, y), (SIZE[0], y)], fill=(255, 120 + y // 3, 60 + y // 2))
    draw.ellipse([190, 60, 270, 140], fill=(255, 230, 90))
    draw.polygon([(0, 240), (0, 170), (90, 130), (180, 180), (260, 150), (320, 175), (320, 240)], fill=(60, 40, 70))
    return image


def city() -> Image.Image:
    image = Image.new("RGB", SIZE, (20, 30, 60))
    draw = ImageDraw.Draw(image)
    for index, (width, height) in enumerate([(40, 150), (55, 90), (35, 190), (60, 120), (45, 170), (50, 100)]):
        left = 8 + index * 52
        draw.rectangle([left, SIZE[1] - height, left + width, SIZE[1]], fill=(70 + index * 15, 70, 90))
        for row in range(SIZE[1] - height + 8, SIZE[1] - 8, 16):
            draw.rectangle([left + 6, row, left + 12, row + 6], fill=(250, 220, 120))
    return image


def checkers() -> Image.Image:
    image = Image.new("RGB", SIZE, (240, 240, 240))
    draw = ImageDraw.Draw(image)
    for row in range(0, SIZE[1], 40):
        for column in range(0, SIZE[0], 40):
            if (row + column) // 40 % 2:
                draw.rectangle([column, row, column + 39, row + 39], fill=(30, 90, 160))
    return image


def rings() -> Image.Image:
    image = Image.new("RGB", SIZE, (250, 250, 235))
    draw = ImageDraw.Draw(image)
    for radius, colour in zip(
        range(110, 0, -22), [(200, 30, 30), (240, 240, 240), (30, 30, 200), (240, 240, 240), (250, 200, 0)], strict=True
    ):
        draw.ellipse([160 - radius, 120 - radius, 160 + radius, 120 + radius], fill=colour)
    return image


def main() -> None:
    sunset().save(HERE / "sunset.png", optimize=True)
    # The same picture, 10% smaller and re-encoded: its embedding should stay close to the original's.
    sunset().resize((288, 216), Image.Resampling.LANCZOS).save(HERE / "sunset-small.jpg", quality=90)
    city().save(HERE / "city.webp", quality=90)
    checkers().convert("P", palette=Image.Palette.ADAPTIVE, colors=4).save(HERE / "checkers.gif")
    rings().save(HERE / "rings.bmp")
    rings().rotate(90, expand=True).save(HERE / "rings-rotated.tiff", compression="tiff_deflate")


if __name__ == "__main__":
    main()
