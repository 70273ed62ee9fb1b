"""Deterministic embeddings with the real models' lengths, useful for testing similarity pipelines.

Each model has a fixed Gaussian random projection (seeded by the model's name) from the image features to
its vector length. A random projection keeps angles, so pictures whose thumbnails agree (the same picture
re-encoded or resized) get vectors with cosine near 1, and unrelated pictures get cosine near 0.
Vectors have unit L2 norm and are rounded to 8 decimals, which keeps them identical across runs.
"""

import json
import zlib
from collections.abc import Mapping
from functools import cache

import numpy as np
import numpy.typing as npt

from memories_spec import model_dimensions
from mock_server.cache import LruCache
from mock_server.envelope import success_body
from mock_server.images import FEATURE_LENGTH, DecodedImage

# The real models' vector lengths, as the spec states them (`x-dimensions`).
MODEL_DIMENSIONS: Mapping[str, int] = model_dimensions()

Vector = npt.NDArray[np.float64]


@cache
def _projection(model: str) -> Vector:
    generator = np.random.default_rng(zlib.crc32(model.encode()))
    return generator.standard_normal((MODEL_DIMENSIONS[model], FEATURE_LENGTH))


def embed(image: DecodedImage, model: str) -> Vector:
    """The unit-length embedding of an image under a model."""
    # einsum's own loop, not `@`: numpy hands a product this size to OpenBLAS, whose threads then spin between
    # requests, taking the cores that the event loop, the decoding threads and the client need (bulk embedding ran
    # 2-4x slower). The rounded vectors are the same.
    vector: Vector = np.einsum("ij,j->i", _projection(model), image.features.astype(np.float64))
    return (vector / np.linalg.norm(vector)).round(8)


class Embedder:
    """Embeds images, keeping the encoded response bodies of the most recent ones."""

    def __init__(self, cache_size: int = 4096) -> None:
        self._bodies: LruCache[tuple[str, str], bytes] = LruCache(cache_size)

    def cached_body(self, digest: str, model: str) -> bytes | None:
        """The success body for an image already embedded under `model`, if still cached."""
        return self._bodies.get((digest, model))

    def body(self, image: DecodedImage, model: str) -> bytes:
        """The success envelope holding the image's embedding under `model`, computed now and cached."""
        body = success_body(b'{"embedding":' + json.dumps(embed(image, model).tolist()).encode() + b"}")
        self._bodies.put((image.digest, model), body)
        return body
