"""One operation of OLD compared with the same operation of NEW: its names, security, parameters, body, responses.

Schemas inside are compared by `codegen.schema_diff`, each in the direction it travels (the request body and
parameters: what a client sends; responses and their headers: what it receives).
"""

from collections.abc import Mapping
from typing import Any

from codegen.change import ChangeSet, Site
from codegen.naming import module_name
from codegen.ratings import Direction
from codegen.rules import RULES
from codegen.schema_diff import DOCUMENTATION, Context, SchemaDiff, ordered_keys
from memories_spec import pointer, resolve

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_OPERATION_KEYS = frozenset(
    {"operationId", "tags", "summary", "description", "deprecated", "externalDocs", "parameters", "requestBody"}
    | {"responses", "security"}
)
_PARAMETER_KEYS = frozenset({"name", "in", "required", "schema", *DOCUMENTATION})
_RESPONSE_KEYS = frozenset({"description", "headers", "content", "links"})
_MEDIA_KEYS = frozenset({"schema", "example", "examples"})
_CREDENTIAL_KEYS = ("type", "in", "name", "scheme", "bearerFormat", "flows", "openIdConnectUrl")

Document = Mapping[str, Any]


def pointer_to(*tokens: str) -> str:
    """A location in a document: `#` and the JSON pointer of the tokens."""
    return "#" + pointer(*tokens)


def operations(document: Document) -> dict[tuple[str, str], Mapping[str, Any]]:
    """The operations of a document, by (path, method)."""
    return {
        (path, method): operation
        for path, item in document.get("paths", {}).items()
        for method, operation in item.items()
        if method in METHODS
    }


def operation_pairs(old: Document, new: Document) -> list[tuple[tuple[str, str] | None, tuple[str, str] | None]]:
    """OLD's operations matched with NEW's: by path and method, else by operationId (a moved operation).

    An operation only OLD has is paired with `None`, and one only NEW has follows `None`."""
    old_operations, new_operations = operations(old), operations(new)
    pairs: list[tuple[tuple[str, str] | None, tuple[str, str] | None]] = []
    arrived = [key for key in new_operations if key not in old_operations]
    for key, operation in old_operations.items():
        if key in new_operations:
            pairs.append((key, key))
            continue
        moved = next(
            (
                other
                for other in arrived
                if operation.get("operationId")
                and new_operations[other].get("operationId") == operation.get("operationId")
            ),
            None,
        )
        if moved is not None:
            arrived.remove(moved)
        pairs.append((key, moved))
    pairs += [(None, key) for key in arrived]
    return pairs


def operation_id(operation: Mapping[str, Any], path: str, method: str) -> str:
    """An operation's operationId (or `METHOD path` without one)."""
    return str(operation.get("operationId") or f"{method} {path}")


def _first_tag(operation: Mapping[str, Any]) -> str:
    tags = operation.get("tags") or ["default"]
    return str(tags[0])


def credential_of(scheme: Mapping[str, Any]) -> tuple[str, ...]:
    """What a security scheme asks the client to send, and where."""
    return tuple(str(scheme.get(key, "")) for key in _CREDENTIAL_KEYS if key in scheme)


def shown_credential(credential: tuple[str, ...]) -> str:
    """A credential for a person: `apiKey header Authorization`."""
    return " ".join(credential) or "none"


class OperationDiff:
    """Compares operations of OLD and NEW and records what changed into a `ChangeSet`."""

    def __init__(self, old: Document, new: Document, found: ChangeSet, schemas: SchemaDiff) -> None:
        self.old, self.new = old, new
        self.found = found
        self.schemas = schemas

    def emit(
        self, name: str, location: str, detail: str, site: Site | None = None, anchors: frozenset[str] = frozenset()
    ) -> None:
        """Record a change under rule `name`."""
        self.found.add(RULES[name], location, detail, Direction.NEITHER, site, anchors)

    def compare(
        self, old_key: tuple[str, str], new_key: tuple[str, str], old: Mapping[str, Any], new: Mapping[str, Any]
    ) -> None:
        location = pointer_to("paths", *new_key)
        old_id, new_id = operation_id(old, *old_key), operation_id(new, *new_key)
        site = Site(old_id)
        module = frozenset({module_name(old_id), module_name(new_id)})
        if old_key != new_key:
            self.emit(
                "operation-path-changed",
                location,
                f"{old_key[1].upper()} {old_key[0]} -> {new_key[1].upper()} {new_key[0]}",
                site,
                module,
            )
        if old_id != new_id:
            self.emit("operation-id-changed", location, f"`{old_id}` -> `{new_id}`", site, module)
        if _first_tag(old) != _first_tag(new):
            self.emit("operation-tag-changed", location, f"`{_first_tag(old)}` -> `{_first_tag(new)}`", site, module)
        documentation = sorted(
            key for key in ("summary", "description", "deprecated", "externalDocs") if old.get(key) != new.get(key)
        )
        if documentation or (old.get("tags") != new.get("tags") and _first_tag(old) == _first_tag(new)):
            self.emit(
                "documentation-changed", location, f"`{'`, `'.join(documentation or ['tags'])}` edited", site, module
            )
        for key in sorted((old.keys() | new.keys()) - _OPERATION_KEYS):
            if old.get(key) != new.get(key):
                self.emit("unclassified-change", f"{location}/{key}", f"`{key}` changed", site, module)
        self._security(old, new, location, site, module)
        self._parameters(old_key, new_key, old, new, location, site, module)
        self._request_body(old, new, location, site, module)
        self._responses(old, new, location, site, module)

    def _effective_security(
        self, document: Document, operation: Mapping[str, Any]
    ) -> tuple[bool, frozenset[str], frozenset[str]]:
        """Whether the operation needs a credential, which schemes it names, and what those credentials are."""
        requirements = operation.get("security", document.get("security", []))
        required = bool(requirements) and all(requirement for requirement in requirements)
        schemes = document.get("components", {}).get("securitySchemes", {})
        names = frozenset(name for requirement in requirements for name in requirement)
        credentials = frozenset(shown_credential(credential_of(schemes.get(name, {}))) for name in names)
        return required, names, credentials

    def _security(
        self, old: Mapping[str, Any], new: Mapping[str, Any], location: str, site: Site, module: frozenset[str]
    ) -> None:
        old_required, old_names, old_credentials = self._effective_security(self.old, old)
        new_required, new_names, new_credentials = self._effective_security(self.new, new)
        if old_required and not new_required:
            self.emit("operation-security-removed", location, "authentication no longer required", site, module)
        elif new_required and not old_required:
            self.emit("operation-security-added", location, "authentication now required", site, module)
        elif old_required and old_names != new_names and old_credentials != new_credentials:
            # Another scheme, with another credential (a scheme's own edits are reported where it is defined).
            detail = f"{', '.join(sorted(old_credentials))} -> {', '.join(sorted(new_credentials))}"
            self.emit("security-scheme-changed", f"{location}/security", detail, site, module)

    def _parameters(
        self,
        old_key: tuple[str, str],
        new_key: tuple[str, str],
        old: Mapping[str, Any],
        new: Mapping[str, Any],
        location: str,
        site: Site,
        module: frozenset[str],
    ) -> None:
        old_parameters = self._parameter_map(self.old, old_key, old)
        new_parameters = self._parameter_map(self.new, new_key, new)
        for key in [*old_parameters, *(key for key in new_parameters if key not in old_parameters)]:
            where, name = key
            here = f"{location}/parameters/{where}/{name}"
            part = Site(site.operation, f"parameter {where} {name}")
            if key not in new_parameters:
                self.emit("request-parameter-removed", here, f"{where} parameter `{name}` removed", part, module)
                continue
            required = bool(new_parameters[key].get("required")) or where == "path"
            if key not in old_parameters:
                rule = "request-required-parameter-added" if required else "request-optional-parameter-added"
                self.emit(rule, here, f"{where} parameter `{name}` added", part, module)
                continue
            before, after = old_parameters[key], new_parameters[key]
            was_required = bool(before.get("required")) or where == "path"
            if was_required != required:
                became = "required" if required else "optional"
                self.emit(
                    f"request-parameter-became-{became}",
                    here,
                    f"{where} parameter `{name}` became {became}",
                    part,
                    module,
                )
            if any(before.get(field) != after.get(field) for field in DOCUMENTATION):
                self.emit("documentation-changed", here, "edited", part, module)
            unknown = sorted(
                field
                for field in (before.keys() | after.keys()) - _PARAMETER_KEYS
                if before.get(field) != after.get(field)
            )
            if unknown:
                self.emit("unclassified-change", here, f"`{'`, `'.join(unknown)}` changed", part, module)
            context = Context(Direction.REQUEST, part, module)
            self.schemas.compare(before.get("schema", {}), after.get("schema", {}), f"{here}/schema", context)

    def _parameter_map(
        self, document: Document, key: tuple[str, str], operation: Mapping[str, Any]
    ) -> dict[tuple[str, str], Mapping[str, Any]]:
        path_item = document["paths"][key[0]]
        found = {}
        for parameter in [*path_item.get("parameters", []), *operation.get("parameters", [])]:
            resolved = resolve(parameter, document)
            found[(str(resolved.get("in")), str(resolved.get("name")))] = resolved
        return found

    def _request_body(
        self, old: Mapping[str, Any], new: Mapping[str, Any], location: str, site: Site, module: frozenset[str]
    ) -> None:
        before = resolve(old.get("requestBody", {}), self.old)
        after = resolve(new.get("requestBody", {}), self.new)
        here = f"{location}/requestBody"
        if bool(before.get("required")) != bool(after.get("required")):
            became = "required" if after.get("required") else "optional"
            self.emit(f"request-body-became-{became}", here, f"body became {became}", site, module)
        if before.get("description") != after.get("description"):
            self.emit("documentation-changed", here, "`description` edited", site, module)
        old_content, new_content = before.get("content", {}), after.get("content", {})
        for media_type in ordered_keys(old_content, new_content):
            media = pointer("content", media_type)
            part = Site(site.operation, f"request {media_type}")
            if media_type not in new_content:
                self.emit("request-media-type-removed", here + media, f"{media_type} removed", part, module)
            elif media_type not in old_content:
                self.emit("request-media-type-added", here + media, f"{media_type} added", part, module)
            else:
                self._media(
                    old_content[media_type],
                    new_content[media_type],
                    here + media,
                    Context(Direction.REQUEST, part, module),
                )

    def _media(self, old: Mapping[str, Any], new: Mapping[str, Any], location: str, context: Context) -> None:
        if old.get("example") != new.get("example") or old.get("examples") != new.get("examples"):
            self.emit("documentation-changed", location, "examples edited", context.site, context.anchors)
        for key in sorted((old.keys() | new.keys()) - _MEDIA_KEYS):
            if old.get(key) != new.get(key):
                self.emit("unclassified-change", f"{location}/{key}", f"`{key}` changed", context.site, context.anchors)
        self.schemas.compare(old.get("schema", {}), new.get("schema", {}), f"{location}/schema", context)

    def _responses(
        self, old: Mapping[str, Any], new: Mapping[str, Any], location: str, site: Site, module: frozenset[str]
    ) -> None:
        old_responses, new_responses = old.get("responses", {}), new.get("responses", {})
        for status in ordered_keys(old_responses, new_responses):
            here = f"{location}/responses/{status}"
            part = Site(site.operation, f"response {status}")
            if status not in new_responses:
                self.emit("response-status-removed", here, f"{status} removed", part, module)
                continue
            if status not in old_responses:
                success = str(status).startswith("2")
                self.emit(
                    "response-success-status-added" if success else "response-status-added",
                    here,
                    f"{status} added",
                    part,
                    module,
                )
                continue
            old_response, new_response = old_responses[status], new_responses[status]
            old_target, new_target = old_response.get("$ref"), new_response.get("$ref")
            if old_target is not None and old_target == new_target:
                here = str(new_target)
            self._response(resolve(old_response, self.old), resolve(new_response, self.new), here, part, module)

    def _response(
        self, old: Mapping[str, Any], new: Mapping[str, Any], location: str, site: Site, module: frozenset[str]
    ) -> None:
        if old.get("description") != new.get("description"):
            self.emit("documentation-changed", location, "`description` edited", site, module)
        for key in sorted((old.keys() | new.keys()) - _RESPONSE_KEYS):
            if old.get(key) != new.get(key):
                self.emit("unclassified-change", f"{location}/{key}", f"`{key}` changed", site, module)
        self._headers(old.get("headers", {}), new.get("headers", {}), location, site, module)
        old_content, new_content = old.get("content", {}), new.get("content", {})
        for media_type in ordered_keys(old_content, new_content):
            here = location + pointer("content", media_type)
            if media_type not in new_content:
                self.emit("response-media-type-removed", here, f"{media_type} removed", site, module)
            elif media_type not in old_content:
                rule = "response-media-type-added" if "json" in media_type else "response-non-json-media-type-added"
                self.emit(rule, here, f"{media_type} added", site, module)
            else:
                self._media(
                    old_content[media_type], new_content[media_type], here, Context(Direction.RESPONSE, site, module)
                )
        old_links, new_links = old.get("links", {}), new.get("links", {})
        for name in ordered_keys(old_links, new_links):
            if old_links.get(name) != new_links.get(name):
                what = "added" if name not in old_links else "removed" if name not in new_links else "changed"
                self.emit("link-changed", f"{location}/links/{name}", f"link `{name}` {what}", site)

    def _headers(
        self, old: Mapping[str, Any], new: Mapping[str, Any], location: str, site: Site, module: frozenset[str]
    ) -> None:
        for name in ordered_keys(old, new):
            here = f"{location}/headers/{name}"
            part = Site(site.operation, f"{site.part} header {name}")
            if name not in new:
                self.emit("response-header-removed", here, f"header `{name}` removed", part)
                continue
            if name not in old:
                self.emit("response-header-added", here, f"header `{name}` added", part)
                continue
            before, after = resolve(old[name], self.old), resolve(new[name], self.new)
            target = old[name].get("$ref")
            if target is not None and target == new[name].get("$ref"):
                here = str(target)
            if bool(before.get("required")) != bool(after.get("required")):
                became = "required" if after.get("required") else "optional"
                self.emit(f"response-header-became-{became}", here, f"header `{name}` became {became}", part)
            if any(before.get(key) != after.get(key) for key in DOCUMENTATION):
                self.emit("documentation-changed", here, "edited", part)
            self.schemas.compare(
                before.get("schema", {}), after.get("schema", {}), f"{here}/schema", Context(Direction.RESPONSE, part)
            )
