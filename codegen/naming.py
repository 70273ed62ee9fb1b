"""The names openapi-python-client gives what it generates, with this project's generator-config.yml.

A spec change and a change of the generated Python API meet on these names: `ClassName`, `ClassName.attribute`,
and an operation's module, `operation_id`.
"""

from collections.abc import Mapping
from functools import cache
from typing import Any

from openapi_python_client import strings
from openapi_python_client.config import ConfigFile

from codegen.regenerate import CONFIG


@cache
def _config() -> ConfigFile:
    return ConfigFile.load_from_path(path=CONFIG)


def module_name(operation_id: str) -> str:
    """The module of an operation: `api/<tag>/<module_name>.py`."""
    return strings.PythonIdentifier(operation_id, _config().field_prefix)


def attribute_name(property_name: str) -> str:
    """The attribute (and `__init__` argument) of a model property."""
    return strings.PythonIdentifier(property_name, _config().field_prefix)


def class_name(component: str, schema: Mapping[str, Any]) -> str:
    """The class (or `Literal` alias) a schema component becomes: named after its title, else its key."""
    title = schema.get("title")
    name = strings.ClassName(title if isinstance(title, str) and title else component, _config().field_prefix)
    overrides = _config().class_overrides or {}
    override = overrides.get(name)
    return str(override.class_name) if override is not None and override.class_name else str(name)


def class_anchors(component: str, schema: Mapping[str, Any]) -> frozenset[str]:
    """The names a component's Python changes meet it by: its class and the module that holds it."""
    name = class_name(component, schema)
    return frozenset({name, strings.snake_case(name)})


def makes_class(schema: Mapping[str, Any]) -> bool:
    """Whether the generator makes a class or a `Literal` alias of this (resolved) schema."""
    if schema.get("type") == "boolean":
        return False  # a boolean enum or const is plain `bool`
    declared = schema.get("type")
    objects = declared == "object" or (isinstance(declared, list) and "object" in declared)
    return bool(schema.get("enum")) or objects or "properties" in schema
