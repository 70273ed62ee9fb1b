"""Two schemas of one place in the API, compared keyword by keyword and rated by the rules of `codegen.rules`.

A schema reached through the same component on both sides is reported once, at the component, with every place
that uses it. `anyOf: [integer, string]` and `type: [integer, string]` are one type for the comparison, as they
are one union for the generator.
"""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from random import Random
from typing import Any

from hypothesis import HealthCheck, find, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample

from codegen.change import ChangeSet, Site
from codegen.naming import attribute_name, class_anchors, class_name, makes_class
from codegen.ratings import Direction
from codegen.rules import RULES
from memories_spec import resolve

DOCUMENTATION = frozenset({"description", "examples", "example", "$comment", "externalDocs", "deprecated"})
# Formats openapi-python-client turns into another Python type than `str`.
TYPED_FORMATS = frozenset({"date", "date-time", "uuid", "binary"})
LOWER_BOUNDS = ("minLength", "minItems", "minProperties", "minimum", "exclusiveMinimum")
UPPER_BOUNDS = ("maxLength", "maxItems", "maxProperties", "maximum", "exclusiveMaximum")
OTHER_CONSTRAINTS = ("pattern", "multipleOf", "uniqueItems")
_HANDLED = (
    DOCUMENTATION
    | {"title", "$ref", "type", "anyOf", "oneOf", "enum", "const", "format", "default", "properties", "required"}
    | {"items", *LOWER_BOUNDS, *UPPER_BOUNDS, *OTHER_CONSTRAINTS}
)
SCHEMAS = "#/components/schemas/"
_SCALARS = frozenset({"string", "integer", "number", "boolean", "null"})

Schema = Mapping[str, Any]


@dataclass(frozen=True)
class Context:
    """Where a schema is compared: the direction it travels, its site, and the Python names it becomes."""

    direction: Direction
    site: Site
    anchors: frozenset[str] = frozenset()
    model: str | None = None

    def into_property(self, name: str) -> "Context":
        """The context of one property of the current object."""
        anchors = frozenset({f"{self.model}.{attribute_name(name)}"}) if self.model else self.anchors
        return replace(self, site=replace(self.site, path=(*self.site.path, name)), anchors=anchors, model=None)

    def into_items(self) -> "Context":
        """The context of the items of the current array."""
        return replace(self, site=replace(self.site, path=(*self.site.path, "[]")), model=None)


def json_type(value: object) -> str:
    """The JSON Schema type of a JSON value."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if value is None:
        return "null"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def json_types(schema: Schema, document: Mapping[str, Any]) -> frozenset[str] | None:
    """The JSON types a schema admits (`None`: any), whether spelled `type`, a type array, or an `anyOf` of types."""
    if "type" in schema:
        declared = schema["type"]
        return frozenset([declared] if isinstance(declared, str) else declared)
    members = schema.get("anyOf") or schema.get("oneOf")
    if members:
        found: set[str] = set()
        for member in members:
            types = json_types(resolve(member, document), document)
            if types is None:
                return None
            found |= types
        return frozenset(found)
    if "const" in schema:
        return frozenset({json_type(schema["const"])})
    if "enum" in schema:
        return frozenset(json_type(value) for value in schema["enum"])
    if "properties" in schema:
        return frozenset({"object"})
    if "items" in schema:
        return frozenset({"array"})
    return None


def covers(wider: frozenset[str] | None, narrower: frozenset[str] | None) -> bool:
    """Whether every value of the `narrower` types has one of the `wider` types (an integer is a number)."""
    if wider is None:
        return True
    if narrower is None:
        return False
    return all(kind in wider or (kind == "integer" and "number" in wider) for kind in narrower)


def parser_checks(schema: Schema, document: Mapping[str, Any]) -> bool:
    """Whether the generated parser of a (response) value raises on a value of another shape.

    Models (`from_dict`), literal enums (`check_...`), non-boolean `const`s and the typed formats raise; a
    boolean (even with `const` or `enum`) is a plain `bool`; unions of plain types and lists of them are `cast`.
    """
    schema = resolve(schema, document)
    types = json_types(schema, document)
    if types == frozenset({"boolean"}):
        return False
    members = schema.get("anyOf") or schema.get("oneOf")
    if members:
        return all(parser_checks(member, document) for member in members)
    if isinstance(schema.get("type"), list):
        # `None` is returned before the members are tried; the last member raises when nothing matched.
        return all(parser_checks({**schema, "type": kind}, document) for kind in schema["type"] if kind != "null")
    if "enum" in schema or "const" in schema:
        return True
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return True
    if kind == "array":
        return parser_checks(schema.get("items", {}), document)
    return kind == "string" and schema.get("format") in TYPED_FORMATS


@cache
def escapes(source: str, target: str) -> bool:
    """Whether some string drawn from the `source` pattern fails the `target` one (ECMA patterns read as Python's).

    Whether one regular expression contains another is not decidable in general; a hundred drawn strings that all
    pass say "contained" well enough for a report. A pattern Python cannot read escapes, to be safe.
    """
    try:
        refused = re.compile(target)
        values = st.from_regex(source)
        options = settings(max_examples=100, database=None, deadline=None, suppress_health_check=list(HealthCheck))
        find(values, lambda value: refused.search(value) is None, settings=options, random=Random(0))
    except NoSuchExample:
        return False
    except re.error:
        return True
    return True


def _shown(types: frozenset[str] | None) -> str:
    return " | ".join(sorted(types)) if types is not None else "any type"


def _values(schema: Schema) -> list[Any] | None:
    if "const" in schema:
        return [schema["const"]]
    if "enum" in schema:
        return list(schema["enum"])
    return None


def ordered_keys(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """The keys of both mappings: OLD's in its order, then NEW's additions in theirs."""
    return [*old, *(key for key in new if key not in old)]


def canonical(value: object) -> str:
    """A JSON value (a schema, an enum member, a document) as one string: equal values, equal strings."""
    return json.dumps(value, sort_keys=True, default=str)


def _simple_members(schema: Schema, document: Mapping[str, Any]) -> list[tuple[str, Schema, int]] | None:
    """The members of an `anyOf`/`oneOf` of plain types, as (type, member, index); `None` for any other schema."""
    members = schema.get("anyOf") or schema.get("oneOf")
    if not members:
        return None
    found = []
    for index, member in enumerate(members):
        resolved = resolve(member, document)
        kind = resolved.get("type")
        if not isinstance(kind, str) or kind not in _SCALARS or {"anyOf", "oneOf", "enum", "const"} & resolved.keys():
            return None
        found.append((kind, resolved, index))
    return found


def _union_keyword(schema: Schema) -> str | None:
    return "anyOf" if "anyOf" in schema else "oneOf" if "oneOf" in schema else None


class SchemaDiff:
    """Compares schemas of OLD and NEW and records what changed into a `ChangeSet`."""

    def __init__(
        self,
        old_document: Mapping[str, Any],
        new_document: Mapping[str, Any],
        changes: ChangeSet,
        renames: Mapping[str, str],
    ) -> None:
        self.old_document, self.new_document = old_document, new_document
        self.changes = changes
        self.renames = renames  # old component pointer -> new component pointer
        self._active: set[tuple[str, str, Direction]] = set()

    def emit(self, name: str, location: str, detail: str, context: Context) -> None:
        """Record a change under rule `name` at `location`."""
        self.changes.add(RULES[name], location, detail, context.direction, context.site, context.anchors)

    def by_direction(self, request: str, response: str, location: str, detail: str, context: Context) -> None:
        """Record the request or the response rule, by the direction of `context`."""
        self.emit(request if context.direction is Direction.REQUEST else response, location, detail, context)

    def compare(self, old: Any, new: Any, location: str, context: Context) -> None:
        """Compare two schemas (either may be a `$ref`) found at `location` (a pointer into NEW)."""
        old_target = old.get("$ref") if isinstance(old, Mapping) else None
        new_target = new.get("$ref") if isinstance(new, Mapping) else None
        if (
            isinstance(old_target, str)
            and isinstance(new_target, str)
            and self.renames.get(old_target, old_target) == new_target
        ):
            key = (old_target, new_target, context.direction)
            if key in self._active:
                return  # a recursive schema, already being compared further up
            self._active.add(key)
            try:
                entered = self._entering(new_target, context)
                self._compare(
                    resolve(old, self.old_document), resolve(new, self.new_document), new_target, entered, (old, new)
                )
            finally:
                self._active.discard(key)
            return
        self._compare(resolve(old, self.old_document), resolve(new, self.new_document), location, context, (old, new))

    def _entering(self, target: str, context: Context) -> Context:
        schema = resolve({"$ref": target}, self.new_document)
        if not target.startswith("#/components/schemas/") or not makes_class(schema):
            return context  # plain values are inlined into the property that uses them
        name = class_name(target.rsplit("/", 1)[1], schema)
        is_model = "properties" in schema or schema.get("type") == "object"
        anchors = frozenset({name}) if is_model else context.anchors | {name}
        return replace(context, anchors=anchors, model=name if is_model else None)

    def _compare(self, old: Schema, new: Schema, location: str, context: Context, nodes: tuple[Any, Any]) -> None:
        self._types(old, new, location, context)
        old_simple = _simple_members(old, self.old_document)
        new_simple = _simple_members(new, self.new_document)
        if old_simple is not None or new_simple is not None:
            self._documentation(old, new, location, context)
            self._simple_union(old, new, old_simple, new_simple, location, context)
            return
        old_union, new_union = _union_keyword(old) is not None, _union_keyword(new) is not None
        if old_union or new_union:
            self._union(old, new, location, context, nodes)
            if not (old_union and new_union):
                return  # a schema that became a union (or stopped being one) is compared with its member
        self._documentation(old, new, location, context)
        self._keywords(old, new, location, context)

    def _keywords(self, old: Schema, new: Schema, location: str, context: Context) -> None:
        self._values(old, new, location, context)
        self._constraints(old, new, location, context)
        self._format_and_default(old, new, location, context)
        self._properties(old, new, location, context)
        if "items" in old or "items" in new:
            self.compare(old.get("items", {}), new.get("items", {}), f"{location}/items", context.into_items())
        unknown = sorted(key for key in (old.keys() | new.keys()) - _HANDLED if old.get(key) != new.get(key))
        if unknown:
            self.emit("schema-unclassified-change", location, f"`{'`, `'.join(unknown)}` changed", context)

    def _documentation(self, old: Schema, new: Schema, location: str, context: Context) -> None:
        changed = sorted(key for key in DOCUMENTATION if old.get(key) != new.get(key))
        if old.get("title") != new.get("title"):
            if makes_class(old) or makes_class(new):
                detail = f"title {old.get('title')!r} -> {new.get('title')!r}"
                if location.startswith(SCHEMAS):
                    name = location.removeprefix(SCHEMAS).split("/")[0]
                    context = replace(
                        context, anchors=context.anchors | class_anchors(name, old) | class_anchors(name, new)
                    )
                self.emit("schema-title-changed", location, detail, context)
            else:
                changed.append("title")
        if changed:
            self.emit("documentation-changed", location, f"`{'`, `'.join(sorted(changed))}` edited", context)

    def _types(self, old: Schema, new: Schema, location: str, context: Context) -> None:
        old_types = json_types(old, self.old_document)
        new_types = json_types(new, self.new_document)
        if old_types != new_types:
            detail = f"type {_shown(old_types)} -> {_shown(new_types)}"
            if context.direction is Direction.REQUEST:
                narrowed = not covers(new_types, old_types)
                self.emit("request-type-narrowed" if narrowed else "request-type-widened", location, detail, context)
            elif not covers(old_types, new_types):
                checked = parser_checks(old, self.old_document)
                name = "response-type-widened-checked" if checked else "response-type-widened-unchecked"
                self.emit(name, location, detail, context)
            else:
                self.emit("response-type-narrowed", location, detail, context)
        old_order, new_order = old.get("type"), new.get("type")
        orders = (old_order, new_order) if isinstance(old_order, list) and isinstance(new_order, list) else None
        if orders and orders[0] != orders[1] and sorted(orders[0]) == sorted(orders[1]):
            self.emit("union-reordered", location, f"type {old_order} -> {new_order}", context)

    def _simple_union(
        self,
        old: Schema,
        new: Schema,
        old_members: list[tuple[str, Schema, int]] | None,
        new_members: list[tuple[str, Schema, int]] | None,
        location: str,
        context: Context,
    ) -> None:
        old_keyword, new_keyword = _union_keyword(old), _union_keyword(new)
        if (old_members is None) != (new_members is None) and (
            json_types(old, self.old_document) == json_types(new, self.new_document)
        ):
            before, after = old_keyword or f"type {old.get('type')}", new_keyword or f"type {new.get('type')}"
            self.emit("documentation-changed", location, f"the same types respelled: {before} -> {after}", context)
        if old_members is not None and new_members is not None:
            if old_keyword != new_keyword:
                self.emit("union-keyword-changed", location, f"{old_keyword} -> {new_keyword}", context)
            old_order, new_order = [kind for kind, *_ in old_members], [kind for kind, *_ in new_members]
            if old_order != new_order and sorted(old_order) == sorted(new_order):
                self.emit("union-reordered", location, f"{old_keyword} {old_order} -> {new_order}", context)
        if old_members is not None and new_members is not None:
            # What stands beside the members (a `default`, a bound) holds for all of them.
            outer = ("type", "anyOf", "oneOf")
            self._keywords(
                {key: value for key, value in old.items() if key not in outer},
                {key: value for key, value in new.items() if key not in outer},
                location,
                context,
            )
        old_branches = self._branches(old, old_members)
        new_branches = self._branches(new, new_members)
        for kind in [kind for kind in old_branches if kind in new_branches]:
            (old_branch, _), (new_branch, suffix) = old_branches[kind], new_branches[kind]
            self._keywords(old_branch, new_branch, location + suffix, context)

    @staticmethod
    def _branches(schema: Schema, members: list[tuple[str, Schema, int]] | None) -> dict[str, tuple[Schema, str]]:
        keyword = _union_keyword(schema)
        if members is not None and keyword:
            return {kind: (member, f"/{keyword}/{index}") for kind, member, index in members}
        bare = {key: value for key, value in schema.items() if key not in ("type", "anyOf", "oneOf")}
        declared = schema.get("type")
        kinds = [declared] if isinstance(declared, str) else list(declared or [])
        return dict.fromkeys(kinds, (bare, ""))

    def _member_key(self, member: Any, document: Mapping[str, Any], old: bool) -> str:
        target = member.get("$ref") if isinstance(member, Mapping) else None
        if isinstance(target, str):
            return self.renames.get(target, target) if old else target
        return canonical(resolve(member, document))

    def _union(self, old: Schema, new: Schema, location: str, context: Context, nodes: tuple[Any, Any]) -> None:
        """Unions of schemas (not of plain types); a schema that is no union is a union of itself (as written)."""
        old_keyword, new_keyword = _union_keyword(old), _union_keyword(new)
        if old_keyword and new_keyword and old_keyword != new_keyword:
            self.emit("union-keyword-changed", location, f"{old_keyword} -> {new_keyword}", context)
        old_members = list(old.get(old_keyword, [])) if old_keyword else [nodes[0]]
        new_members = list(new.get(new_keyword, [])) if new_keyword else [nodes[1]]
        old_keys = [self._member_key(member, self.old_document, old=True) for member in old_members]
        new_keys = [self._member_key(member, self.new_document, old=False) for member in new_members]
        removed = [key for key in old_keys if key not in new_keys]
        added = [key for key in new_keys if key not in old_keys]
        if removed:
            detail = f"member {', '.join(map(_member_shown, removed))} removed"
            self.by_direction("request-union-narrowed", "response-union-narrowed", location, detail, context)
        if added:
            detail = f"member {', '.join(map(_member_shown, added))} added"
            self.by_direction("request-union-widened", "response-union-widened", location, detail, context)
        common_old = [key for key in old_keys if key in new_keys]
        common_new = [key for key in new_keys if key in old_keys]
        if common_old != common_new:
            parsed = any(makes_class(resolve(member, self.new_document)) for member in new_members)
            before, after = [_member_shown(key) for key in common_old], [_member_shown(key) for key in common_new]
            detail = f"{new_keyword} order {before} -> {after}"
            self.emit("union-reordered-parsed" if parsed else "union-reordered", location, detail, context)
        for key in common_new:
            old_member, new_member = old_members[old_keys.index(key)], new_members[new_keys.index(key)]
            here = f"{location}/{new_keyword}/{new_keys.index(key)}" if new_keyword else location
            self.compare(old_member, new_member, here, context)

    def _values(self, old: Schema, new: Schema, location: str, context: Context) -> None:
        old_values, new_values = _values(old), _values(new)
        if old_values is None and new_values is None:
            return
        old_set = None if old_values is None else {canonical(value) for value in old_values}
        new_set = None if new_values is None else {canonical(value) for value in new_values}
        if old_set == new_set:
            if old.get("enum") != new.get("enum") and "enum" in old and "enum" in new:
                self.emit("enum-reordered", location, f"{old['enum']} -> {new['enum']}", context)
            return
        removed = sorted(old_set - new_set) if old_set is not None and new_set is not None else []
        added = sorted(new_set - old_set) if old_set is not None and new_set is not None else []
        if old_set is None:
            detail = f"now limited to {', '.join(sorted(new_set or ()))}"
        elif new_set is None:
            detail = f"no longer limited to {', '.join(sorted(old_set))}"
        else:
            detail = "; ".join(
                part
                for part in (
                    f"{', '.join(added)} added" if added else "",
                    f"{', '.join(removed)} removed" if removed else "",
                )
                if part
            )
        if context.direction is Direction.REQUEST:
            narrowed = new_set is not None and (old_set is None or bool(removed))
            self.emit("request-values-narrowed" if narrowed else "request-values-widened", location, detail, context)
            return
        widened = old_set is not None and (new_set is None or bool(added))
        if widened:
            checked = json_types(old, self.old_document) != frozenset({"boolean"})
            name = "response-values-widened-checked" if checked else "response-values-widened-unchecked"
            self.emit(name, location, detail, context)
        else:
            self.emit("response-values-narrowed", location, detail, context)

    def _constraints(self, old: Schema, new: Schema, location: str, context: Context) -> None:
        for keyword in (*LOWER_BOUNDS, *UPPER_BOUNDS, *OTHER_CONSTRAINTS):
            before, after = old.get(keyword), new.get(keyword)
            if before == after:
                continue
            if keyword in LOWER_BOUNDS:
                tightened = after is not None and (before is None or after > before)
                loosened = not tightened
            elif keyword in UPPER_BOUNDS:
                tightened = after is not None and (before is None or after < before)
                loosened = not tightened
            elif keyword == "uniqueItems":
                tightened, loosened = bool(after), not after
            elif keyword == "pattern" and before is not None and after is not None:
                tightened, loosened = escapes(str(before), str(after)), escapes(str(after), str(before))
            else:  # a pattern or multipleOf added or removed; a changed multipleOf may do both
                tightened, loosened = after is not None, before is not None
            detail = f"`{keyword}` {before!r} -> {after!r}"
            if context.direction is Direction.REQUEST:
                name = "request-constraint-tightened" if tightened else "request-constraint-loosened"
            else:
                name = "response-constraint-loosened" if loosened else "response-constraint-tightened"
            self.emit(name, location, detail, context)

    def _format_and_default(self, old: Schema, new: Schema, location: str, context: Context) -> None:
        before, after = old.get("format"), new.get("format")
        if before != after:
            typed = before in TYPED_FORMATS or after in TYPED_FORMATS
            self.emit(
                "format-changed-typed" if typed else "format-changed",
                location,
                f"format {before!r} -> {after!r}",
                context,
            )
        if old.get("default") != new.get("default"):
            self.emit("default-changed", location, f"default {old.get('default')!r} -> {new.get('default')!r}", context)

    def _properties(self, old: Schema, new: Schema, location: str, context: Context) -> None:
        old_properties, new_properties = old.get("properties", {}), new.get("properties", {})
        old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
        request = context.direction is Direction.REQUEST
        declared = ordered_keys(old_properties, new_properties)
        # A name `required` lists without declaring it: no attribute, but a body without it is refused all the same.
        for name in ordered_keys(dict.fromkeys(old.get("required", [])), dict.fromkeys(new.get("required", []))):
            if name not in declared and (name in old_required) != (name in new_required):
                became = "required" if name in new_required else "optional"
                detail = f"`{name}` (declared in no `properties`) became {became}"
                self.emit(
                    f"{context.direction.value}-property-became-{became}",
                    f"{location}/required",
                    detail,
                    context.into_property(name),
                )
        for name in declared:
            here = f"{location}/properties/{name}"
            inner = context.into_property(name)
            if name not in new_properties:
                if request:
                    self.emit("request-property-removed", here, f"`{name}` removed", inner)
                elif name in old_required:
                    self.emit("response-required-property-removed", here, f"`{name}` removed", inner)
                else:
                    self.emit("response-optional-property-removed", here, f"`{name}` removed", inner)
                continue
            if name not in old_properties:
                if not request:
                    self.emit("response-property-added", here, f"`{name}` added", inner)
                elif name in new_required:
                    self.emit("request-required-property-added", here, f"`{name}` added", inner)
                else:
                    self.emit("request-optional-property-added", here, f"`{name}` added", inner)
                continue
            if (name in old_required) != (name in new_required):
                became = "required" if name in new_required else "optional"
                self.emit(
                    f"{context.direction.value}-property-became-{became}", here, f"`{name}` became {became}", inner
                )
            self.compare(old_properties[name], new_properties[name], here, inner)


def _member_shown(key: str) -> str:
    return key.rsplit("/", 1)[1] if key.startswith("#/") else key
