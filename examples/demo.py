"""`make demo` (`python -m examples.demo`): start the mock, embed the sample images through the generated
client by both input methods (upload then asset id, and the file itself), print the vector lengths and a
cosine-similarity table, and stop the mock.
"""

import math
import mimetypes
import sys
from pathlib import Path

from memories_client import AuthenticatedClient
from memories_client.api.assets import upload_asset
from memories_client.api.embeddings import embed_image
from memories_client.models import (
    EmbeddingModel,
    ImageEmbeddingAssetRequest,
    ImageEmbeddingFileRequest,
    ImageEmbeddingResponse,
    UploadRequest,
    UploadResponse,
)
from memories_client.types import File
from mock_server import Settings, run_mock

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
MODELS: tuple[EmbeddingModel, ...] = ("multimodalembedding@001", "mobileclip")


class DemoError(Exception):
    """The API refused a request the demo expected to succeed."""


def upload(client: AuthenticatedClient, image: Path) -> str:
    with image.open("rb") as handle:
        result = upload_asset.sync(client=client, body=UploadRequest(file=File(payload=handle, file_name=image.name)))
    if not isinstance(result, UploadResponse):
        raise DemoError(f"upload of {image.name} failed: {result}")
    return result.data.asset_id


def embed(client: AuthenticatedClient, body: ImageEmbeddingAssetRequest | ImageEmbeddingFileRequest) -> list[float]:
    result = embed_image.sync(client=client, body=body)
    if not isinstance(result, ImageEmbeddingResponse):
        raise DemoError(f"embedding failed: {result}")
    return result.data.embedding


def cosine(first: list[float], second: list[float]) -> float:
    return math.fsum(a * b for a, b in zip(first, second, strict=True)) / math.sqrt(
        math.fsum(a * a for a in first) * math.fsum(b * b for b in second)
    )


def main() -> int:
    images = sorted(
        path
        for path in SAMPLES.iterdir()
        if mimetypes.guess_type(path.name)[0]
        in {"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "image/tiff"}
    )
    vectors: dict[str, list[float]] = {}
    with run_mock(Settings(access_log=False)) as mock, mock.client() as client:
        print(f"Mock serving at {mock.base_url}\n")
        print(f"{'image':<20} {'asset id':<23} " + " ".join(f"{model:>24}" for model in MODELS) + "  methods agree")
        for image in images:
            asset_id = upload(client, image)
            lengths, agree = [], True
            for model in MODELS:
                by_asset = embed(client, ImageEmbeddingAssetRequest(asset_id=asset_id, model=model))
                with image.open("rb") as handle:
                    file = File(payload=handle, file_name=image.name, mime_type=mimetypes.guess_type(image.name)[0])
                    by_file = embed(client, ImageEmbeddingFileRequest(file=file, model=model))
                agree = agree and by_asset == by_file
                lengths.append(len(by_asset))
                if model == MODELS[0]:
                    vectors[image.name] = by_asset
            print(f"{image.name:<20} {asset_id:<23} " + " ".join(f"{length:>24}" for length in lengths) + f"  {agree}")
    print(f"\nCosine similarity ({MODELS[0]}):")
    names = list(vectors)
    print(" " * 20 + "".join(f"{name[:11]:>12}" for name in names))
    for row in names:
        print(f"{row:<20}" + "".join(f"{cosine(vectors[row], vectors[column]):>12.3f}" for column in names))
    print("\nsunset.png and sunset-small.jpg are one picture, resized by 10% and re-encoded: their vectors agree.")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except DemoError as error:
        print(f"demo failed: {error}", file=sys.stderr)
        sys.exit(1)
