"""The Python API diff of two generated clients: griffe where it sees, our attrs-aware part where it does not."""

from pathlib import Path

import griffe
import pytest

from codegen.clients import PACKAGE, generated_client
from codegen.python_api import _field, diff_packages, load_package, surface, union_members
from tests.codegen.corpus_edits import spec_text


def _client_of(tmp_path: Path, name: str | None) -> Path:
    path = tmp_path / f"{name or 'base'}.yaml"
    path.write_text(spec_text(name), encoding="utf-8")
    return generated_client(path).root


@pytest.mark.parametrize(
    ("case", "path", "detail"),
    [
        (
            "enum-member-removed-request",
            "models.embedding_model.EmbeddingModel",
            "`Literal` loses 'mobileclip'",
        ),
        (
            "response-property-became-optional",
            "models.image_embedding_response.ImageEmbeddingResponse.msg",
            "annotation `str` -> `Unset | str`",
        ),
        (
            "request-required-property-added",
            "models.image_embedding_asset_request.ImageEmbeddingAssetRequest.normalize",
            "added, required",
        ),
        (
            "string-const-added-in-response",
            "models.image_embedding_response.ImageEmbeddingResponse.msg",
            "annotation `str` -> `Literal['success']`",
        ),
    ],
)
def test_what_griffe_misses_our_part_finds(tmp_path: Path, case: str, path: str, detail: str) -> None:
    old_root, new_root = _client_of(tmp_path, None), _client_of(tmp_path, case)
    # griffe sees neither attrs' __init__, nor Literal members, nor annotations: these four breaking changes of
    # the generated client are invisible to it (this fails once griffe learns one of them).
    assert list(griffe.find_breaking_changes(load_package(old_root, PACKAGE), load_package(new_root, PACKAGE))) == []
    assert (path, detail) in {(effect.path, effect.detail) for effect in diff_packages(old_root, new_root, PACKAGE)}


def test_griffe_findings_are_kept_where_ours_see_nothing(tmp_path: Path) -> None:
    old_root, new_root = _client_of(tmp_path, None), _client_of(tmp_path, "unclassified")
    effects = {effect.path: (effect.kind, effect.detail) for effect in diff_packages(old_root, new_root, PACKAGE)}
    removed = "models.image_embedding_asset_request.ImageEmbeddingAssetRequest.__getitem__"
    assert effects[removed] == ("griffe", "Public object was removed")


def test_identical_clients_have_no_python_changes(tmp_path: Path) -> None:
    root = _client_of(tmp_path, None)
    assert diff_packages(root, root, PACKAGE) == []


def test_the_surface_of_the_committed_client() -> None:
    found = surface(load_package(Path(__file__).resolve().parents[2] / "generated_client", PACKAGE))
    assert "api.embeddings.embed_image" in found.modules
    response = found.classes["models.image_embedding_response.ImageEmbeddingResponse"]
    assert [(argument.name, argument.required, argument.default) for argument in response.arguments] == [
        ("code", True, None),
        ("msg", True, None),
        ("data", True, None),
        ("success", False, "UNSET"),
        ("failed", False, "UNSET"),
    ]  # additional_properties is init=False: no argument
    assert found.literals["models.embedding_model.EmbeddingModel"] == {"'mobileclip'", "'multimodalembedding@001'"}
    client = found.classes["client.AuthenticatedClient"]
    by_name = {argument.name: argument for argument in client.arguments}
    assert by_name["token"].required  # `field(repr=False)` has no default
    assert (by_name["headers"].default, by_name["headers"].kind) == ("dict", "keyword-only")  # alias of `_headers`


def test_union_members_ignore_order() -> None:
    assert union_members("int | str") == union_members("str | int") == {"int", "str"}
    assert union_members("list[int | str] | None") == {"list[int | str]", "None"}


def test_an_attrs_field_without_init_is_no_argument() -> None:
    module = griffe.visit("example", Path("example.py"), "x: int = _attrs_field(init=False, factory=dict)\n")
    attribute = module["x"]
    assert isinstance(attribute, griffe.Attribute)
    assert _field(attribute) is None


def test_griffe_repeats_nothing_ours_report_for_every_function_of_an_operation(tmp_path: Path) -> None:
    old_root, new_root = _client_of(tmp_path, None), _client_of(tmp_path, "header-parameter-required-added")
    effects = [(effect.kind, effect.path, effect.detail) for effect in diff_packages(old_root, new_root, PACKAGE)]
    # griffe says "Parameter was added as required" of sync, sync_detailed, asyncio and asyncio_detailed: ours
    # already says so, once for the four.
    functions = "api.embeddings.embed_image.{asyncio, asyncio_detailed, sync, sync_detailed}"
    assert effects == [("argument-added", f"{functions}.x_request_id", "added, required")]
