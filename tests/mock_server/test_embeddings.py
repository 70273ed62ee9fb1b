"""Embeddings: the models' real lengths, unit norm, deterministic, and similar for similar pictures."""

import itertools
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from memories_contract.images import encode, noise, scene
from mock_server.embeddings import MODEL_DIMENSIONS, Embedder, embed
from mock_server.images import decode

LIMIT = 50_000_000
MODELS = sorted(MODEL_DIMENSIONS)
SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "sunset.png"


def vector(data: bytes, model: str) -> np.ndarray:
    return embed(decode(data, LIMIT), model)


@pytest.mark.parametrize(("model", "length"), [("multimodalembedding@001", 1408), ("mobileclip", 512)])
def test_length_is_the_models_real_one(model: str, length: int) -> None:
    assert vector(encode(scene(1)), model).shape == (length,)


@pytest.mark.parametrize("model", MODELS)
def test_vectors_are_finite_with_unit_norm(model: str) -> None:
    for image in (scene(2), noise(3), Image.new("RGB", (50, 50), (128, 128, 128)), Image.new("RGB", (9, 9))):
        result = vector(encode(image), model)
        assert np.isfinite(result).all()
        assert abs(np.linalg.norm(result) - 1.0) < 1e-6


def test_models_give_unrelated_vectors() -> None:
    # Were the models to share one projection, the first 512 numbers of the longer vector would point the same way as
    # the shorter one (differing only by length): compare directions, not numbers.
    data = encode(scene(4))
    longer, shorter = vector(data, "multimodalembedding@001")[:512], vector(data, "mobileclip")
    assert abs(float(longer @ shorter) / float(np.linalg.norm(longer))) < 0.3


def test_same_image_same_vector_across_calls() -> None:
    data = encode(scene(5), "JPEG")
    assert vector(data, "mobileclip").tolist() == vector(data, "mobileclip").tolist()


def test_same_image_same_vector_across_processes() -> None:
    program = (
        "import json, sys\n"
        "from mock_server.embeddings import embed\n"
        "from mock_server.images import decode\n"
        "print(json.dumps(embed(decode(open(sys.argv[1], 'rb').read(), 10**8), 'mobileclip').tolist()))\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", program, str(SAMPLE)], capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(output) == vector(SAMPLE.read_bytes(), "mobileclip").tolist()


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("seed", range(6))
def test_reencoded_or_resized_picture_stays_close(model: str, seed: int) -> None:
    picture = scene(seed)
    original = vector(encode(picture, "PNG"), model)
    as_jpeg = vector(encode(picture, "JPEG", quality=90), model)
    width, height = picture.size
    smaller = vector(encode(picture.resize((width * 9 // 10, height * 9 // 10), Image.Resampling.LANCZOS)), model)
    larger = vector(encode(picture.resize((width * 11 // 10, height * 11 // 10), Image.Resampling.LANCZOS)), model)
    assert float(original @ as_jpeg) >= 0.9
    assert float(original @ smaller) >= 0.9
    assert float(original @ larger) >= 0.9


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("kind", ["noise", "scenes"])
def test_unrelated_random_pictures_are_nearly_orthogonal(model: str, kind: str) -> None:
    make = noise if kind == "noise" else scene
    vectors = [vector(encode(make(100 + seed)), model) for seed in range(20)]
    cosines = [abs(float(first @ second)) for first, second in itertools.combinations(vectors, 2)]
    assert float(np.mean(cosines)) <= 0.2


def test_embedder_body_is_the_success_envelope_and_is_cached() -> None:
    embedder = Embedder(cache_size=1)
    image = decode(encode(scene(7)), LIMIT)
    assert embedder.cached_body(image.digest, "mobileclip") is None
    body = embedder.body(image, "mobileclip")
    envelope = json.loads(body)
    assert envelope == {
        "code": 200,
        "msg": "success",
        "data": {"embedding": envelope["data"]["embedding"]},
        "success": True,
        "failed": False,
    }
    assert envelope["data"]["embedding"] == embed(image, "mobileclip").tolist()
    assert embedder.cached_body(image.digest, "mobileclip") is body
    embedder.body(image, "multimodalembedding@001")  # evicts the first body (cache of one)
    assert embedder.cached_body(image.digest, "mobileclip") is None
