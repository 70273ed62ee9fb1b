"""Whether a URL can be tested at all: "could not test" (exit 2), told apart from "breaks the contract" (exit 1).

A run's first two calls decide it (`probes.preflight_calls`): an embedding without a key, which this API refuses with
401, and an upload with the key, which is free. Nothing answering, both answered 404, both answered HTML, or the key
refused mean the URL or the key is wrong, not the deployment; one odd answer of the two is the deployment's, and the
probes judge it.
"""

from urllib.parse import urlsplit

from memories_contract.exchanges import Exchange
from memories_contract.facts import documented_status
from memories_contract.outcomes import CannotTest
from memories_spec import load_spec

# The production server's base URL, which the spec names first: what a URL without the base path lacks.
EXAMPLE_BASE_URL: str = load_spec()["servers"][0]["url"]


def check_url(url: str) -> None:
    """Refuse a URL that is no http(s) URL of a host."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CannotTest(f"--url must be an http:// or https:// URL, not {url!r}")


def judge_answer(url: str, exchange: Exchange) -> None:
    """Refuse to go on when nothing answered."""
    if exchange.status is None:
        raise CannotTest(f"nothing answers at {url} ({exchange.error})")


def judge(url: str, missing_key: Exchange, upload: Exchange) -> None:
    """Refuse to go on when the first two answers say the URL or the key is wrong."""
    for exchange in (missing_key, upload):
        judge_answer(url, exchange)
    if missing_key.status == upload.status == 404:
        base_path = urlsplit(EXAMPLE_BASE_URL).path
        raise CannotTest(
            f"every request answered 404 Not Found: is the base path missing from --url {url}? "
            f"The API's base URL ends in {base_path}, as in {EXAMPLE_BASE_URL}"
        )
    if _is_html(missing_key) and _is_html(upload):  # one HTML answer is the deployment's fault, for a probe to judge
        raise CannotTest(
            f"{url} answers HTML ({upload.status}, {upload.content_type or 'no content type'}), not the API's "
            "JSON: is it a web page rather than the API's base URL?"
        )
    if upload.status == documented_status("Unauthorized", upload.call.path):
        raise CannotTest(f"the deployment refuses the key in API_KEY ({upload.answer()}): check the key")


def _is_html(exchange: Exchange) -> bool:
    start = exchange.response_body[:256].lstrip().lower()
    return exchange.content_type in ("text/html", "application/xhtml+xml") or start.startswith((b"<!doctype", b"<html"))
