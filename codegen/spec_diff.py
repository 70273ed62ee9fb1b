"""Two OpenAPI documents compared part by part: operations, parameters, bodies, responses, security, servers, schemas.

Schemas are compared where operations use them (`codegen.schema_diff`), so that each change knows its direction
and its sites; components no operation uses are compared on their own. Whatever no rule here recognises is
reported as `unclassified-change`, never passed over.
"""

from collections.abc import Mapping
from typing import Any

from codegen.change import Change, ChangeSet, Site
from codegen.naming import class_anchors, module_name
from codegen.operation_diff import (
    METHODS,
    OperationDiff,
    credential_of,
    operation_id,
    operation_pairs,
    operations,
    pointer_to,
    shown_credential,
)
from codegen.ratings import Direction
from codegen.rules import RULES
from codegen.schema_diff import DOCUMENTATION, SCHEMAS, SchemaDiff, canonical, ordered_keys
from memories_spec import resolve

_DOCUMENT_KEYS = frozenset({"openapi", "info", "servers", "paths", "components", "security", "tags", "externalDocs"})
# Component sections reached only through references: compared where operations use them.
_REFERENCED_SECTIONS = frozenset(
    {"schemas", "securitySchemes", "responses", "parameters", "headers", "requestBodies", "examples", "links"}
)
Document = Mapping[str, Any]


def _without_documentation(node: Any) -> Any:
    if isinstance(node, Mapping):
        return {key: _without_documentation(value) for key, value in node.items() if key not in DOCUMENTATION}
    if isinstance(node, list):
        return [_without_documentation(item) for item in node]
    return node


def referenced_schemas(document: Document) -> set[str]:
    """The schema components that operations use, directly or through other components."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, Mapping):
            target = node.get("$ref")
            if isinstance(target, str) and target not in found:
                if target.startswith(SCHEMAS):
                    found.add(target)
                walk(resolve(node, document))
            for key, value in node.items():
                if key != "$ref":
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(document.get("paths", {}))
    return found


class SpecDiff:
    """Compares OLD with NEW; `changes()` gives what changed, each with its rule, location and sites."""

    def __init__(self, old: Document, new: Document) -> None:
        self.old, self.new = old, new
        self.found = ChangeSet()
        self.renames = self._component_renames()
        self.operations = OperationDiff(old, new, self.found, SchemaDiff(old, new, self.found, self.renames))

    def emit(
        self, name: str, location: str, detail: str, site: Site | None = None, anchors: frozenset[str] = frozenset()
    ) -> None:
        """Record a change under rule `name`."""
        self.found.add(RULES[name], location, detail, Direction.NEITHER, site, anchors)

    def changes(self) -> list[Change]:
        """Everything that changed from OLD to NEW."""
        self._document()
        self._security_schemes()
        self._servers()
        self._paths()
        self._unused_schemas()
        found = self.found.changes()
        if not found and canonical(self.old) != canonical(self.new):
            # Never silence, and never a patch release by default: what no comparison here looks at may matter.
            self.emit("unclassified-change", "#", "the documents differ where no rule looks")
            found = self.found.changes()
        return found

    # Components, names and the document around the paths.

    def _component_renames(self) -> dict[str, str]:
        old_schemas = self.old.get("components", {}).get("schemas", {})
        new_schemas = self.new.get("components", {}).get("schemas", {})
        removed = [name for name in old_schemas if name not in new_schemas]
        added = [name for name in new_schemas if name not in old_schemas]
        renames: dict[str, str] = {}
        for name in removed:
            shape = canonical(_without_documentation(old_schemas[name]))
            twin = next(
                (other for other in added if canonical(_without_documentation(new_schemas[other])) == shape), None
            )
            location = SCHEMAS + name
            if twin is None:
                anchors = class_anchors(name, old_schemas[name])
                self.emit("component-removed", location, f"`{name}` removed", anchors=anchors)
                continue
            added.remove(twin)
            renames[location] = SCHEMAS + twin
            anchors = class_anchors(name, old_schemas[name]) | class_anchors(twin, new_schemas[twin])
            self.emit("component-renamed", SCHEMAS + twin, f"`{name}` -> `{twin}`", anchors=anchors)
        for name in added:
            self.emit(
                "component-added", SCHEMAS + name, f"`{name}` added", anchors=class_anchors(name, new_schemas[name])
            )
        return renames

    def _unused_schemas(self) -> None:
        used = referenced_schemas(self.old) | referenced_schemas(self.new)
        old_schemas = self.old.get("components", {}).get("schemas", {})
        new_schemas = self.new.get("components", {}).get("schemas", {})
        pairs = [(name, name) for name in old_schemas if name in new_schemas]
        pairs += [(old.removeprefix(SCHEMAS), new.removeprefix(SCHEMAS)) for old, new in self.renames.items()]
        for old_name, new_name in pairs:
            location = SCHEMAS + new_name
            if location in used or SCHEMAS + old_name in used:
                continue
            before, after = old_schemas[old_name], new_schemas[new_name]
            anchors = class_anchors(old_name, before) | class_anchors(new_name, after)
            if canonical(_without_documentation(before)) != canonical(_without_documentation(after)):
                self.emit("unused-schema-changed", location, f"`{new_name}` changed", anchors=anchors)
            elif before.get("title") != after.get("title"):
                self.emit(
                    "schema-title-changed",
                    location,
                    f"title {before.get('title')!r} -> {after.get('title')!r}",
                    anchors=anchors,
                )
            elif before != after:
                self.emit("documentation-changed", location, "edited", anchors=anchors)

    def _document(self) -> None:
        for key in sorted((self.old.keys() | self.new.keys()) - _DOCUMENT_KEYS):
            if self.old.get(key) != self.new.get(key):
                self.emit("unclassified-change", pointer_to(key), f"`{key}` changed")
        if self.old.get("openapi") != self.new.get("openapi"):
            self.emit(
                "unclassified-change", "#/openapi", f"openapi {self.old.get('openapi')} -> {self.new.get('openapi')}"
            )
        old_info = {key: value for key, value in self.old.get("info", {}).items() if key != "version"}
        new_info = {key: value for key, value in self.new.get("info", {}).items() if key != "version"}
        for key in ("tags", "externalDocs"):
            if self.old.get(key) != self.new.get(key):
                self.emit("documentation-changed", pointer_to(key), f"`{key}` edited")
        if old_info != new_info:
            self.emit("documentation-changed", "#/info", "edited")
        old_components, new_components = self.old.get("components", {}), self.new.get("components", {})
        for key in sorted((old_components.keys() | new_components.keys()) - _REFERENCED_SECTIONS):
            if old_components.get(key) != new_components.get(key):
                self.emit("unclassified-change", pointer_to("components", key), f"`components.{key}` changed")

    def _security_schemes(self) -> None:
        old_schemes = self.old.get("components", {}).get("securitySchemes", {})
        new_schemes = self.new.get("components", {}).get("securitySchemes", {})
        for name in ordered_keys(old_schemes, new_schemes):
            location = pointer_to("components", "securitySchemes", name)
            if name not in new_schemes:
                self.emit("security-scheme-removed", location, f"`{name}` removed")
            elif name not in old_schemes:
                self.emit("security-scheme-added", location, f"`{name}` added")
            else:
                before, after = credential_of(old_schemes[name]), credential_of(new_schemes[name])
                if before != after:
                    detail = f"{shown_credential(before)} -> {shown_credential(after)}"
                    sites: list[Site | None] = [*self._sites_using(name)] or [None]
                    for site in sites:
                        self.emit("security-scheme-changed", location, detail, site)
                elif old_schemes[name] != new_schemes[name]:
                    self.emit("documentation-changed", location, "edited")

    def _sites_using(self, scheme: str) -> list[Site]:
        """The operations of OLD whose security requirements name the scheme."""
        sites = []
        for (path, method), operation in operations(self.old).items():
            requirements = operation.get("security", self.old.get("security", []))
            if any(scheme in requirement for requirement in requirements):
                sites.append(Site(operation_id(operation, path, method)))
        return sites

    def _servers(self) -> None:
        old_servers = {server.get("url"): server for server in self.old.get("servers", [])}
        new_servers = {server.get("url"): server for server in self.new.get("servers", [])}
        for url in [url for url in old_servers if url not in new_servers]:
            self.emit("server-removed", "#/servers", f"{url} removed")
        for url in [url for url in new_servers if url not in old_servers]:
            self.emit("server-added", "#/servers", f"{url} added")
        if any(old_servers[url] != new_servers[url] for url in old_servers.keys() & new_servers.keys()):
            self.emit("documentation-changed", "#/servers", "edited")

    # Operations.

    def _paths(self) -> None:
        old_operations, new_operations = operations(self.old), operations(self.new)
        pairs = operation_pairs(self.old, self.new)
        gone = [old_key for old_key, new_key in pairs if new_key is None and old_key is not None]
        arrived = [new_key for old_key, new_key in pairs if old_key is None and new_key is not None]
        for keys, found, change in ((gone, old_operations, "removed"), (arrived, new_operations, "added")):
            for path, method in keys:
                name = operation_id(found[(path, method)], path, method)
                self.emit(
                    f"operation-{change}",
                    pointer_to("paths", path, method),
                    f"{method.upper()} {path} {change}",
                    Site(name),
                    frozenset({module_name(name)}),
                )
        for old_key, new_key in pairs:
            if old_key is not None and new_key is not None:
                self.operations.compare(old_key, new_key, old_operations[old_key], new_operations[new_key])
        for path in [path for path in self.old.get("paths", {}) if path in self.new.get("paths", {})]:
            old_item, new_item = self.old["paths"][path], self.new["paths"][path]
            for key in sorted((old_item.keys() | new_item.keys()) - {*METHODS, "parameters"}):
                if old_item.get(key) != new_item.get(key):
                    name = "documentation-changed" if key in ("summary", "description") else "unclassified-change"
                    self.emit(name, pointer_to("paths", path, key), f"`{key}` changed")


def diff_specs(old: Document, new: Document) -> list[Change]:
    """What changed from OLD to NEW."""
    return SpecDiff(old, new).changes()
