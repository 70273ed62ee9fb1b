"""The probes' judgements, on answers made up here: what each accepts and what it refuses, and why."""

import io
import json
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest
from PIL import Image

from memories_contract.exchanges import Call, Exchange
from memories_contract.facts import IMAGE_TYPES, MODEL_DIMENSIONS, UNKNOWN_MODEL
from memories_contract.probes import Pictures, Probe, Verdict, probes, vector_of

PICTURES = Pictures()
PROBES = {probe.name: probe for probe in probes(PICTURES)}


def answered(call: Call, status: int, body: Any, content_type: str = "application/json") -> Exchange:
    """The exchange of `call`, answered with `status` and `body` (JSON unless bytes)."""
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    parsed = None if isinstance(body, bytes) else body
    headers = {"content-type": content_type}
    started = datetime.now(UTC)
    return Exchange(call, started, "http://deployment/v2", {}, b"", status, headers, content, json_body=parsed)


def answers(probe: Probe, vectors: Any) -> dict[Call, Exchange]:
    """Each call of `probe` answered with the next of `vectors`, made unit vectors."""
    return {
        call: answered(call, 200, embedding(unit(vector))) for call, vector in zip(probe.calls, vectors, strict=True)
    }


def envelope(status: int, msg: str = "Bad", data: Any = None) -> dict[str, Any]:
    return {"code": status, "msg": msg, "data": data, "success": status == 200, "failed": status != 200}


def embedding(vector: Any) -> dict[str, Any]:
    return envelope(200, "success", {"embedding": vector})


def judge(probe: Probe, answers: dict[Call, Exchange]) -> Verdict:
    return probe.judge(answers)


def unit(vector: Any) -> list[float]:
    array = np.asarray(vector, dtype=float)
    return [float(value) for value in array / np.linalg.norm(array)]


def test_the_probes_cover_every_documented_fact() -> None:
    models = [f"dimensions[{model}]" for model in MODEL_DIMENSIONS]
    formats = [f"format[{media_type}]" for media_type in IMAGE_TYPES]
    refusals = ["text file", "empty file", "truncated PNG", "truncated JPEG", "unknown model by file",
                "unknown model by asset id", "missing key", "wrong key"]  # fmt: skip
    expected = {"upload", "repeatable", "similarity", "ownership", *models, *formats}
    assert expected | {f"refusal[{name}]" for name in refusals} | {
        f"methods-agree[{m}]" for m in MODEL_DIMENSIONS
    } == set(PROBES)
    assert len(PROBES) == len(probes(PICTURES))  # names are unique
    assert UNKNOWN_MODEL not in MODEL_DIMENSIONS


def test_the_pictures_are_what_their_names_say() -> None:
    for media_type, file in PICTURES.formats.items():
        with Image.open(io.BytesIO(file.content)) as image:
            assert Image.MIME[str(image.format)] == media_type
            image.load()
    for media_type in ("image/png", "image/jpeg"):  # the two the probes truncate
        with (
            pytest.raises(OSError, match="truncated"),
            Image.open(io.BytesIO(PICTURES.truncated(media_type).content)) as image,
        ):
            image.load()
    assert len(PICTURES.scenes) == len(PICTURES.copies) == 4
    with (
        Image.open(io.BytesIO(PICTURES.copies[0].content)) as copy,
        Image.open(io.BytesIO(PICTURES.subject.content)) as subject,
    ):
        assert (copy.format, copy.width) == ("JPEG", subject.width * 9 // 10)


@pytest.mark.parametrize(
    ("vector", "problem"),
    [
        ([0.1] * 1408, None),
        ([0.1] * 1024, "1024 numbers, not the 1408 of multimodalembedding@001"),
        ([float("nan")] + [0.1] * 1407, "NaN or infinite"),
        ([True] * 1408, "values that are no numbers"),
        ([], "without a vector"),
    ],
)
def test_dimensions_wants_the_models_length_in_finite_numbers(vector: list[Any], problem: str | None) -> None:
    probe = PROBES["dimensions[multimodalembedding@001]"]
    answers = {call: answered(call, 200, embedding(vector)) for call in probe.calls}
    verdict = judge(probe, answers)
    assert verdict.passed is (problem is None)
    if problem is not None:
        assert problem in verdict.detail
        assert verdict.culprits == (probe.calls[0],)


def test_methods_agree_within_the_last_bits_and_no_further() -> None:
    probe = PROBES["methods-agree[mobileclip]"]
    vector = np.random.default_rng(1).standard_normal(512)
    for moved, passes in ((1e-4, True), (0.2, False)):
        other = vector + np.random.default_rng(2).standard_normal(512) * moved
        verdict = judge(probe, answers(probe, [vector, other]))
        assert verdict.passed is passes, verdict.detail
    assert "disagree: cosine" in verdict.detail


def test_similarity_is_an_ordering_that_random_vectors_fail() -> None:
    probe = PROBES["similarity"]
    anchors = np.random.default_rng(3).standard_normal((4, 64))
    half = len(probe.calls) // 2
    # Like a real model: every picture alike (cosine about 0.8), each copy nearer still.
    alike = anchors * 0.5 + 1.0
    copies = alike + np.random.default_rng(4).standard_normal((4, 64)) * 0.05
    related = dict(zip(probe.calls, [answered(call, 200, embedding(unit(vector))) for call, vector
                                     in zip(probe.calls, [*alike, *copies], strict=True)], strict=True))  # fmt: skip
    assert judge(probe, related).passed
    noise = np.random.default_rng(5).standard_normal((2 * half, 64))
    unrelated = {
        call: answered(call, 200, embedding(unit(vector))) for call, vector in zip(probe.calls, noise, strict=True)
    }
    verdict = judge(probe, unrelated)
    assert not verdict.passed
    assert "than its own resized copy" in verdict.detail


@pytest.mark.parametrize(
    ("status", "body", "problem"),
    [
        (400, envelope(400), None),
        (400, {"code": "400", "msg": "Bad", "data": None}, None),  # a string code, no success/failed: documented
        (500, envelope(500), "answered 500 'Bad', a server error, not 400"),
        (422, envelope(422), "not 400"),
        (400, {**envelope(400), "code": 401}, "`code` 401 disagrees with HTTP status 400"),
        (400, {"code": 400, "data": None}, "in no documented envelope"),
        (400, b"<html>Bad Request</html>", "without a JSON envelope (text/html)"),
    ],
)
def test_a_refusal_has_the_documented_status_and_envelope(status: int, body: Any, problem: str | None) -> None:
    probe = PROBES["refusal[truncated PNG]"]
    (call,) = probe.calls
    content_type = "text/html" if isinstance(body, bytes) else "application/json"
    verdict = judge(probe, {call: answered(call, status, body, content_type)})
    assert verdict.passed is (problem is None)
    if problem is not None:
        assert problem in verdict.detail


@pytest.mark.parametrize(
    ("status", "problem"),
    [
        (400, None),
        (415, None),
        (401, "not 400 or 415"),  # refused for something else: nothing shown about text files
        (429, "not 400 or 415"),
        (418, "not 400 or 415"),
        (200, "not 400 or 415"),
    ],
)
def test_a_text_file_is_refused_as_no_image(status: int, problem: str | None) -> None:
    probe = PROBES["refusal[text file]"]
    (call,) = probe.calls
    verdict = judge(probe, {call: answered(call, status, envelope(status))})
    assert verdict.passed is (problem is None), verdict.detail
    if problem is not None:
        assert problem in verdict.detail


def test_a_vector_is_read_only_from_a_success() -> None:
    (call,) = PROBES["format[image/gif]"].calls
    assert vector_of(answered(call, 200, embedding([3, 4]))) == ([3.0, 4.0], None)
    vector, problem = vector_of(answered(call, 415, envelope(415, "Unsupported")))
    assert vector is None
    assert problem is not None
    assert "answered 415 'Unsupported', not 200" in problem


@pytest.mark.parametrize(
    ("status", "passes", "hint"), [(400, True, False), (200, False, False), (404, False, False), (401, False, True)]
)
def test_ownership_wants_the_asset_unknown_and_a_refused_second_key_says_so(
    status: int, passes: bool, hint: bool
) -> None:
    probe = PROBES["ownership"]
    body = embedding([0.1] * 1408) if status == 200 else envelope(status)
    verdict = judge(probe, {call: answered(call, status, body) for call in probe.calls})
    assert verdict.passed is passes, verdict.detail
    assert ("is API_KEY_2 a key of this deployment?" in verdict.detail) is hint
