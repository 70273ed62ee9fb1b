"""Validating values against the spec's schemas, with the OpenAPI 3.1 dialect (openapi-schema-validator).

Schemas are looked up through a `referencing` registry that holds the whole document, so a schema is named by its
JSON pointer and its `$ref`s resolve wherever they point. Regular expressions are ECMA-262's, as JSON Schema means
them (regress): Python's `$` also matches before a final newline, so "re_1\\n" would pass `^re_[0-9]+$`.
"""

from collections.abc import Mapping
from functools import cache
from typing import Any

from jsonschema import validators
from jsonschema.protocols import Validator
from openapi_schema_validator import OAS31Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from memories_spec.document import MULTIPART, binary_fields, load_spec, request_body_pointer

_SPEC_URI = "urn:memories-ai:openapi"


def _is_integer_token(checker: object, instance: object) -> bool:
    return isinstance(instance, int) and not isinstance(instance, bool)


# JSON Schema counts 200.0 as an integer; a client in a typed language does not, and neither do these checks.
_StrictValidator = validators.extend(  # type: ignore[no-untyped-call]  # untyped in types-jsonschema
    OAS31Validator, type_checker=OAS31Validator.TYPE_CHECKER.redefine("integer", _is_integer_token)
)


@cache
def _registry() -> Registry[Any]:
    resource: Resource[Any] = Resource.from_contents(load_spec(), default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(_SPEC_URI, resource)
    return registry


def validator(schema_pointer: str) -> Validator:
    """A validator for the schema at `schema_pointer` in the bundled spec."""
    checker: Validator = _StrictValidator(
        {"$ref": f"{_SPEC_URI}#{schema_pointer}"},
        registry=_registry(),
        format_checker=OAS31Validator.FORMAT_CHECKER,
    )
    return checker


def multipart_body_is_valid(path: str, fields: Mapping[str, Any]) -> bool:
    """Whether a multipart body, given field by field, satisfies the operation's schema.

    JSON Schema has no bytes, so a file (bytes) in a `format: binary` field is validated as a placeholder string.
    Anything else in such a field, text included, is no file: the field is not satisfied."""
    files = binary_fields(path)
    if any(name in files and not isinstance(value, bytes) for name, value in fields.items()):
        return False
    value = {name: "<file>" if name in files else item for name, item in fields.items()}
    return validator(request_body_pointer(path, MULTIPART) + "/schema").is_valid(value)
