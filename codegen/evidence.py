"""Evidence by execution: the client generated from OLD, run against what NEW allows.

Responses: bodies drawn from NEW's schema of each changed response are fed to OLD's generated parser
(`_build_response` of the operation's module: what `sync_detailed` and the others make of an answer); an exception
is a break, a result that contradicts its own annotations a warning, `None` for a status OLD never documented the
loss of that response.
Requests: arguments drawn from OLD's schemas (what OLD's users may pass) are sent by OLD's generated functions
through an httpx `MockTransport`; each request a server implementing NEW would refuse is a break.
Each failure comes with the smallest example hypothesis shrinks it to, from a fixed seed.
"""

import inspect
import io
import traceback
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
from hypothesis import strategies as st

from codegen.annotations import violations
from codegen.change import Change, Evidence, Site
from codegen.clients import GeneratedClient
from codegen.drawing import Failure, UnsupportedSchema, inline, smallest_failures, strategy
from codegen.naming import attribute_name, module_name
from codegen.operation_diff import operation_id, operation_pairs, operations
from codegen.ratings import Direction
from codegen.schema_diff import canonical
from codegen.wire import error_paths, refusals, schema_errors
from memories_spec import resolve

SEED = 14
EXAMPLES = 25
_BASE_URL = "http://server.invalid"


@dataclass(frozen=True)
class Side:
    """One side of the comparison: its spec and the client generated from it."""

    document: Mapping[str, Any]
    client: GeneratedClient


@dataclass
class _Run:
    old: Side
    new: Side
    touched: set[tuple[str, str]]
    seed: int
    examples: int
    found: list[Evidence] = field(default_factory=list)
    # Failures of OLD's parser on one (OLD schema, NEW schema) pair are the same wherever the pair occurs.
    parsed: dict[tuple[str, str, bool], list[tuple[Any, Failure]]] = field(default_factory=dict)


def _touched(changes: list[Change]) -> set[tuple[str, str]]:
    """The (operation, part) pairs that a change of what travels on the wire reaches."""
    return {
        (site.operation, site.part)
        for change in changes
        if change.direction is not Direction.NEITHER and not change.rule.documentation
        for site in change.sites
    }


def _json_schema(response: Mapping[str, Any]) -> Any | None:
    for media_type, media in response.get("content", {}).items():
        if "json" in media_type and "schema" in media:
            return media["schema"]
    return None


def _module(client: GeneratedClient, name: str) -> ModuleType | None:
    found = sorted(client.package_dir.glob(f"api/*/{name}.py"))
    if not found:
        return None
    return client.module(".".join(found[0].relative_to(client.package_dir).with_suffix("").parts))


def _jsonable(value: object) -> object:
    """A drawn value as JSON can show it (files as their size)."""
    if isinstance(value, bytes):
        return f"<file of {len(value)} bytes>"
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value


def _where(error: BaseException, root: Path) -> str:
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename.startswith(str(root))]
    if not frames:
        return ""
    last = frames[-1]
    return f" at {Path(last.filename).relative_to(root).as_posix()}:{last.lineno}"


def _raised(error: BaseException, root: Path) -> Failure:
    """What the client raised, and the error of its own code underneath (`MalformedResponse` wraps the parser's)."""
    cause = error.__cause__
    if cause is None:
        where = _where(error, root)
        return Failure(f"{type(error).__name__}{where}", f"{type(error).__name__}: {error}{where}")
    where = _where(cause, root)
    inner = f"{type(cause).__name__}: {cause}{where}"
    return Failure(f"{type(error).__name__} {type(cause).__name__}{where}", f"{type(error).__name__} from {inner}")


def _responses(run: _Run, old_operation: Mapping[str, Any], new_operation: Mapping[str, Any], name: str) -> None:
    module = _module(run.old.client, module_name(name))
    if module is None:
        return
    client = run.old.client.module("client").Client(base_url=_BASE_URL)
    namespace = vars(run.old.client.module("models"))
    for status, response in new_operation.get("responses", {}).items():
        part = f"response {status}"
        if (name, part) not in run.touched or not str(status).isdigit():
            continue
        new_schema = _json_schema(resolve(response, run.new.document))
        old_response = old_operation.get("responses", {}).get(status)
        old_schema = None if old_response is None else _json_schema(resolve(old_response, run.old.document))
        if new_schema is None:
            continue
        try:
            key = (
                canonical(inline(new_schema, run.new.document)),
                "" if old_schema is None else canonical(inline(old_schema, run.old.document)),
                old_response is not None,
            )
            if key[0] == key[1]:
                continue  # OLD's parser on NEW's bodies is OLD's parser on its own
            values = strategy(new_schema, run.new.document)
        except UnsupportedSchema:
            continue

        def check(body: Any, code: int = int(status)) -> Failure | None:
            try:
                # What `sync_detailed` and the others do with the answer: what their callers see.
                parsed = module._build_response(client=client, response=httpx.Response(code, json=body)).parsed
            except Exception as error:  # any exception of the old client is the finding
                return _raised(error, run.old.client.root)
            if parsed is None:
                return Failure("unparsed", f"returns None: OLD documents no {code} response")
            problems = violations(parsed, namespace)
            return Failure(f"type {problems[0].signature}", str(problems[0])) if problems else None

        if key not in run.parsed:
            run.parsed[key] = smallest_failures(values, check, seed=run.seed, examples=run.examples)
        for example, failure in run.parsed[key]:
            path: tuple[str, ...] = ()
            if old_schema is not None and failure.signature != "unparsed":
                errors = schema_errors(example, old_schema, run.old.document)
                path = error_paths(errors[0])[0] if errors else ()
            kind = (
                "unparsed"
                if failure.signature == "unparsed"
                else "type"
                if failure.signature.startswith("type ")
                else "exception"
            )
            breaking = kind == "exception" or (kind == "unparsed" and str(status).startswith("2"))
            run.found.append(Evidence(Site(name, part, path), kind, failure.message, _jsonable(example), breaking))


def _request_touched(run: _Run, name: str, media: str | None) -> bool:
    """Whether a change reaches the operation's requests of that media type (or all of them, or a parameter)."""
    return any(
        operation == name and (part in ("", f"request {media}", "request") or part.startswith("parameter "))
        for operation, part in run.touched
    )


def _body_classes(module: ModuleType, media_types: list[str], client: GeneratedClient) -> dict[str, Any]:
    """The model class of each request media type: the members of `body`'s union, in the spec's order."""
    annotation = inspect.signature(module.sync_detailed, eval_str=True).parameters["body"].annotation
    unset = client.module("types").Unset
    classes = [member for member in typing.get_args(annotation) or (annotation,) if member is not unset]
    if len(classes) != len(media_types):
        return {}
    return dict(zip(media_types, classes, strict=True))


def _requests(run: _Run, old_key: tuple[str, str], old_operation: Mapping[str, Any], name: str) -> None:
    body = resolve(old_operation.get("requestBody", {}), run.old.document)
    media_types = list(body.get("content", {}))
    if not any(_request_touched(run, name, media) for media in media_types or [None]):
        return
    module = _module(run.old.client, module_name(name))
    if module is None:
        return
    client_module = run.old.client.module("client")
    unset = run.old.client.module("types").UNSET
    requirements = old_operation.get("security", run.old.document.get("security", []))
    sent: list[httpx.Request] = []

    def capture(request: httpx.Request) -> httpx.Response:
        request.read()
        sent.append(request)
        return httpx.Response(204)

    options: dict[str, Any] = {"base_url": _BASE_URL, "httpx_args": {"transport": httpx.MockTransport(capture)}}
    client = (
        client_module.AuthenticatedClient(token="sk-evidence", **options)
        if requirements and all(requirements)
        else client_module.Client(**options)
    )
    classes = _body_classes(module, media_types, run.old.client) if media_types else {}
    path_item = run.old.document["paths"][old_key[0]]
    parameters = [
        resolve(node, run.old.document)
        for node in [*path_item.get("parameters", []), *old_operation.get("parameters", [])]
    ]
    try:
        arguments = {
            attribute_name(str(parameter["name"])): strategy(parameter.get("schema", {}), run.old.document)
            if parameter.get("required") or parameter.get("in") == "path"
            else st.one_of(st.just(unset), strategy(parameter.get("schema", {}), run.old.document))
            for parameter in parameters
        }
        bodies = {media: strategy(body["content"][media].get("schema", {}), run.old.document) for media in classes}
    except UnsupportedSchema:
        return
    kinds: list[str | None] = [*classes] or [None]
    for media in [media for media in kinds if _request_touched(run, name, media)]:
        values = st.fixed_dictionaries(
            {"body": bodies[media] if media else st.none(), "parameters": st.fixed_dictionaries(arguments)}
        )

        def check(drawn: dict[str, Any], media: str | None = media) -> Failure | None:
            keywords = dict(drawn["parameters"])
            sent.clear()
            try:
                if media is not None:
                    keywords["body"] = _model(classes[media], drawn["body"], run.old.client)
                module.sync_detailed(client=client, **keywords)
            except Exception:  # OLD's client refuses the value itself (httpx sends no non-ASCII header): as before
                return None
            if not sent:
                return None
            refused = refusals(sent[-1], run.new.document)
            if not refused:
                return None
            first = refused[0]
            return Failure(f"{first.part} {first.path} {first.keyword}", first.reason, first.part, first.path)

        for example, failure in smallest_failures(values, check, seed=run.seed, examples=run.examples):
            shown = {"body": _jsonable(example["body"]), **_jsonable(example["parameters"])}  # type: ignore[dict-item]
            shown = {key: value for key, value in shown.items() if value is not unset and value is not None}
            run.found.append(Evidence(Site(name, failure.part, failure.path), "rejected", failure.message, shown, True))


def _model(model: Any, value: Any, client: GeneratedClient) -> Any:
    if model is client.module("types").File:
        return model(payload=io.BytesIO(value))
    return model.from_dict(value)


def gather(
    old: Side, new: Side, changes: list[Change], *, seed: int = SEED, examples: int = EXAMPLES
) -> list[Evidence]:
    """What running OLD's client against NEW shows, for every part of the API a change reaches."""
    run = _Run(old, new, _touched(changes), seed, examples)
    old_operations, new_operations = operations(old.document), operations(new.document)
    for old_key, new_key in operation_pairs(old.document, new.document):
        if old_key is None:
            continue
        old_operation = old_operations[old_key]
        name = operation_id(old_operation, *old_key)
        if new_key is not None:
            _responses(run, old_operation, new_operations[new_key], name)
        _requests(run, old_key, old_operation, name)
    return run.found


def attach(evidence: list[Evidence], changes: list[Change]) -> list[Evidence]:
    """Give each finding to the changes at its site, the deepest that contain its path; the rest is returned."""
    unexplained = []
    for item in evidence:
        best: list[Change] = []
        depth = -1
        for change in changes:
            if change.rule.documentation:
                continue
            for site in change.sites:
                same_part = (site.operation, site.part) == (item.site.operation, item.site.part)
                if same_part and item.site.path[: len(site.path)] == site.path:
                    if len(site.path) > depth:
                        best, depth = [change], len(site.path)
                    elif len(site.path) == depth and change not in best:
                        best.append(change)
        for change in best:
            if all(
                (known.kind, known.message, known.site) != (item.kind, item.message, item.site)
                for known in change.evidence
            ):
                change.evidence.append(item)
        if not best:
            unexplained.append(item)
    return unexplained
