"""The Python examples of the README and docs/ type-check under `mypy --strict`, and misuse of the client does not."""

import re
from pathlib import Path

import pytest
from mypy import api as mypy_api

from memories_sdk import Memories
from mock_server import RunningMock

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def code_blocks(document: Path) -> list[str]:
    """The ```python blocks of a markdown file."""
    return re.findall(r"```python\n(.*?)```", document.read_text(encoding="utf-8"), flags=re.DOTALL)


BLOCKS = {
    f"{document.relative_to(ROOT)}#{index}": block
    for document in DOCUMENTS
    for index, block in enumerate(code_blocks(document))
}
CODE_BLOCKS = list(BLOCKS.values())


def mypy_errors(program: str, folder: Path) -> list[str]:
    """The errors mypy --strict reports for `program`; fails the test if mypy itself could not run."""
    source = folder / "readme_example.py"
    source.write_text(program, encoding="utf-8")
    report, problems, status = mypy_api.run(["--strict", "--no-error-summary", str(source)])
    errors = [line for line in report.splitlines() if ": error:" in line]
    assert (status, problems) == (1 if errors else 0, ""), report + problems
    return errors


def test_readme_shows_both_methods_sync_and_async_with_the_raw_key() -> None:
    usage = "\n".join(CODE_BLOCKS)
    for needle in (
        "ImageEmbeddingFileRequest(",
        "ImageEmbeddingAssetRequest(",
        "embed_image.sync(",
        "await embed_image.asyncio(",
        "upload_asset.sync(",
    ):
        assert needle in usage


@pytest.mark.parametrize("block", CODE_BLOCKS, ids=list(BLOCKS))
def test_readme_example_type_checks(block: str, tmp_path: Path) -> None:
    assert mypy_errors(block, tmp_path) == []


@pytest.mark.parametrize(
    ("original", "broken", "error_code"),
    [
        ('model="multimodalembedding@001"', 'model="resnet-50"', "arg-type"),
        ("client=client,\n            body=ImageEmbeddingFileRequest(", "body=ImageEmbeddingFileRequest(", "call-arg"),
        ("vector: list[float] = result.data.embedding", "vector: list[str] = result.data.embedding", "assignment"),
    ],
    ids=["unknown-model", "missing-client", "wrong-vector-type"],
)
def test_misuse_of_the_client_fails_type_checking(original: str, broken: str, error_code: str, tmp_path: Path) -> None:
    block = code_blocks(ROOT / "docs" / "client.md")[0]
    assert original in block
    errors = mypy_errors(block.replace(original, broken, 1), tmp_path)
    assert errors
    assert all(f"[{error_code}]" in error for error in errors), errors


def test_the_bulk_recipe_embeds_the_samples(memories_mock: RunningMock, monkeypatch: pytest.MonkeyPatch) -> None:
    (recipe,) = [block for block in CODE_BLOCKS if "def embed_folder" in block]
    namespace: dict[str, object] = {"__name__": "readme_recipe"}
    exec(compile(recipe, "docs/sdk.md", "exec"), namespace)
    monkeypatch.setenv("MEMORIES_API_KEY", memories_mock.api_key)
    monkeypatch.setenv("MEMORIES_BASE_URL", memories_mock.base_url)
    embed_folder = namespace["embed_folder"]
    assert callable(embed_folder)
    vectors = embed_folder(SAMPLES, 2)
    assert set(vectors) == {path.name for path in SAMPLES.iterdir() if path.suffix != ".py"}
    assert {len(vector) for vector in vectors.values()} == {1408}


def test_the_readme_begins_with_three_lines_that_embed_a_photo(
    memories_mock: RunningMock, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    first = code_blocks(ROOT / "README.md")[0]
    assert [line for line in first.splitlines() if line.strip()] == [
        "from memories_sdk import Memories",
        "client = Memories()  # MEMORIES_API_KEY, MEMORIES_BASE_URL (default: production)",
        'vector = client.embeddings.image(file="photo.jpg", model="mobileclip").data.embedding',
    ]
    (tmp_path / "photo.jpg").write_bytes((SAMPLES / "sunset-small.jpg").read_bytes())
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MEMORIES_API_KEY", memories_mock.api_key)
    monkeypatch.setenv("MEMORIES_BASE_URL", memories_mock.base_url)
    namespace: dict[str, object] = {}
    exec(compile(first, "README.md", "exec"), namespace)
    client, vector = namespace["client"], namespace["vector"]
    assert isinstance(client, Memories)
    client.close()  # the example leaves that to the end of the program
    assert isinstance(vector, list)
    assert len(vector) == 512
