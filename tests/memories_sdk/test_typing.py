"""What mypy --strict makes of user code: the success model revealed, and each misuse flagged with its error code."""

import re
from pathlib import Path

from mypy import api as mypy_api

RESPONSE = "memories_client.models.image_embedding_response.ImageEmbeddingResponse"
UPLOAD = "memories_client.models.upload_response.UploadResponse"
RAW = f"memories_sdk.raw.RawResponse[{RESPONSE}]"
RESULTS = f"list[{RESPONSE} | memories_sdk.errors.MemoriesError]"

# Each line: the code, and what mypy must say of it: `reveal <type>`, an `[error-code]`, or nothing.
USER_CODE = [
    ("import io", ""),
    ("from pathlib import Path", ""),
    ("from typing import reveal_type", ""),
    ("from memories_sdk import AsyncMemories, Memories", ""),
    ("client = Memories()", ""),
    ('reveal_type(client.embeddings.image(file="photo.jpg", model="mobileclip"))', f"reveal {RESPONSE}"),
    ('reveal_type(client.embeddings.image(file=Path("p.png"), model="mobileclip"))', f"reveal {RESPONSE}"),
    ('reveal_type(client.embeddings.image(file=b"...", model="mobileclip"))', f"reveal {RESPONSE}"),
    ('reveal_type(client.embeddings.image(file=io.BytesIO(), model="mobileclip"))', f"reveal {RESPONSE}"),
    ('reveal_type(client.embeddings.image(asset_id="re_1", model="multimodalembedding@001"))', f"reveal {RESPONSE}"),
    ('reveal_type(client.assets.upload(file="photo.jpg"))', f"reveal {UPLOAD}"),
    ('reveal_type(client.embeddings.with_raw_response.image(file=b"", model="mobileclip"))', f"reveal {RAW}"),
    ('reveal_type(client.embeddings.image_many(["a.jpg", b""], model="mobileclip"))', f"reveal {RESULTS}"),
    ('vector: list[float] = client.embeddings.image(file="a.jpg", model="mobileclip").data.embedding', ""),
    ("fast = client.with_options(timeout=5.0, max_retries=0)", ""),
    ('client.embeddings.image(model="mobileclip")', "[call-overload]"),
    ('client.embeddings.image(file="a.jpg", asset_id="re_1", model="mobileclip")', "[call-overload]"),
    ('client.embeddings.image(file="a.jpg", model="resnet-50")', "[call-overload]"),
    ('client.embeddings.image(file=3, model="mobileclip")', "[call-overload]"),
    ('client.embeddings.image_many(["a.jpg"], model="resnet-50")', "[arg-type]"),
    ('words: list[str] = client.embeddings.image(file="a.jpg", model="mobileclip").data.embedding', "[assignment]"),
    ('client.embeddings.image_many(["a.jpg"], model="mobileclip")[0].data', "[union-attr]"),
    ('client.assets.upload("a.jpg")', "[call-arg]"),  # keyword-only
    ('client.with_options(max_retries="2")', "[arg-type]"),
    ("Memories(retries=3)", "[call-arg]"),
    ("async def main() -> None:", ""),
    ("    async with AsyncMemories() as other:", ""),
    ('        reveal_type(await other.embeddings.image(file="a.jpg", model="mobileclip"))', f"reveal {RESPONSE}"),
    ('        reveal_type(await other.embeddings.image_many([b""], model="mobileclip"))', f"reveal {RESULTS}"),
    ('        other.embeddings.image(file="a.jpg", model="mobileclip").data', "[attr-defined]"),
    ('        await other.embeddings.image(asset_id=7, model="mobileclip")', "[call-overload]"),
]


def test_mypy_reveals_the_success_model_and_flags_each_misuse(tmp_path: Path) -> None:
    program = tmp_path / "user_code.py"
    program.write_text("\n".join(code for code, _ in USER_CODE) + "\n", encoding="utf-8")
    report, problems, status = mypy_api.run(["--strict", "--no-error-summary", "--hide-error-context", str(program)])
    assert (status, problems) == (1, ""), report + problems
    said: dict[int, list[str]] = {}
    for line in report.splitlines():
        # Not the whole path: mypy's cache replays a module's messages with the path they were first reported under.
        found = re.match(r"^.*user_code\.py:(\d+): (note|error): (.*)$", line)
        assert found, line
        number, kind, message = int(found[1]), found[2], found[3]
        if kind == "note" and message.startswith("Revealed type is"):
            said.setdefault(number, []).append("reveal " + message.removeprefix('Revealed type is "').rstrip('"'))
        elif kind == "error":
            said.setdefault(number, []).append(message[message.rindex("[") :])
    expected = {number: [what] for number, (_, what) in enumerate(USER_CODE, 1) if what}
    assert {number: sorted(set(what)) for number, what in said.items()} == expected
