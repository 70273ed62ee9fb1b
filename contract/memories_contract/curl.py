"""curl commands that send a failing request again, the key left out: the command reads it from the environment."""

import shlex
from pathlib import Path

from memories_contract.exchanges import FILTERED, WRONG_KEY, Credential, Exchange
from memories_contract.facts import KEY_HEADER


def reproduce(exchange: Exchange, files: Path) -> str:
    """A curl command that sends `exchange`'s request again; a file it sends is written into `files`."""
    call = exchange.call
    words = ["curl", "--request", "POST", "--url", shlex.quote(exchange.url or call.path)]
    if call.credential in (Credential.KEY, Credential.SECOND_KEY):
        words += ["--header", _key_from_environment(call.credential)]
    elif call.credential is Credential.WRONG:
        words += ["--header", shlex.quote(f"{KEY_HEADER}: {WRONG_KEY}")]
    if call.by_asset_id:
        words += ["--header", shlex.quote("Content-Type: application/json")]
        words += ["--data", shlex.quote(exchange.request_body.decode())]
    if call.file is not None:
        files.mkdir(parents=True, exist_ok=True)
        saved = files / call.file.filename
        saved.write_bytes(call.file.content)
        if call.model is not None:
            words += ["--form", shlex.quote(f"model={call.model}")]
        words += ["--form", shlex.quote(f"file=@{saved};type={call.file.media_type}")]
    return " ".join(words)


def with_key_from_environment(command: str) -> str:
    """schemathesis's curl command for a request that carried API_KEY, which it shows filtered out: read from
    the environment instead, so that the command sends the request again."""
    return command.replace(f"-H '{KEY_HEADER}: {FILTERED}'", f"-H {_key_from_environment(Credential.KEY)}")


def _key_from_environment(credential: Credential) -> str:
    # Double quotes: the shell puts the key in, so that it never shows in a report.
    return f'"{KEY_HEADER}: ${credential.value}"'
