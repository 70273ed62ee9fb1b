"""Probes: the documented facts no schema states, each a few requests and a judgement of their answers.

- `upload`: an upload answers an asset id (the asset method needs one);
- `dimensions[<model>]`: each model's vector length, by file and by asset id; finite numbers only;
- `methods-agree[<model>]`: one image by file and by its asset id gives the same vector; `repeatable`: the same
  request twice does too (cosine >= 0.999 rather than equality: a real model may differ in the last bits);
- `format[<media type>]`: each documented image type embeds;
- `similarity`: each image is nearer its own re-encoded, slightly resized copy than every other picture of the run
  (an ordering, not a threshold: real models and the mock differ in scale; four pictures, so that random vectors pass
  by chance about once in 2,400 runs);
- `refusal[...]`: a text file gets a 400 or a 415; an empty file, a truncated PNG and a truncated JPEG a 400, never a
  5xx; an unknown model a 400, by either method; a missing or a wrong key a 401; each refusal in the documented
  envelope, with `code` equal to the status;
- `ownership`: an asset uploaded with API_KEY is not found with API_KEY_2 (not run without that second key).
"""

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from memories_contract import images
from memories_contract.envelopes import code_problem
from memories_contract.exchanges import Call, Credential, Exchange, FilePart, embed_asset, embed_file, upload
from memories_contract.facts import (
    EMBED_PATH,
    IMAGE_TYPES,
    MODEL_DIMENSIONS,
    MODELS,
    UNKNOWN_MODEL,
    UPLOAD_PATH,
    documented_status,
    is_documented,
    schema_errors,
)

AGREEMENT = 0.999
"""The cosine at or above which two vectors of one image count as the same."""

Exchanges = Mapping[Call, Exchange]


@dataclass(frozen=True)
class Verdict:
    """A probe's judgement: passed or not, in one line, and the calls that show a failure."""

    passed: bool
    detail: str
    culprits: tuple[Call, ...] = ()


@dataclass(frozen=True)
class Probe:
    """A documented fact, the calls that show it, and how their answers are judged."""

    name: str
    calls: tuple[Call, ...]
    judge: Callable[[Exchanges], Verdict]
    needs: Credential | None = None
    """A credential the run may lack, without which the probe does not run."""


class Pictures:
    """The files the probes send: drawn and encoded once, the same every run."""

    def __init__(self) -> None:
        self._scenes = [images.scene(seed) for seed in (1101, 2202, 3303, 4404)]
        self.scenes = [
            FilePart(f"scene-{index}.png", images.encode(scene, "PNG"), "image/png")
            for index, scene in enumerate(self._scenes)
        ]
        self.subject = self.scenes[0]
        # Each scene shrunk by a tenth and saved as a JPEG: what a user's pipeline does to a picture.
        self.copies = [
            FilePart(
                f"scene-{index}-copy.jpg",
                images.encode(scene.resize((scene.width * 9 // 10, scene.height * 9 // 10)), "JPEG", quality=90),
                "image/jpeg",
            )
            for index, scene in enumerate(self._scenes)
        ]
        self.formats = {media_type: self._encoded(media_type) for media_type in IMAGE_TYPES}

    def _encoded(self, media_type: str) -> FilePart:
        if media_type == self.subject.media_type:
            return self.subject
        image_format = images.pillow_format(media_type)
        return FilePart(f"scene-0.{image_format.lower()}", images.encode(self._scenes[0], image_format), media_type)

    def truncated(self, media_type: str) -> FilePart:
        """The subject in `media_type`, cut in half."""
        whole = self.formats[media_type]
        return FilePart(f"truncated-{whole.filename}", whole.content[: len(whole.content) // 2], media_type)


def vector_of(exchange: Exchange) -> tuple[list[float] | None, str | None]:
    """The vector of a successful embedding, all finite numbers, or why there is none."""
    what = exchange.call.describe()
    if exchange.status != 200:
        return None, f"{what} answered {exchange.answer()}, not 200"
    body = exchange.json_body
    data = body.get("data") if isinstance(body, dict) else None
    vector = data.get("embedding") if isinstance(data, dict) else None
    if not isinstance(vector, list) or not vector:
        return None, f"{what} answered 200 without a vector in data.embedding"
    if not all(isinstance(value, int | float) and not isinstance(value, bool) for value in vector):
        return None, f"{what}: the vector holds values that are no numbers"
    if not all(math.isfinite(value) for value in vector):
        return None, f"{what}: the vector holds NaN or infinite numbers"
    return [float(value) for value in vector], None


def embedding_problems(exchange: Exchange, model: str) -> list[str]:
    """What is wrong with `exchange` as an embedding with `model`: status, envelope, numbers, length."""
    vector, problem = vector_of(exchange)
    if vector is None:
        return [problem or "no vector"]
    what = exchange.call.describe()
    problems = [f"{what}: {error}" for error in schema_errors(EMBED_PATH, 200, exchange.json_body)]
    if len(vector) != MODEL_DIMENSIONS[model]:
        problems.insert(0, f"{what}: {len(vector)} numbers, not the {MODEL_DIMENSIONS[model]} of {model}")
    return problems


def _cosine(first: Sequence[float], second: Sequence[float]) -> float:
    a, b = np.asarray(first), np.asarray(second)
    norms = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(a @ b) / norms if norms else 0.0


def _vectors(exchanges: Exchanges, calls: Sequence[Call]) -> tuple[list[list[float]], Verdict | None]:
    """The vectors of successful calls, or the verdict that they cannot be compared."""
    vectors = []
    for call in calls:
        vector, problem = vector_of(exchanges[call])
        if vector is None:
            return [], Verdict(False, f"cannot compare: {problem}", (call,))
        vectors.append(vector)
    if len({len(vector) for vector in vectors}) > 1:
        lengths = ", ".join(str(len(vector)) for vector in vectors)
        return [], Verdict(False, f"vectors that should agree have different lengths ({lengths})", tuple(calls))
    return vectors, None


def _embeds(calls: Sequence[Call], model: str, summary: str) -> Callable[[Exchanges], Verdict]:
    def judge(exchanges: Exchanges) -> Verdict:
        for call in calls:
            problems = embedding_problems(exchanges[call], model)
            if problems:
                return Verdict(False, "; ".join(problems), (call,))
        return Verdict(True, summary)

    return judge


def _agree(first: Call, second: Call, what: str) -> Callable[[Exchanges], Verdict]:
    def judge(exchanges: Exchanges) -> Verdict:
        vectors, cannot = _vectors(exchanges, [first, second])
        if cannot is not None:
            return cannot
        cosine = _cosine(*vectors)
        if cosine < AGREEMENT:
            return Verdict(False, f"{what} disagree: cosine {cosine:.6f} < {AGREEMENT}", (first, second))
        return Verdict(True, f"{what} agree: cosine {cosine:.6f}")

    return judge


def _nearest_copies(anchors: Sequence[Call], copies: Sequence[Call]) -> Callable[[Exchanges], Verdict]:
    def judge(exchanges: Exchanges) -> Verdict:
        vectors, cannot = _vectors(exchanges, [*anchors, *copies])
        if cannot is not None:
            return cannot
        count = len(anchors)
        for index in range(count):
            anchor, own_copy = vectors[index], vectors[count + index]
            own = _cosine(anchor, own_copy)
            others = [
                (_cosine(anchor, other), position)
                for position, other in enumerate(vectors)
                if position not in (index, count + index)
            ]
            nearest, position = max(others)
            if nearest >= own:
                return Verdict(
                    False,
                    f"scene {index} is nearer an unrelated picture (cosine {nearest:.4f}) than its own resized copy "
                    f"({own:.4f})",
                    (anchors[index], copies[index], [*anchors, *copies][position]),
                )
        return Verdict(True, f"each of {count} pictures is nearest its own resized JPEG copy")

    return judge


def _refused(call: Call, expected: Callable[[int], bool], wanted: str) -> Callable[[Exchanges], Verdict]:
    def judge(exchanges: Exchanges) -> Verdict:
        exchange = exchanges[call]
        problem = refusal_problem(exchange, expected, wanted)
        if problem is not None:
            return Verdict(False, problem, (call,))
        return Verdict(True, f"{exchange.status} in the documented envelope")

    return judge


def refusal_problem(exchange: Exchange, expected: Callable[[int], bool], wanted: str) -> str | None:
    """What is wrong with `exchange` as a refusal with a status `expected` accepts (`wanted` says which)."""
    status = exchange.status
    if status is None:
        return f"{exchange.call.describe()} answered {exchange.answer()}"
    if not expected(status):
        server_error = ", a server error" if status >= 500 else ""
        return f"{exchange.call.describe()} answered {exchange.answer()}{server_error}, not {wanted}"
    if not is_documented(exchange.call.path, status):
        return (
            f"{exchange.call.describe()} answered {status}, which the spec does not document for {exchange.call.path}"
        )
    body = exchange.json_body
    if not isinstance(body, dict):
        content_type = exchange.content_type or "no content type"
        return f"{exchange.call.describe()} answered {status} without a JSON envelope ({content_type})"
    errors = schema_errors(exchange.call.path, status, body)
    if errors:
        return f"{exchange.call.describe()} answered {status} in no documented envelope: {errors[0]}"
    return code_problem(body.get("code"), status)


def _refusals(pictures: Pictures) -> list[Probe]:
    model = MODELS[0]
    bad_request, unauthorized = documented_status("BadRequest"), documented_status("Unauthorized")

    def exactly(status: int) -> tuple[Callable[[int], bool], str]:
        return (lambda answered: answered == status), str(status)

    # A file that is no image is refused as such: 400, or 415 (no accepted type). Another 4xx (401, 403, 413, 429...)
    # refuses it for something else, and shows nothing about how the deployment takes a text file.
    unsupported = documented_status("UnsupportedMediaType")
    not_an_image: tuple[Callable[[int], bool], str] = (
        (lambda answered: answered in (bad_request, unsupported)),
        f"{bad_request} or {unsupported}",
    )
    text = FilePart("notes.txt", b"memories-conformance: this file is text, not an image.\n", "text/plain")
    empty = FilePart("empty.png", b"", "image/png")
    cases: list[tuple[str, Call, tuple[Callable[[int], bool], str]]] = [
        ("text file", embed_file(text, model), not_an_image),
        ("empty file", embed_file(empty, model), exactly(bad_request)),
        ("truncated PNG", embed_file(pictures.truncated("image/png"), model), exactly(bad_request)),
        ("truncated JPEG", embed_file(pictures.truncated("image/jpeg"), model), exactly(bad_request)),
        ("unknown model by file", embed_file(pictures.subject, UNKNOWN_MODEL), exactly(bad_request)),
        ("unknown model by asset id", embed_asset(UNKNOWN_MODEL), exactly(bad_request)),
        ("missing key", missing_key_call(pictures), exactly(unauthorized)),
        ("wrong key", embed_file(pictures.subject, model, credential=Credential.WRONG), exactly(unauthorized)),
    ]
    return [Probe(f"refusal[{name}]", (call,), _refused(call, *expected)) for name, call, expected in cases]


def upload_call(pictures: Pictures) -> Call:
    """The run's upload: the asset the asset-id method embeds."""
    return upload(pictures.subject)


def missing_key_call(pictures: Pictures) -> Call:
    """An embedding that sends no key."""
    return embed_file(pictures.subject, MODELS[0], credential=Credential.NONE)


def preflight_calls(pictures: Pictures) -> tuple[Call, Call]:
    """The first calls of every run: free (no key; an upload), and they tell this API from a wrong URL."""
    return missing_key_call(pictures), upload_call(pictures)


def _uploaded(call: Call) -> Callable[[Exchanges], Verdict]:
    def judge(exchanges: Exchanges) -> Verdict:
        exchange = exchanges[call]
        if exchange.status != 200:
            return Verdict(False, f"{call.describe()} answered {exchange.answer()}, not 200", (call,))
        errors = schema_errors(UPLOAD_PATH, 200, exchange.json_body)
        if errors:
            return Verdict(False, f"{call.describe()} answered 200 in no documented envelope: {errors[0]}", (call,))
        return Verdict(True, f"asset id {exchange.json_body['data']['asset_id']}")

    return judge


def probes(pictures: Pictures) -> list[Probe]:
    """Every probe, in the order they run."""
    uploaded = upload_call(pictures)
    found = [Probe("upload", (uploaded,), _uploaded(uploaded))]
    by_file = {model: embed_file(pictures.subject, model) for model in MODELS}
    by_asset = {model: embed_asset(model) for model in MODELS}
    for model, length in MODEL_DIMENSIONS.items():
        calls = (by_file[model], by_asset[model])
        summary = f"{length} finite numbers by file and by asset id"
        found.append(Probe(f"dimensions[{model}]", calls, _embeds(calls, model, summary)))
    for model in MODELS:
        agree = _agree(by_file[model], by_asset[model], "by file and by asset id")
        found.append(Probe(f"methods-agree[{model}]", (by_file[model], by_asset[model]), agree))
    model = MODELS[0]
    again = embed_file(pictures.subject, model, attempt=2)
    found.append(Probe("repeatable", (by_file[model], again), _agree(by_file[model], again, "the same request twice")))
    for media_type, file in pictures.formats.items():
        call = embed_file(file, model)
        found.append(Probe(f"format[{media_type}]", (call,), _embeds([call], model, f"{media_type} embeds")))
    anchors = [embed_file(scene, model) for scene in pictures.scenes]
    copies = [embed_file(copy, model) for copy in pictures.copies]
    found.append(Probe("similarity", (*anchors, *copies), _nearest_copies(anchors, copies)))
    found += _refusals(pictures)
    foreign = embed_asset(model, credential=Credential.SECOND_KEY)
    found.append(Probe("ownership", (foreign,), _unknown_to_the_second_key(foreign), needs=Credential.SECOND_KEY))
    return found


def _unknown_to_the_second_key(call: Call) -> Callable[[Exchanges], Verdict]:
    bad_request = documented_status("BadRequest")
    wanted = f"{bad_request}: an asset of API_KEY is unknown to API_KEY_2"
    refused = _refused(call, lambda status: status == bad_request, wanted)

    def judge(exchanges: Exchanges) -> Verdict:
        verdict = refused(exchanges)
        if not verdict.passed and exchanges[call].status == documented_status("Unauthorized", call.path):
            # The likelier mistake is the tester's: a key of another deployment, or none at all.
            hint = "; is API_KEY_2 a key of this deployment? It must be another user's key that it accepts"
            return replace(verdict, detail=verdict.detail + hint)
        return verdict

    return judge
