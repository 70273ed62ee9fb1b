"""What schemathesis needs to know about this API, for the pytest suite and for `memories-conformance` alike.

Imported by `contract_tests/test_schemathesis.py` and by `schemathesis_run` (`memories-conformance`):

- strategies that put real images (of the types embedImage's `file` encoding names) in `format: binary` parts, so that
  positive cases reach the happy path instead of being refused as undecodable;
- the contract's own check: an envelope's `code` agrees with the HTTP status and is an integer or a
  string token, never a float (JSON Schema counts 200.0 as an integer; typed clients do not);
- narrow filters for schemathesis 4.32.5 false positives and for one thing a schema cannot say, each
  dropping one failure kind in one place and naming why.
"""

import json
import re
from dataclasses import dataclass, field
from typing import Any

import hypothesis.strategies as st
import schemathesis
from PIL import Image
from schemathesis.core.failures import AcceptedNegativeData, Failure
from schemathesis.core.parameters import ParameterLocation
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.transport.serialization import Binary

from memories_contract.envelopes import code_problem
from memories_contract.images import encode, pillow_format
from memories_spec import MULTIPART, accepted_image_types, multipart_body_is_valid

# The images embedImage accepts, by media type, with the Pillow format that writes each.
IMAGE_FORMATS = {media_type: pillow_format(media_type) for media_type in accepted_image_types()}


def _draw_image(image_format: str, width: int, height: int, background: int, accent: int) -> bytes:
    image = Image.new("RGB", (width, height), (background, 255 - background, accent))
    image.paste((accent, background, 255 - accent), (0, 0, max(1, width // 2), max(1, height // 2)))
    return encode(image, image_format)


def images(image_format: str) -> st.SearchStrategy[bytes]:
    """Small, decodable images of one format."""
    side = st.integers(1, 48)
    shade = st.integers(0, 255)
    return st.builds(_draw_image, st.just(image_format), side, side, shade, shade)


ANY_IMAGE = st.one_of(*(images(image_format) for image_format in IMAGE_FORMATS.values()))

# embedImage's `file` declares its media types in `encoding`, which selects these strategies;
# upload's `file` declares none, so the `binary` format strategy is the one that reaches it.
for _media_type, _image_format in IMAGE_FORMATS.items():
    schemathesis.openapi.media_type(_media_type, images(_image_format))
schemathesis.openapi.format("binary", ANY_IMAGE)


def _json_body(response: schemathesis.Response) -> Any:
    try:
        return json.loads(response.content)
    except ValueError:
        return None


@schemathesis.check
def envelope_code_matches_status(ctx: schemathesis.CheckContext, response: schemathesis.Response, case: Any) -> None:
    """`code` equals the HTTP status, as an integer or a string ("0000" for v1-style success)."""
    body = _json_body(response)
    if not isinstance(body, dict) or "code" not in body:
        return  # the schema checks decide whether an envelope was due
    problem = code_problem(body["code"], response.status_code)
    if problem is not None:
        raise AssertionError(problem)


@dataclass
class _Run:
    """What this run has seen so far, shared by every check instance (schemathesis keeps one per schema)."""

    uploaded: set[str] = field(default_factory=set)  # ids uploads returned: "Asset not found" is a real failure
    embedded_an_upload: bool = False
    stateful: bool = False

    def reset(self) -> None:
        """Forget what an earlier run saw: one process may run several (`memories-conformance` in a test)."""
        self.uploaded.clear()
        self.embedded_an_upload = False
        self.stateful = False


RUN = _Run()


def _asset_id(case: Any) -> str | None:
    asset_id = case.body.get("asset_id") if isinstance(case.body, dict) else None
    return asset_id if isinstance(asset_id, str) else None


@schemathesis.check
class uploads_are_embeddable:
    """An asset id an upload returned is found by the embedding endpoint, for the key that uploaded it.

    Records every uploaded id (so that `unknown_asset` below spares them) and, once a run with the stateful
    phase is over, fails if no uploaded id was ever embedded: that phase follows the spec's link from upload
    to embedding."""

    def after_response(self, ctx: schemathesis.CheckContext, response: schemathesis.Response, case: Any) -> None:
        RUN.stateful = RUN.stateful or (case.meta is not None and case.meta.phase.name == "stateful")
        body = _json_body(response)
        if case.operation.label == "POST /upload" and response.status_code == 200 and isinstance(body, dict):
            data = body.get("data")
            if isinstance(data, dict) and isinstance(data.get("asset_id"), str):
                RUN.uploaded.add(data["asset_id"])
        elif case.operation.label == "POST /embeddings/image" and _asset_id(case) in RUN.uploaded:
            if response.status_code == 200:
                RUN.embedded_an_upload = True
            elif _msg(response) == "Asset not found":
                raise AssertionError(f"the uploaded asset {_asset_id(case)} was not found")

    def after_run(self, ctx: schemathesis.CheckContext) -> None:
        if RUN.stateful and RUN.uploaded and not RUN.embedded_an_upload:
            raise AssertionError("no asset id returned by an upload was ever embedded by its id")


def _msg(response: schemathesis.Response) -> object:
    body = _json_body(response)
    return body.get("msg") if isinstance(body, dict) else None


def unknown_asset(failure: Failure, case: Any, response: schemathesis.Response) -> bool:
    """A well-formed asset id that no upload of this run produced: 400 "Asset not found" is right.

    No schema can say "an id that exists"; ids that uploads returned are spared (`uploads_are_embeddable`)."""
    return (
        isinstance(failure, RejectedPositiveData)
        and _asset_id(case) not in RUN.uploaded
        and case.operation.label == "POST /embeddings/image"
        and (case.media_type or "").startswith("application/json")
        and response.status_code == 400
        and _msg(response) == "Asset not found"
    )


def stateful_multipart_relabel(failure: Failure, case: Any, response: schemathesis.Response) -> bool:
    """A stateful multipart step whose positive/negative label schemathesis got wrong, by the label recomputed here.

    schemathesis 4.32.5 re-labels a stateful case once a link has changed its body
    (`OpenApiSchema.revalidate_case_metadata`, specs/openapi/schemas.py), validating the body as JSON; but
    `Case._validate_component` (generation/case.py) counts any body that holds bytes as invalid, so every
    multipart body carrying a file reads as negative and a valid 200 is flagged "Schema-violating request
    accepted". The reverse also occurs: a negative body whose `file` is text reads as positive once the link
    fixed its `model`, and its 4xx is flagged "Schema-valid request rejected". The re-labelling came with the fix
    of schemathesis#2983; no upstream issue covers bytes (#4268, a crash on the same bodies, is the nearest).

    Only steps a link feeds are re-labelled (embedImage's, from upload's `EmbedUploadedAsset`), so only they
    are looked at. Their label is recomputed: the body against the operation's multipart schema, a file standing as a
    placeholder (`spec.multipart_body_is_valid`, which the client's request checks use too), and the other
    components as schemathesis labelled them. The failure is dropped only when that label disagrees with
    schemathesis's; a body that is really invalid (an unknown `model` beside a real image) keeps its failure."""
    meta = case.meta
    if (
        meta is None
        or meta.phase.name != "stateful"
        or not isinstance(failure, AcceptedNegativeData | RejectedPositiveData)
        or not (case.media_type or "").startswith(MULTIPART)
        or not isinstance(case.body, dict)
        or case.operation.label not in case.operation.schema.operations_with_incoming_links()
    ):
        return False
    fields = {name: value.data if isinstance(value, Binary) else value for name, value in case.body.items()}
    others_positive = all(
        info.mode.is_positive for location, info in meta.components.items() if location != ParameterLocation.BODY
    )
    positive = others_positive and multipart_body_is_valid(case.operation.path, fields)
    return bool(positive != meta.generation.mode.is_positive)


def coverage_empty_enum_field(failure: Failure, case: Any, response: schemathesis.Response) -> bool:
    """schemathesis 4.32.5 bug (specs/openapi/coverage/_operation.py, _generate_multipart_body_from_custom_strategies):
    once a media-type strategy matches a part's `encoding`, the coverage case "Multipart body with custom
    encoding" fills the other required fields with "" regardless of their `enum`, and calls the case positive.
    `model` = "" is rightly refused. No upstream issue yet; kin to the multipart coverage fixes of #3777."""
    meta = case.meta
    return (
        isinstance(failure, RejectedPositiveData)
        and meta is not None
        and meta.phase.name == "coverage"
        and getattr(meta.phase.data, "description", None) == "Multipart body with custom encoding"
        and isinstance(case.body, dict)
        and case.body.get("model") == ""
        and response.status_code == 400
    )


# What RFC 9110 (5.5) forbids in a field value: control characters but horizontal tab.
_FIELD_VALUE_CONTROLS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def multipart_name_with_controls(failure: Failure, case: Any, response: schemathesis.Response) -> bool:
    """A positive multipart body with an extra field whose name holds control characters, refused with 400.

    The schemas allow extra fields, and schemathesis 4.32.5 draws their names from any characters; but a name travels
    in a part's Content-Disposition header, where RFC 9110 forbids control characters, and strict multipart parsers
    (aiohttp's, say) refuse the body. schemathesis#3696 (fixed by #3706) is the same false positive for request
    headers; nothing covers part headers yet."""
    return (
        isinstance(failure, RejectedPositiveData)
        and (case.media_type or "").startswith(MULTIPART)
        and isinstance(case.body, dict)
        and any(_FIELD_VALUE_CONTROLS.search(str(name)) for name in case.body)
        and response.status_code == 400
    )


FALSE_POSITIVES = (unknown_asset, stateful_multipart_relabel, coverage_empty_enum_field, multipart_name_with_controls)


@schemathesis.hook
def filter_failure(context: schemathesis.HookContext, failure: Failure, case: Any, response: Any) -> bool:
    """Keep every failure except the known false positives above."""
    return not any(matches(failure, case, response) for matches in FALSE_POSITIVES)
