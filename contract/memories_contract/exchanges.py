"""The probes' requests: what each sends (`Call`), and what came back (`Exchange`), over httpx.

A call names its request by what it sends, so that probes needing the same request share one; a repeat of a request
is a call of its own (`attempt`). Every exchange is kept, in order, for the HAR report and for the curl command that
reproduces a failure.

A real deployment limits its callers, and its 429 is no breach of the contract: it is waited out, as schemathesis's
`rate-limit = "auto"` (schemathesis.toml) waits out its own, and the request sent again, at most three times: after
the wait Retry-After asks for (at most a minute), or else after 1, 2 and 4 seconds (the provider asks for exponential
backoff). A retry never takes the room of a planned call in the cap. A limit that does not lift, or no room to wait it
out, is "could not test" (`CannotTest`), not a verdict on the deployment.
"""

import dataclasses
import enum
import json
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from memories_contract.budget import RequestBudget
from memories_contract.facts import EMBED_PATH, KEY_HEADER, UPLOAD_PATH
from memories_contract.outcomes import CannotTest

# Real models can take seconds for an image; a deployment that takes longer than this is as good as down.
TIMEOUT_SECONDS = 60.0
USER_AGENT = "memories-conformance"
TOO_MANY_REQUESTS = 429
# The waits before each retry of a 429 that says nothing in Retry-After; as many as schemathesis's retries of its own.
BACKOFF_SECONDS = (1.0, 2.0, 4.0)


class Credential(enum.Enum):
    """Which key a call sends in the Authorization header."""

    KEY = "API_KEY"
    SECOND_KEY = "API_KEY_2"
    NONE = "no key"
    WRONG = "a wrong key"


# Made up, and unlike any real key: `sk-mai-` keys are issued by the provider.
WRONG_KEY = "sk-mai-memories-conformance-not-a-key"


@dataclass(frozen=True)
class FilePart:
    """A file sent as the multipart `file` field."""

    filename: str
    content: bytes = field(repr=False)
    media_type: str


@dataclass(frozen=True)
class Call:
    """One request a probe needs: a multipart body (`model`, `file`) or a JSON body (the uploaded asset, `model`)."""

    path: str
    file: FilePart | None = None
    model: str | None = None
    by_asset_id: bool = False
    credential: Credential = Credential.KEY
    attempt: int = 1

    def describe(self) -> str:
        """What the call sends, in a few words."""
        parts = [f"POST {self.path}"]
        if self.by_asset_id:
            parts.append("the uploaded asset")
        if self.file is not None:
            parts.append(self.file.filename)
        if self.model is not None:
            parts.append(f"model={self.model}")
        if self.credential is not Credential.KEY:
            parts.append(f"with {self.credential.value}")
        if self.attempt > 1:
            parts.append(f"(attempt {self.attempt})")
        return " ".join(parts)


def embed_file(file: FilePart, model: str, **options: Any) -> Call:
    """embedImage by file upload (multipart)."""
    return Call(EMBED_PATH, file=file, model=model, **options)


def embed_asset(model: str, **options: Any) -> Call:
    """embedImage by the asset id the run's upload returned (JSON)."""
    return Call(EMBED_PATH, model=model, by_asset_id=True, **options)


def upload(file: FilePart) -> Call:
    """uploadAsset."""
    return Call(UPLOAD_PATH, file=file)


@dataclass(frozen=True)
class Exchange:
    """A call as sent and answered, or the reason it got no answer."""

    call: Call
    started: datetime
    url: str
    request_headers: Mapping[str, str]
    """As sent, but for the key, which reads `[Filtered]`."""
    request_body: bytes = field(repr=False)
    status: int | None = None
    response_headers: Mapping[str, str] = field(default_factory=dict)
    response_body: bytes = field(default=b"", repr=False)
    seconds: float = 0.0
    error: str | None = None
    """Why there is no answer: a network error, or no asset id to send."""
    json_body: Any = None
    """The answer parsed as JSON; None when it is not JSON."""
    waited_out: tuple["Exchange", ...] = ()
    """The earlier answers to the same request, each a 429 that was waited out."""

    @property
    def content_type(self) -> str:
        """The answer's media type, without parameters."""
        return self.response_headers.get("content-type", "").partition(";")[0].strip().lower()

    def answer(self) -> str:
        """The status and, for an envelope, its `msg`: what a failure message quotes."""
        if self.status is None:
            return f"nothing ({self.error})"
        body = self.json_body
        msg = body.get("msg") if isinstance(body, dict) else None
        return f"{self.status}" + (f" {msg!r}" if isinstance(msg, str) else "")


FILTERED = "[Filtered]"


class Sender:
    """Sends calls to a deployment, each at most once (but for waiting out a rate limit), within the run's budget."""

    def __init__(
        self,
        client: httpx.Client,
        keys: Mapping[Credential, str | None],
        budget: RequestBudget,
        planned: Collection[Call] = (),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = client
        self._keys = keys
        self._budget = budget
        self._planned = frozenset(planned)
        """The calls the plan counted on: the room a retry may never take."""
        self._sleep = sleep
        self._base_path = client.base_url.path
        self.exchanges: dict[Call, Exchange] = {}
        self.asset_id: str | None = None
        """The id the run's upload returned, which JSON calls send."""

    def send(self, call: Call) -> Exchange:
        """The exchange of `call`: sent now, or the one sent before."""
        if call not in self.exchanges:
            self.exchanges[call] = self._send(call)
        return self.exchanges[call]

    def _send(self, call: Call) -> Exchange:
        headers = {"User-Agent": USER_AGENT}
        key = self._keys.get(call.credential)
        if key:
            headers[KEY_HEADER] = key
        if call.by_asset_id:
            if self.asset_id is None:
                return Exchange(
                    call, datetime.now(UTC), "", {}, b"", error="no asset id to send: the upload answered none"
                )
            body = {"asset_id": self.asset_id, "model": call.model}
            request = self._client.build_request("POST", call.path, json=body, headers=headers)
        else:
            if call.file is None:
                raise ValueError(f"{call.describe()}: a multipart call needs a file")
            data = {"model": call.model} if call.model is not None else None
            files = {"file": (call.file.filename, call.file.content, call.file.media_type)}
            request = self._client.build_request("POST", call.path, data=data, files=files, headers=headers)
        request.read()
        sent_headers = {
            name: (FILTERED if name.lower() == KEY_HEADER.lower() and key else value)
            for name, value in request.headers.items()
        }
        waited_out: list[Exchange] = []
        while True:
            exchange = self._exchange(call, request, sent_headers)
            if exchange.status != TOO_MANY_REQUESTS:
                return dataclasses.replace(exchange, waited_out=tuple(waited_out))
            waited_out.append(exchange)
            self._sleep(self._wait_before_retry(exchange, len(waited_out)))

    def _exchange(self, call: Call, request: httpx.Request, sent_headers: Mapping[str, str]) -> Exchange:
        sent = Exchange(call, datetime.now(UTC), str(request.url), sent_headers, request.content)
        self._budget.spend(self._base_path.rstrip("/") + call.path)
        before = time.monotonic()
        try:
            response = self._client.send(request)
        except httpx.HTTPError as error:  # no answer, or none that can be read (a broken encoding)
            reason = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
            return dataclasses.replace(sent, error=reason, seconds=time.monotonic() - before)
        return dataclasses.replace(
            sent,
            status=response.status_code,
            response_headers={name.lower(): value for name, value in response.headers.items()},
            response_body=response.content,
            seconds=time.monotonic() - before,
            json_body=_json(response.content),
        )

    def _wait_before_retry(self, exchange: Exchange, retry: int) -> float:
        """How long to wait before the `retry`th sending of a request answered 429; `CannotTest` if it may not be."""
        # Imported only now: the rest of schemathesis comes with it, which a run without a 429 does without.
        from schemathesis.core.rate_limit import parse_retry_after

        what = exchange.call.describe()
        if retry > len(BACKOFF_SECONDS):
            raise CannotTest(
                f"the deployment's rate limit does not lift: {what} answered 429 Too Many Requests {retry} times, "
                "waited out each time; run again later"
            )
        still_planned = self._planned - self.exchanges.keys() - {exchange.call}
        if self._budget.remaining <= len(still_planned):
            raise CannotTest(
                f"{what} answered 429 Too Many Requests, and --max-requests {self._budget.limit} leaves no room to "
                "send it again once the limit lifts: give the run more requests"
            )
        wait = parse_retry_after(exchange.response_headers.get("retry-after", ""))
        return wait if wait is not None else BACKOFF_SECONDS[retry - 1]


def _json(content: bytes) -> Any:
    try:
        return json.loads(content)
    except ValueError:
        return None
