"""A request as a generated client sent it, judged by a spec: would a server implementing that spec refuse it?

The request is the real one (httpx builds it; a `MockTransport` catches it). Its operation, credential, parameters,
media type and body are checked against the spec; each refusal names the part and the path into the value that
the spec refuses, so that it can be laid at the door of the change that made it.
"""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any

import httpx
from jsonschema.exceptions import ValidationError
from openapi_schema_validator import OAS31Validator
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from codegen.drawing import inline
from codegen.operation_diff import operations
from memories_spec import resolve


@dataclass(frozen=True)
class Refusal:
    """Why a server implementing the spec refuses a request: the part, the path into its value, the reason.

    `keyword` names the check that fails (a JSON Schema keyword, `required`, `security`...): refusals of two values
    by the same check are one refusal.
    """

    part: str
    path: tuple[str, ...]
    reason: str
    keyword: str


def error_paths(error: ValidationError) -> list[tuple[str, ...]]:
    """The paths into the value a schema error blames: array indices as `[]`, a missing property by its name."""
    path = tuple("[]" if isinstance(token, int) else str(token) for token in error.path)
    instance, schema = error.instance, error.schema
    if error.validator == "required" and isinstance(instance, Mapping) and isinstance(error.validator_value, list):
        return [(*path, str(name)) for name in error.validator_value if name not in instance]
    if error.validator == "additionalProperties" and isinstance(instance, Mapping) and isinstance(schema, Mapping):
        declared = schema.get("properties", {})
        return [(*path, str(name)) for name in instance if name not in declared] or [path]
    return [path]


def schema_errors(value: object, schema: Any, document: Mapping[str, Any]) -> list[ValidationError]:
    """What the schema (a node of `document`) finds wrong with the value, by position in it."""
    validator = OAS31Validator(inline(schema, document), format_checker=OAS31Validator.FORMAT_CHECKER)
    return sorted(validator.iter_errors(value), key=lambda error: [str(token) for token in error.path])


def _operation(request: httpx.Request, document: Mapping[str, Any]) -> tuple[str, str, Mapping[str, str]] | None:
    for path, method in operations(document):
        pattern = "^" + re.sub(r"\\\{([^}]+)\\\}", r"(?P<\1>[^/]+)", re.escape(path)) + "$"
        try:
            found = re.match(pattern, request.url.path)
        except re.error:
            found = None
        if found and method == request.method.lower():
            return path, method, found.groupdict()
    return None


def _cookie(request: httpx.Request, name: str) -> str | None:
    jar = SimpleCookie(request.headers.get("cookie", ""))
    return jar[name].value if name in jar else None


def _credential_present(request: httpx.Request, scheme: Mapping[str, Any]) -> bool:
    kind, where, name = scheme.get("type"), scheme.get("in"), str(scheme.get("name", ""))
    if kind == "apiKey":
        if where == "query":
            return name in request.url.params
        if where == "cookie":
            return _cookie(request, name) is not None
        return bool(request.headers.get(name))
    authorization = request.headers.get("authorization", "")
    if kind == "http":
        prefix = f"{str(scheme.get('scheme', '')).lower()} "
        return str(authorization).lower().startswith(prefix)
    return bool(authorization)


def _authenticated(request: httpx.Request, document: Mapping[str, Any], operation: Mapping[str, Any]) -> bool:
    requirements = operation.get("security", document.get("security", []))
    schemes = document.get("components", {}).get("securitySchemes", {})
    if not requirements:
        return True
    return any(
        all(_credential_present(request, resolve(schemes.get(name, {}), document)) for name in requirement)
        for requirement in requirements
    )


def _typed(text: str, schema: Any, document: Mapping[str, Any]) -> object:
    """A text value (query, header, form field) read as the type its schema declares."""
    declared = resolve(schema, document).get("type")
    kinds = [declared] if isinstance(declared, str) else list(declared or [])
    for kind, convert in (("integer", int), ("number", float)):
        if kind in kinds:
            try:
                return convert(text)
            except ValueError:
                pass
    if "boolean" in kinds and text in ("true", "false"):
        return text == "true"
    return text


class _Form:
    """python-multipart's callbacks, collecting each part's name and bytes."""

    def __init__(self) -> None:
        self.fields: dict[str, bytes] = {}
        self._name, self._header, self._value, self._data = "", b"", b"", b""

    def on_part_begin(self) -> None:
        self._name, self._data = "", b""

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def on_header_end(self) -> None:
        if self._header.strip().lower() == b"content-disposition":
            self._name = parse_options_header(self._value)[1].get(b"name", b"").decode()
        self._header, self._value = b"", b""

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        self._data += data[start:end]

    def on_part_end(self) -> None:
        self.fields[self._name] = self._data


def _form_fields(request: httpx.Request, content_type: str) -> dict[str, bytes]:
    boundary = parse_options_header(content_type)[1].get(b"boundary")
    if not boundary:
        raise ValueError("multipart body without a boundary")
    form = _Form()
    callbacks = {name: getattr(form, name) for name in dir(form) if name.startswith("on_")}
    parser = MultipartParser(boundary, callbacks)  # type: ignore[arg-type]
    parser.write(request.content)
    parser.finalize()
    return form.fields


def _body(
    request: httpx.Request, media_type: str, content_type: str, schema: Any, document: Mapping[str, Any]
) -> object:
    if media_type == "multipart/form-data":
        # JSON Schema has no bytes: each part is checked as its text, read as the type its property declares.
        properties = resolve(schema, document).get("properties", {})
        return {
            name: _typed(payload.decode(errors="replace"), properties.get(name, {}), document)
            for name, payload in _form_fields(request, content_type).items()
        }
    if "json" in media_type:
        return json.loads(request.content)
    return request.content.decode(errors="replace")


def refusals(request: httpx.Request, document: Mapping[str, Any]) -> list[Refusal]:
    """Why a server implementing `document` refuses `request` (its URL path is the API path); none: it accepts it."""
    found = _operation(request, document)
    if found is None:
        return [Refusal("", (), f"{request.method} {request.url.path}: no such operation (404)", "operation")]
    path, method, path_values = found
    operation = document["paths"][path][method]
    if not _authenticated(request, document, operation):
        return [Refusal("", (), "no credential where the security scheme wants one (401)", "security")]
    refused = []
    parameters = [*document["paths"][path].get("parameters", []), *operation.get("parameters", [])]
    for parameter in (resolve(node, document) for node in parameters):
        where, name = parameter.get("in"), str(parameter.get("name"))
        part = f"parameter {where} {name}"
        text = {
            "path": path_values.get(name),
            "query": request.url.params.get(name),
            "header": request.headers.get(name),
            "cookie": _cookie(request, name),
        }.get(str(where))
        if text is None:
            if parameter.get("required") or where == "path":
                refused.append(Refusal(part, (), f"required {where} parameter `{name}` missing (400)", "required"))
            continue
        schema = parameter.get("schema", {})
        errors = schema_errors(_typed(text, schema, document), schema, document)
        refused += [
            Refusal(part, (), f"{where} parameter `{name}`: {error.message} (400)", str(error.validator))
            for error in errors
        ]
    body = resolve(operation.get("requestBody", {}), document)
    content_type = request.headers.get("content-type", "")
    media_type = content_type.split(";")[0].strip().lower()
    if not request.content and not media_type:
        if body.get("required"):
            refused.append(Refusal("request", (), "request body required (400)", "required"))
        return refused
    content = body.get("content", {})
    if media_type not in content:
        refused.append(Refusal(f"request {media_type}", (), f"{media_type} is not accepted (415)", "content"))
        return refused
    schema = content[media_type].get("schema", {})
    try:
        value = _body(request, media_type, content_type, schema, document)
    except (ValueError, FormParserError) as error:
        return [*refused, Refusal(f"request {media_type}", (), f"unreadable body: {error} (400)", "unreadable")]
    refused += [
        Refusal(f"request {media_type}", blamed, f"{error.message} (400)", str(error.validator))
        for error in schema_errors(value, schema, document)
        for blamed in error_paths(error)
    ]
    return refused
