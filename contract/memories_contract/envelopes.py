"""The envelope rule no schema can state: `code` agrees with the HTTP status. Shared by the schemathesis check and
the probes, so that both judge a body the same way.

JSON Schema counts 200.0 as an integer, and `code` is `anyOf` integer or string; typed clients take neither a float
nor a code that contradicts the status, so neither does this rule.
"""

# v1-style pages of the provider show "0000" for success (api-facts.md); the v2 pages show the status itself.
LEGACY_SUCCESS_CODE = "0000"


def code_problem(code: object, status: int) -> str | None:
    """Why an envelope's `code` is wrong for a response of `status`, or None when it agrees."""
    if isinstance(code, bool) or not isinstance(code, int | str):
        return f"`code` is {code!r}: neither an integer nor a string"
    allowed: set[object] = {status, str(status), *([LEGACY_SUCCESS_CODE] if status == 200 else [])}
    if code not in allowed:
        return f"`code` {code!r} disagrees with HTTP status {status}"
    return None
