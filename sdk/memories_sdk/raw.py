"""`with_raw_response`: a successful answer's status, headers and body beside its parsed model."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from memories_client.types import Response
from memories_sdk.errors import MemoriesError

Model = TypeVar("Model")


@dataclass(frozen=True)
class RawResponse(Generic[Model]):
    """A successful answer as it came: `status_code`, `headers` (case-insensitive), `content`; `parse()` the model."""

    status_code: int
    headers: Mapping[str, str]
    content: bytes
    _parsed: Model = field(repr=False)

    def parse(self) -> Model:
        """The answer's generated success model."""
        return self._parsed


def raw_response(response: Response[Any], model: type[Model]) -> RawResponse[Model]:
    """The generated operation's answer as a RawResponse of `model`.

    Errors never get here: the SDK's transport raises each as its typed error, so the generated code parses
    only a success.
    """
    if not isinstance(response.parsed, model):  # cannot happen while MemoriesTransport checks every answer
        raise MemoriesError(f"the SDK parsed HTTP {response.status_code} as {type(response.parsed).__name__}")
    return RawResponse(int(response.status_code), response.headers, response.content, response.parsed)
