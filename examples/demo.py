"""`make demo` (`python -m examples.demo`): start the mock, embed the sample images with `Memories` by both input
methods (upload then asset id, and the file itself), print the vector lengths and a cosine-similarity table, and
stop the mock.
"""

import math
import sys
from pathlib import Path

from memories_client.models import EmbeddingModel
from memories_sdk import Memories, MemoriesError
from memories_sdk.files import IMAGE_TYPES
from mock_server import Settings, run_mock

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
MODELS: tuple[EmbeddingModel, ...] = ("multimodalembedding@001", "mobileclip")


def cosine(first: list[float], second: list[float]) -> float:
    return math.fsum(a * b for a, b in zip(first, second, strict=True)) / math.sqrt(
        math.fsum(a * a for a in first) * math.fsum(b * b for b in second)
    )


def main() -> int:
    images = sorted(path for path in SAMPLES.iterdir() if path.suffix.lower() in IMAGE_TYPES)
    vectors: dict[str, list[float]] = {}
    with run_mock(Settings(access_log=False)) as mock, Memories(mock.api_key, base_url=mock.base_url) as client:
        print(f"Mock serving at {mock.base_url}\n")
        print(f"{'image':<20} {'asset id':<23} " + " ".join(f"{model:>24}" for model in MODELS) + "  methods agree")
        for image in images:
            asset_id = client.assets.upload(file=image).data.asset_id
            lengths, agree = [], True
            for model in MODELS:
                by_asset = client.embeddings.image(asset_id=asset_id, model=model).data.embedding
                by_file = client.embeddings.image(file=image, model=model).data.embedding
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
    except MemoriesError as error:
        print(f"demo failed: {error}", file=sys.stderr)
        sys.exit(1)
