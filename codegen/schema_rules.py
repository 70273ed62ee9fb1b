"""The rules of the schema diff: types, enumerations and `const`, constraints, formats, properties, unions.

Rated like the rules of `codegen.rules`, for clients openapi-python-client 0.29.1 generated from OLD with this
project's configuration.
"""

from codegen.ratings import Direction, Rule, Severity

BREAKING, WARNING, INFO = Severity.BREAKING, Severity.WARNING, Severity.INFO
REQUEST, RESPONSE, NEITHER = Direction.REQUEST, Direction.RESPONSE, Direction.NEITHER

_UNCHECKED = "the generated parser does not check it (`cast`, or a plain `d.pop`)"
_CHECKED = (
    "the generated parser of this value raises on it (`from_dict`, a literal enum's `check_...`, a `const`): "
    "`errors.MalformedResponse`"
)

SCHEMA_RULES = (
    # Types.
    Rule(
        "request-type-narrowed",
        REQUEST,
        BREAKING,
        "a request value lost a type",
        "the annotation narrows",
        "send only the types that remain",
    ),
    Rule(
        "request-type-widened",
        REQUEST,
        INFO,
        "a request value may have more types",
        "the annotation widens",
        "nothing to do",
    ),
    Rule(
        "response-type-widened-checked",
        RESPONSE,
        BREAKING,
        "a response value may have a type it could not have",
        _CHECKED,
        "regenerate: the old client raises on such a response",
    ),
    Rule(
        "response-type-widened-unchecked",
        RESPONSE,
        WARNING,
        "a response value may have a type it could not have",
        f"{_UNCHECKED}: typed code sees a type its annotation denies",
        "handle the new type, and regenerate",
    ),
    Rule(
        "response-type-narrowed",
        RESPONSE,
        INFO,
        "a response value lost a type",
        "the annotation narrows",
        "nothing to do",
    ),
    # Enumerations and `const`.
    Rule(
        "request-values-narrowed",
        REQUEST,
        BREAKING,
        "a request value allows fewer values (enum member removed, enum or const added or changed)",
        "the `Literal` loses members (or the annotation becomes one)",
        "stop sending the values that went; servers refuse them",
    ),
    Rule(
        "request-values-widened",
        REQUEST,
        INFO,
        "a request value allows more values (enum member added, enum or const removed)",
        "the `Literal` gains members",
        "nothing to do",
    ),
    Rule(
        "response-values-widened-checked",
        RESPONSE,
        BREAKING,
        "a response value may take a value it could not (enum member added, enum or const removed or changed)",
        "with `literal_enums`, the generated `check_...` raises `TypeError: Unexpected value`, a string or "
        "number `const` `ValueError`: the client raises `errors.MalformedResponse` from it",
        "regenerate: the old client raises on such a response",
    ),
    Rule(
        "response-values-widened-unchecked",
        RESPONSE,
        WARNING,
        "a response value may take a value it could not (enum member added, enum or const removed or changed)",
        "the generated parser does not check it: a boolean `const` or enum is typed plain `bool`",
        "code that relied on the old value must handle the new one",
    ),
    Rule(
        "response-values-narrowed",
        RESPONSE,
        INFO,
        "a response value allows fewer values",
        "the `Literal` loses members",
        "nothing to do",
    ),
    Rule(
        "enum-reordered",
        NEITHER,
        INFO,
        "enum members reordered",
        "none: the generator sorts a `Literal`'s members",
        "nothing to do",
        documentation=True,
    ),
    # Constraints, formats, defaults.
    Rule(
        "request-constraint-tightened",
        REQUEST,
        BREAKING,
        "a request value's constraint tightened (pattern, length, items, bounds)",
        "none: the generated client never checks constraints, so it sends what servers now refuse",
        "send only values within the new constraint",
    ),
    Rule(
        "request-constraint-loosened",
        REQUEST,
        INFO,
        "a request value's constraint loosened",
        "none: the generated client never checks constraints",
        "nothing to do",
    ),
    Rule(
        "response-constraint-loosened",
        RESPONSE,
        WARNING,
        "a response value's constraint loosened (pattern, length, items, bounds)",
        "none: the generated client never checks constraints, so values outside the old ones reach your code",
        "handle values outside the old constraint",
    ),
    Rule(
        "response-constraint-tightened",
        RESPONSE,
        INFO,
        "a response value's constraint tightened",
        "none: the generated client never checks constraints",
        "nothing to do",
    ),
    Rule(
        "format-changed-typed",
        NEITHER,
        BREAKING,
        "format changed to or from one the generator types (date, date-time, uuid, binary)",
        "the Python type changes (`datetime.date`, `datetime.datetime`, `UUID`, `File`, or `str`)",
        "regenerate and convert values to the new type",
    ),
    Rule(
        "format-changed",
        NEITHER,
        WARNING,
        "format changed",
        "none: the generator types this format as a plain string",
        "check the values you send or read",
    ),
    Rule(
        "default-changed",
        NEITHER,
        WARNING,
        "default changed",
        "the keyword argument's default changes",
        "pass the value explicitly where the old default mattered",
    ),
    # Properties.
    Rule(
        "request-required-property-added",
        REQUEST,
        BREAKING,
        "required request property added",
        "the model gains a required `__init__` argument",
        "send it: servers refuse requests without it",
    ),
    Rule(
        "request-optional-property-added",
        REQUEST,
        INFO,
        "optional request property added",
        "the model gains an argument defaulting to `UNSET`",
        "nothing to do",
    ),
    Rule(
        "request-property-removed",
        REQUEST,
        WARNING,
        "request property removed",
        "the model loses the argument and the attribute",
        "stop sending it: a server that refuses unknown properties refuses it",
    ),
    Rule(
        "request-property-became-required",
        REQUEST,
        BREAKING,
        "request property became required",
        "its `__init__` argument loses its `UNSET` default",
        "always send it",
    ),
    Rule(
        "request-property-became-optional",
        REQUEST,
        INFO,
        "request property became optional",
        "its `__init__` argument gains an `UNSET` default and the attribute's type gains `Unset`",
        "nothing to do",
    ),
    Rule(
        "response-property-added",
        RESPONSE,
        INFO,
        "response property added",
        "a client generated from OLD keeps it in `additional_properties`",
        "regenerate to read it as an attribute",
    ),
    Rule(
        "response-required-property-removed",
        RESPONSE,
        BREAKING,
        "required response property removed",
        "`from_dict` pops it without a default: `KeyError`, and the client raises `errors.MalformedResponse` from it",
        "regenerate: the old client raises on every such response",
    ),
    Rule(
        "response-optional-property-removed",
        RESPONSE,
        WARNING,
        "optional response property removed",
        "the attribute is always `UNSET` in a client generated from OLD",
        "stop reading it",
    ),
    Rule(
        "response-property-became-optional",
        RESPONSE,
        BREAKING,
        "response property became optional",
        "`from_dict` pops a required property without a default: `errors.MalformedResponse` from a `KeyError` when "
        "it is missing",
        "regenerate, and handle `UNSET`",
    ),
    Rule(
        "response-property-became-required",
        RESPONSE,
        INFO,
        "response property became required",
        "the attribute's type loses `Unset`",
        "nothing to do",
    ),
    # Unions of schemas (anyOf / oneOf of objects; unions of plain types are types, above).
    Rule(
        "request-union-narrowed",
        REQUEST,
        BREAKING,
        "a request union lost a member",
        "the annotation loses the member's class",
        "send one of the members that remain",
    ),
    Rule(
        "request-union-widened",
        REQUEST,
        INFO,
        "a request union gained a member",
        "the annotation gains the member's class",
        "nothing to do",
    ),
    Rule(
        "response-union-widened",
        RESPONSE,
        WARNING,
        "a response union gained a member",
        "the generated parser tries OLD's members in order and keeps the raw value when none matches",
        "regenerate to receive the new member as its class",
    ),
    Rule(
        "response-union-narrowed",
        RESPONSE,
        INFO,
        "a response union lost a member",
        "the annotation loses the member's class",
        "nothing to do",
    ),
    Rule(
        "union-reordered-parsed",
        NEITHER,
        WARNING,
        "members of a union of objects reordered",
        "the generated parser tries members in order: after regenerating, a value that matches several "
        "becomes an instance of another class",
        "check `isinstance` branches on values that match more than one member",
    ),
    Rule(
        "union-reordered",
        NEITHER,
        INFO,
        "members of a union of plain types reordered",
        "none: the generated parser casts a union of plain types without trying its members",
        "nothing to do",
        documentation=True,
    ),
    Rule(
        "union-keyword-changed",
        NEITHER,
        INFO,
        "anyOf became oneOf, or oneOf anyOf",
        "none: openapi-python-client makes the same union of both",
        "nothing to do",
    ),
    # Anything no rule above recognises: never silently passed.
    Rule(
        "schema-unclassified-change",
        NEITHER,
        WARNING,
        "schema keyword changed that no rule covers",
        "unknown: read the Python API diff",
        "review the change by hand",
    ),
    Rule(
        "unclassified-change",
        NEITHER,
        WARNING,
        "change that no rule covers",
        "unknown: read the Python API diff",
        "review the change by hand",
    ),
)
