"""The public Python API of two generated clients, compared: what users of OLD's client must change in their code.

griffe loads both packages statically and finds what it sees (removed objects, function parameters). It is blind to
what matters most in a generated client: the `__init__` that attrs writes for every model, annotations, the
members of `Literal`s and of unions. That part is ours, built on griffe's model of the code: a model's fields are
its annotated class attributes in order, `UNSET` (or a `field(default=...)`) makes an argument optional, and
unions are compared as sets of members.
"""

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import griffe

from codegen.change import PythonEffect
from codegen.ratings import Severity

BREAKING, WARNING, INFO = Severity.BREAKING, Severity.WARNING, Severity.INFO
_ATTRS_DECORATORS = frozenset({"_attrs_define", "define", "attrs.define", "attr.s", "attrs.frozen", "frozen"})
_FIELD_CALLS = frozenset({"_attrs_field", "field", "attrs.field", "attr.ib"})


@dataclass(frozen=True)
class Argument:
    """One argument of a function or of an attrs class's `__init__`."""

    name: str
    annotation: str
    required: bool
    default: str | None
    kind: str = "keyword-only"


@dataclass(frozen=True)
class Signature:
    """The arguments and the return annotation of a callable."""

    arguments: tuple[Argument, ...]
    returns: str | None


@dataclass(frozen=True)
class Surface:
    """What a generated package offers: operation modules, functions, attrs classes and `Literal` aliases."""

    modules: frozenset[str]
    functions: dict[str, Signature]
    classes: dict[str, Signature]
    literals: dict[str, frozenset[str]]


@cache
def load_package(root: Path, package: str) -> griffe.Module:
    """The package in `root`, loaded by griffe from its source alone (once: generated folders never change)."""
    loader = griffe.GriffeLoader(search_paths=[root], allow_inspection=False)
    module = loader.load(package)
    if not isinstance(module, griffe.Module):
        raise TypeError(f"{package} in {root} is no package")
    return module


def union_members(annotation: str | None) -> frozenset[str]:
    """The members of a union annotation (`A | B` -> {A, B}); order is irrelevant to a type checker."""
    if not annotation:
        return frozenset()
    try:
        tree = ast.parse(annotation, mode="eval").body
    except SyntaxError:
        return frozenset({annotation})
    found: list[str] = []

    def flatten(node: ast.expr) -> None:
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            flatten(node.left)
            flatten(node.right)
        else:
            found.append(ast.unparse(node))

    flatten(tree)
    return frozenset(found)


def _literalunion_members(value: str) -> frozenset[str] | None:
    try:
        tree = ast.parse(value, mode="eval").body
    except SyntaxError:
        return None
    if not (isinstance(tree, ast.Subscript) and ast.unparse(tree.value) in ("Literal", "typing.Literal")):
        return None
    elements = tree.slice.elts if isinstance(tree.slice, ast.Tuple) else [tree.slice]
    return frozenset(ast.unparse(element) for element in elements)


def _field(attribute: griffe.Attribute) -> Argument | None:
    """The `__init__` argument attrs makes of an annotated class attribute, or `None` (`init=False`)."""
    annotation = str(attribute.annotation)
    value = None if attribute.value is None else str(attribute.value)
    name = attribute.name.lstrip("_")  # attrs strips leading underscores from argument names
    if value is None:
        return Argument(name, annotation, required=True, default=None, kind="positional-or-keyword")
    try:
        call = ast.parse(value, mode="eval").body
    except SyntaxError:
        call = None
    if isinstance(call, ast.Call) and ast.unparse(call.func) in _FIELD_CALLS:
        keywords = {keyword.arg: ast.unparse(keyword.value) for keyword in call.keywords if keyword.arg}
        if keywords.get("init") == "False":
            return None
        name = keywords.get("alias", "").strip("'\"") or name
        default = keywords.get("default", keywords.get("factory"))
        kind = "keyword-only" if keywords.get("kw_only") == "True" else "positional-or-keyword"
        return Argument(name, annotation, required=default is None, default=default, kind=kind)
    return Argument(name, annotation, required=False, default=value, kind="positional-or-keyword")


def _is_attrs(cls: griffe.Class) -> bool:
    return any(str(decorator.value).split("(")[0] in _ATTRS_DECORATORS for decorator in cls.decorators)


def _walk(module: griffe.Module, prefix: str) -> Iterator[tuple[str, griffe.Object]]:
    for name, member in module.members.items():
        if member.is_alias or name.startswith("_"):
            continue
        path = f"{prefix}.{name}" if prefix else name
        if isinstance(member, griffe.Module):
            yield path, member
            yield from _walk(member, path)
        elif isinstance(member, griffe.Object):
            yield path, member


def surface(package: griffe.Module) -> Surface:
    """The public surface of a generated package, by path relative to the package."""
    modules, functions, classes, literals = set(), {}, {}, {}
    for path, member in _walk(package, ""):
        if isinstance(member, griffe.Module):
            if path.startswith("api."):
                modules.add(path)
        elif isinstance(member, griffe.Function):
            functions[path] = Signature(
                tuple(
                    Argument(
                        parameter.name,
                        str(parameter.annotation),
                        parameter.required,
                        None if parameter.default is None else str(parameter.default),
                        parameter.kind.value if parameter.kind else "",
                    )
                    for parameter in member.parameters
                ),
                None if member.returns is None else str(member.returns),
            )
        elif isinstance(member, griffe.Class) and _is_attrs(member):
            fields = [
                _field(attribute)
                for attribute in member.members.values()
                if isinstance(attribute, griffe.Attribute)
                and attribute.annotation is not None
                and not attribute.labels & {"property"}
            ]
            classes[path] = Signature(tuple(field for field in fields if field is not None), None)
        elif isinstance(member, griffe.Attribute) and member.value is not None:
            found = _literalunion_members(str(member.value))
            if found is not None:
                literals[path] = found
    return Surface(frozenset(modules), functions, classes, literals)


def _anchors(path: str) -> frozenset[str]:
    """The names a spec change meets this path by: a class, `Class.attribute`, or an operation's module."""
    parts = path.split(".")
    if parts[0] == "api":
        return frozenset({parts[2]}) if len(parts) > 2 else frozenset()
    for index, part in enumerate(parts):
        if part[:1].isupper():
            return frozenset({".".join(parts[index : index + 2])})
    # A module of `models` (or a function in it) is named after its class.
    return frozenset({parts[1] if parts[0] == "models" and len(parts) > 1 else parts[-1]})


def _shown(annotation: frozenset[str]) -> str:
    return " | ".join(sorted(annotation)) or "nothing"


class _Differ:
    def __init__(self) -> None:
        self.effects: list[PythonEffect] = []

    def add(self, kind: str, path: str, detail: str, severity: Severity, names: frozenset[str] = frozenset()) -> None:
        self.effects.append(PythonEffect(kind, path, detail, severity, _anchors(path) | names))

    def annotation(self, path: str, old: str | None, new: str | None, *, argument: bool) -> None:
        """An annotation of a function's argument or return, or of a model's field; members gone or arrived.

        Only a function argument's lost member fails at run time (the generated `_get_kwargs` branches on
        `isinstance`, so a body of a lost type is not sent at all); other annotation changes fail type checks
        (a warning), or widen what may be passed (info).
        """
        before, after = union_members(old), union_members(new)
        if before == after:
            return
        gone, arrived = before - after, after - before
        severity = (BREAKING if gone else INFO) if argument else WARNING
        # A class that enters or leaves an annotation is a name a spec change (a renamed component) may carry.
        classes = frozenset(member for member in gone | arrived if member[:1].isupper() and member.isidentifier())
        self.add("annotation-changed", path, f"annotation `{_shown(before)}` -> `{_shown(after)}`", severity, classes)

    def arguments(self, path: str, old: Signature, new: Signature, *, attributes: bool) -> None:
        old_arguments = {argument.name: argument for argument in old.arguments}
        new_arguments = {argument.name: argument for argument in new.arguments}
        what = "field" if attributes else "argument"
        for name, before in old_arguments.items():
            here = f"{path}.{name}"
            after = new_arguments.get(name)
            if after is None:
                self.add(f"{what}-removed", here, f"{what} removed", BREAKING)
                continue
            if after.required and not before.required:
                self.add("argument-became-required", here, "now a required argument", BREAKING)
            elif before.required and not after.required:
                self.add("argument-became-optional", here, f"now optional (default `{after.default}`)", INFO)
            elif not before.required and before.default != after.default:
                self.add("default-changed", here, f"default `{before.default}` -> `{after.default}`", WARNING)
            if before.kind != after.kind:
                self.add("argument-kind-changed", here, f"{before.kind} -> {after.kind}", BREAKING)
            self.annotation(here, before.annotation, after.annotation, argument=not attributes)
        for name, after in new_arguments.items():
            if name not in old_arguments:
                severity = BREAKING if after.required else INFO
                self.add(f"{what}-added", f"{path}.{name}", "added, required" if after.required else "added", severity)
        positional = [name for name, argument in old_arguments.items() if argument.kind != "keyword-only"]
        old_order = [name for name in positional if name in new_arguments]
        new_order = [argument.name for argument in new.arguments if argument.name in old_order]
        if old_order != new_order:
            moved = frozenset(
                f"{path.rsplit('.', 1)[-1]}.{name}" for index, name in enumerate(old_order) if new_order[index] != name
            )
            self.add("arguments-reordered", path, f"positional arguments {old_order} -> {new_order}", BREAKING, moved)
        if not attributes:
            self.annotation(f"{path}()", old.returns, new.returns, argument=False)


def _public(kind: str, path: str) -> str:
    return f"{kind} `{path.rsplit('.', 1)[-1]}`"


def _in_module(path: str, modules: frozenset[str]) -> bool:
    return any(path.startswith(f"{module}.") for module in modules)


def _grouped(effects: list[PythonEffect]) -> list[PythonEffect]:
    """One effect for the same change of every function of an operation module (`sync`, `asyncio`...)."""
    groups: dict[tuple[str, str, str, str], list[PythonEffect]] = {}
    for effect in effects:
        parts = effect.path.split(".")
        if parts[0] == "api" and len(parts) > 4:
            key = (".".join(parts[:3]), ".".join(parts[4:]), effect.kind, effect.detail)
        else:
            key = (effect.path, "", effect.kind, effect.detail)
        groups.setdefault(key, []).append(effect)
    merged = []
    for (module, rest, _, _), members in groups.items():
        if len(members) == 1:
            merged.append(members[0])
            continue
        functions = ", ".join(effect.path.split(".")[3] for effect in members)
        first = members[0]
        path = f"{module}.{{{functions}}}.{rest}" if rest else f"{module}.{{{functions}}}"
        merged.append(PythonEffect(first.kind, path, first.detail, first.severity, first.anchors))
    return merged


def diff_surfaces(old: Surface, new: Surface) -> list[PythonEffect]:
    """Our part of the comparison: modules, functions, attrs `__init__`s and attributes, `Literal`s (ungrouped)."""
    differ = _Differ()
    gone, arrived = old.modules - new.modules, new.modules - old.modules
    for path in sorted(gone):
        differ.add("module-removed", path, "module removed: its imports fail", BREAKING)
    for path in sorted(arrived):
        differ.add("module-added", path, "module added", INFO)
    for table, kind, attributes in ((old.functions, "function", False), (old.classes, "class", True)):
        other = new.functions if table is old.functions else new.classes
        for path in sorted(table.keys() - other.keys()):
            if not _in_module(path, gone):
                differ.add(f"{kind}-removed", path, f"{_public(kind, path)} removed", BREAKING)
        for path in sorted(other.keys() - table.keys()):
            if not _in_module(path, arrived):
                differ.add(f"{kind}-added", path, f"{_public(kind, path)} added", INFO)
        for path in sorted(table.keys() & other.keys()):
            differ.arguments(path, table[path], other[path], attributes=attributes)
    for path in sorted(old.literals.keys() - new.literals.keys()):
        differ.add("literal-removed", path, "`Literal` removed", BREAKING)
    for path in sorted(new.literals.keys() - old.literals.keys()):
        differ.add("literal-added", path, "`Literal` added", INFO)
    for path in sorted(old.literals.keys() & new.literals.keys()):
        gone, arrived = old.literals[path] - new.literals[path], new.literals[path] - old.literals[path]
        if gone:
            differ.add("literal-members-removed", path, f"`Literal` loses {', '.join(sorted(gone))}", WARNING)
        if arrived:
            differ.add("literal-members-added", path, f"`Literal` gains {', '.join(sorted(arrived))}", WARNING)
    return differ.effects


def _griffe_effects(old: griffe.Module, new: griffe.Module, ours: list[PythonEffect]) -> list[PythonEffect]:
    """griffe's own findings, but for those ours already report (the same object, or one inside it)."""
    covered = {effect.path for effect in ours}
    prefix = f"{old.path}."
    effects = []
    for breakage in griffe.find_breaking_changes(old, new):
        obj = breakage.obj
        path = obj.path.removeprefix(prefix)
        target = getattr(obj, "target_path", obj.path).removeprefix(prefix)
        if path in covered or target in covered or any(other.startswith(f"{path}.") for other in covered):
            continue
        detail = breakage.kind.value
        if breakage.old_value is not None and breakage.new_value is not None:
            detail += f": `{breakage.old_value}` -> `{breakage.new_value}`"
        effects.append(PythonEffect("griffe", path, detail, BREAKING, _anchors(path)))
    return effects


def diff_packages(old_root: Path, new_root: Path, package: str) -> list[PythonEffect]:
    """Every change of the public Python API from the package in `old_root` to the one in `new_root`."""
    old, new = load_package(old_root, package), load_package(new_root, package)
    ours = diff_surfaces(surface(old), surface(new))
    # griffe's findings are held to ours function by function, before `sync`, `asyncio`... are grouped into one.
    return _grouped(ours + _griffe_effects(old, new, ours))
