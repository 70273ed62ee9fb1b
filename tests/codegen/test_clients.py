"""Clients generated from any spec, cached by their inputs, imported side by side in one interpreter."""

from pathlib import Path

from codegen.clients import generated_client
from codegen.regenerate import GENERATED_CLIENT, SPEC, compare
from memories_client import models as installed_models
from tests.codegen.corpus_edits import spec_text


def test_two_clients_of_the_same_package_live_side_by_side(tmp_path: Path) -> None:
    edited = tmp_path / "openapi.yaml"
    edited.write_text(spec_text("enum-member-added-request-only"), encoding="utf-8")
    old, new = generated_client(SPEC), generated_client(edited)
    old_models, new_models = old.module("models"), new.module("models")
    assert old_models.__name__ != new_models.__name__
    assert old_models.EmbeddingModel != new_models.EmbeddingModel  # two different Literals
    assert old_models.ImageEmbeddingResponse is not new_models.ImageEmbeddingResponse
    assert old_models.ImageEmbeddingResponse is not installed_models.ImageEmbeddingResponse
    # Each package's relative imports stay inside it.
    endpoint = new.module("api.embeddings.embed_image")
    assert endpoint.ImageEmbeddingAssetRequest is new_models.ImageEmbeddingAssetRequest


def test_a_client_is_generated_once_per_set_of_inputs(tmp_path: Path) -> None:
    copy = tmp_path / "openapi.yaml"
    copy.write_text(SPEC.read_text(encoding="utf-8"), encoding="utf-8")
    first = generated_client(SPEC)
    assert generated_client(copy) is first  # the same content, another path: the same inputs
    assert not compare(GENERATED_CLIENT, first.root)  # and it is the committed client
    other_templates = tmp_path / "templates"
    other_templates.mkdir()
    assert generated_client(SPEC, other_templates).key != first.key
