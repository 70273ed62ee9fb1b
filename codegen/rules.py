"""The rules of the spec diff: what each kind of change does to a client openapi-python-client 0.29.1 generated.

Each rule is rated for clients generated from OLD (with this project's generator-config.yml: `literal_enums`), and
says what the generator makes of the change and what users of such a client should do. `breaking`: a client
generated from OLD fails (an exception, a request the server refuses, an import or call that no longer exists);
`warning`: nothing fails, but what the client receives or does changes; `info`: an addition, or nothing at all.
A rule marked `documentation` changes neither the wire nor the generated code's behaviour: a patch release.
"""

from codegen.ratings import Direction, Rule, Severity
from codegen.schema_rules import SCHEMA_RULES

BREAKING, WARNING, INFO = Severity.BREAKING, Severity.WARNING, Severity.INFO
REQUEST, RESPONSE, NEITHER = Direction.REQUEST, Direction.RESPONSE, Direction.NEITHER

_DOCUMENT_RULES = (
    # Operations.
    Rule(
        "operation-removed",
        REQUEST,
        BREAKING,
        "operation removed",
        "its module (`api/<tag>/<operation_id>.py`) is gone: every import of it fails",
        "stop calling it; the server answers 404",
    ),
    Rule(
        "operation-added",
        REQUEST,
        INFO,
        "operation added",
        "a new module under `api/`",
        "regenerate to call it",
    ),
    Rule(
        "operation-id-changed",
        NEITHER,
        BREAKING,
        "operationId changed",
        "the module and its functions are named after the operationId: the old import path is gone",
        "import the operation's module under its new name; nothing changes on the wire",
    ),
    Rule(
        "operation-path-changed",
        REQUEST,
        BREAKING,
        "operation moved to another path",
        "same module and functions, a new URL in `_get_kwargs`: invisible in Python",
        "regenerate: a client generated from OLD calls the old path",
    ),
    Rule(
        "operation-tag-changed",
        NEITHER,
        BREAKING,
        "operation's first tag changed",
        "the module moves to the folder of its first tag (`api/<tag>/`): the old import path is gone",
        "import the operation's module from its new folder",
    ),
    # Parameters.
    Rule(
        "request-parameter-removed",
        REQUEST,
        WARNING,
        "parameter removed",
        "its keyword argument is gone",
        "stop passing it; servers ignore parameters they no longer document",
    ),
    Rule(
        "request-required-parameter-added",
        REQUEST,
        BREAKING,
        "required parameter added",
        "a new required keyword argument",
        "pass it: servers refuse requests without it",
    ),
    Rule(
        "request-optional-parameter-added",
        REQUEST,
        INFO,
        "optional parameter added",
        "a new keyword argument defaulting to `UNSET`",
        "nothing to do",
    ),
    Rule(
        "request-parameter-became-required",
        REQUEST,
        BREAKING,
        "parameter became required",
        "its keyword argument loses its `UNSET` default",
        "always pass it",
    ),
    Rule(
        "request-parameter-became-optional",
        REQUEST,
        INFO,
        "parameter became optional",
        "its keyword argument gains an `UNSET` default",
        "nothing to do",
    ),
    # Request bodies.
    Rule(
        "request-body-became-required",
        REQUEST,
        BREAKING,
        "request body became required",
        "`body` loses its `UNSET` default",
        "always send a body",
    ),
    Rule(
        "request-body-became-optional",
        REQUEST,
        INFO,
        "request body became optional",
        "`body` gains an `UNSET` default",
        "nothing to do",
    ),
    Rule(
        "request-media-type-removed",
        REQUEST,
        BREAKING,
        "request media type removed",
        "the body's union loses that media type's model: passing it sends no body at all",
        "send one of the media types that remain; servers answer 415 to the removed one",
    ),
    Rule(
        "request-media-type-added",
        REQUEST,
        INFO,
        "request media type added",
        "the body's union gains the new media type's model",
        "nothing to do",
    ),
    # Responses.
    Rule(
        "response-status-added",
        RESPONSE,
        WARNING,
        "response status added",
        "a client generated from OLD returns `None` for it (or raises `errors.UnexpectedStatus` when created "
        "with `raise_on_unexpected_status=True`)",
        "regenerate to parse it; until then handle `None`",
    ),
    Rule(
        "response-success-status-added",
        RESPONSE,
        BREAKING,
        "success status added",
        "a client generated from OLD returns `None` instead of the result for it (or raises "
        "`errors.UnexpectedStatus` with `raise_on_unexpected_status=True`)",
        "regenerate: the result of a successful call is lost otherwise",
    ),
    Rule(
        "response-status-removed",
        RESPONSE,
        INFO,
        "response status removed",
        "its branch of `_parse_response` is gone; the return union may lose a model",
        "nothing to do",
    ),
    Rule(
        "response-media-type-added",
        RESPONSE,
        WARNING,
        "JSON response media type added",
        "the generated parser reads every documented body with `response.json()`, whatever its content type",
        "nothing to do",
    ),
    Rule(
        "response-non-json-media-type-added",
        RESPONSE,
        BREAKING,
        "non-JSON response media type added",
        "the generated parser reads every documented body with `response.json()`: a non-JSON body raises "
        "`errors.MalformedResponse`",
        "regenerate, and catch `errors.MalformedResponse` until then",
    ),
    Rule(
        "response-media-type-removed",
        RESPONSE,
        INFO,
        "response media type removed",
        "the status is no longer parsed as that media type",
        "nothing to do",
    ),
    Rule(
        "response-header-added",
        RESPONSE,
        INFO,
        "response header added",
        "none: the generated client never reads response headers (`Response.headers` holds them raw)",
        "read it from `Response.headers` (the `_detailed` functions)",
    ),
    Rule(
        "response-header-removed",
        RESPONSE,
        WARNING,
        "response header removed",
        "none: the generated client never reads response headers",
        "code that reads it from `Response.headers` no longer finds it",
    ),
    Rule(
        "response-header-became-optional",
        RESPONSE,
        WARNING,
        "response header became optional",
        "none: the generated client never reads response headers",
        "code that reads it from `Response.headers` must handle its absence",
    ),
    Rule(
        "response-header-became-required",
        RESPONSE,
        INFO,
        "response header became required",
        "none: the generated client never reads response headers",
        "nothing to do",
    ),
    Rule(
        "link-changed",
        NEITHER,
        INFO,
        "link added, removed or changed",
        "none: openapi-python-client ignores links",
        "nothing to do (links guide stateful testing and documentation)",
        documentation=True,
    ),
    # Security.
    Rule(
        "security-scheme-changed",
        REQUEST,
        BREAKING,
        "security scheme changed (type, location or name of the credential)",
        "none: the generated `AuthenticatedClient` sends `Authorization: <prefix> <token>` whatever the scheme "
        "says; OLD and NEW clients alike need `auth_header_name` and `prefix` set to match",
        "send the credential where the scheme now says",
    ),
    Rule(
        "security-scheme-added",
        NEITHER,
        INFO,
        "security scheme added",
        "none: openapi-python-client ignores security schemes",
        "nothing to do",
    ),
    Rule(
        "security-scheme-removed",
        NEITHER,
        INFO,
        "security scheme removed",
        "none: openapi-python-client ignores security schemes",
        "nothing to do",
    ),
    Rule(
        "operation-security-added",
        REQUEST,
        BREAKING,
        "operation now requires authentication",
        "`client` must now be an `AuthenticatedClient` (it could be a plain `Client`)",
        "call it with an `AuthenticatedClient`; servers answer 401 without the key",
    ),
    Rule(
        "operation-security-removed",
        REQUEST,
        INFO,
        "operation no longer requires authentication",
        "`client` may also be a plain `Client`",
        "nothing to do",
    ),
    # Servers and documentation.
    Rule(
        "server-removed",
        NEITHER,
        WARNING,
        "server removed",
        "none: the generated client takes its `base_url` from the caller",
        "stop using that base URL",
    ),
    Rule(
        "server-added",
        NEITHER,
        INFO,
        "server added",
        "none: the generated client takes its `base_url` from the caller",
        "nothing to do",
        documentation=True,
    ),
    Rule(
        "documentation-changed",
        NEITHER,
        INFO,
        "documentation changed",
        "docstrings only",
        "nothing to do",
        documentation=True,
    ),
    # Components.
    Rule(
        "component-renamed",
        NEITHER,
        BREAKING,
        "schema component renamed",
        "its class (or `Literal` alias) and module are renamed: imports of the old name fail; the wire is unchanged",
        "import the new name",
    ),
    Rule(
        "component-removed",
        NEITHER,
        BREAKING,
        "schema component removed",
        "its class (or `Literal` alias) and module are gone",
        "stop importing it",
    ),
    Rule(
        "component-added",
        NEITHER,
        INFO,
        "schema component added",
        "a new class (or `Literal` alias) in `models`",
        "nothing to do",
    ),
    Rule(
        "schema-title-changed",
        NEITHER,
        BREAKING,
        "title of a schema that becomes a class changed",
        "openapi-python-client names a model's or an enum's class after its `title`: the class is renamed",
        "import the class under its new name",
    ),
    Rule(
        "unused-schema-changed",
        NEITHER,
        INFO,
        "schema no operation uses changed",
        "its generated class changes; nothing on the wire",
        "check code that builds or reads the class",
    ),
)

RULES: dict[str, Rule] = {rule.name: rule for rule in (*_DOCUMENT_RULES, *SCHEMA_RULES)}
