"""multipart/form-data bodies read into memory part by part, keeping each part's raw bytes.

python-multipart does the parsing. Starlette's form parser is not used because it turns a part without
a filename into text: the generated client sends `file` that way when `File.file_name` is unset, and a
lenient server takes it. The mock needs the whole image in memory anyway, so nothing is spooled to disk.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from mock_server.envelope import ApiError

_MAX_PARTS = 16
_MAX_HEADERS_PER_PART = 16


@dataclass
class Part:
    """One part of the form."""

    name: str = ""
    filename: str | None = None
    data: bytearray = field(default_factory=bytearray)

    def text(self) -> str:
        """The part as UTF-8 text; 400 when it is not."""
        try:
            return self.data.decode()
        except UnicodeDecodeError:
            raise ApiError(400, f"Field {self.name} must be UTF-8 text") from None


class _Collector:
    """python-multipart callbacks that collect the parts."""

    def __init__(self) -> None:
        self.parts: list[Part] = []
        self.finished = False
        self._header_name = bytearray()
        self._header_value = bytearray()

    def on_part_begin(self) -> None:
        if len(self.parts) == _MAX_PARTS:
            raise ApiError(400, f"Too many parts: at most {_MAX_PARTS}")
        self.parts.append(Part())

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        self.parts[-1].data += data[start:end]

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        name, value = bytes(self._header_name).strip().lower(), bytes(self._header_value)
        self._header_name.clear()
        self._header_value.clear()
        part = self.parts[-1]
        if name == b"content-disposition":
            _, options = parse_options_header(value)
            part.name = options.get(b"name", b"").decode("utf-8", "replace")
            if b"filename" in options:
                part.filename = options[b"filename"].decode("utf-8", "replace")

    def on_end(self) -> None:
        self.finished = True


async def read_parts(content_type: str, chunks: AsyncIterator[bytes]) -> dict[str, Part]:
    """The parts of a multipart body by field name (the first of each name); 400 if malformed."""
    _, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if not boundary:
        raise ApiError(400, "Invalid multipart body: the Content-Type has no boundary")
    collector = _Collector()
    try:
        parser = MultipartParser(
            boundary,
            {
                "on_part_begin": collector.on_part_begin,
                "on_part_data": collector.on_part_data,
                "on_header_field": collector.on_header_field,
                "on_header_value": collector.on_header_value,
                "on_header_end": collector.on_header_end,
                "on_end": collector.on_end,
            },
            max_header_count=_MAX_HEADERS_PER_PART,
        )
        async for chunk in chunks:
            parser.write(chunk)
        parser.finalize()
    except FormParserError as error:
        raise ApiError(400, f"Invalid multipart body: {error}") from None
    if not collector.finished:
        raise ApiError(400, "Invalid multipart body: it ends before its closing boundary")
    parts: dict[str, Part] = {}
    for part in collector.parts:
        parts.setdefault(part.name, part)
    return parts
