"""The asset store: fresh `re_<digits>` ids, one owner per asset, and persistence that loses nothing."""

import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from mock_server import assets
from mock_server.assets import AssetStore, key_fingerprint
from mock_server.images import content_digest

OWNER, OTHER = "sk-mai-owner", "sk-mai-other"


def add(store: AssetStore, content: bytes = b"content", key: str = OWNER) -> str:
    return store.add(key, content, f"digest-of-{content.hex()}", "image/png", "a.png").asset_id


def test_ids_look_like_the_providers_and_are_fresh() -> None:
    store = AssetStore()
    ids = {add(store) for _ in range(200)}
    assert len(ids) == 200
    assert all(re.fullmatch(r"re_[0-9]{18}", asset_id) for asset_id in ids)


def test_an_asset_is_visible_only_to_its_owner() -> None:
    store = AssetStore()
    asset_id = add(store)
    asset = store.get(OWNER, asset_id)
    assert asset is not None
    assert store.content(asset) == b"content"
    assert store.get(OTHER, asset_id) is None
    assert store.get(OWNER, "re_1") is None


def test_each_asset_keeps_its_own_content_in_memory() -> None:
    # Through the API the mock's cache of decoded images answers for every recent upload, so a memory store that mixed
    # up contents would pass the end-to-end tests (test_each_upload_keeps_its_own_image): only here does it show.
    store = AssetStore()
    ids = [add(store, bytes([index])) for index in range(5)]
    for index, asset_id in enumerate(ids):
        asset = store.get(OWNER, asset_id)
        assert asset is not None
        assert store.content(asset) == bytes([index])


def test_records_hold_a_fingerprint_never_the_key(tmp_path: Path) -> None:
    store = AssetStore(tmp_path)
    asset_id = add(store)
    record = json.loads((tmp_path / "assets" / f"{asset_id}.json").read_text())
    assert record["owner"] == key_fingerprint(OWNER)
    assert OWNER not in "".join(path.read_text(errors="ignore") for path in tmp_path.rglob("*") if path.is_file())


def test_assets_survive_a_restart(tmp_path: Path) -> None:
    first = AssetStore(tmp_path)
    ids = [add(first, bytes([index])) for index in range(5)]
    second = AssetStore(tmp_path)
    assert len(second) == 5
    for index, asset_id in enumerate(ids):
        asset = second.get(OWNER, asset_id)
        assert asset is not None
        assert second.content(asset) == bytes([index])
    assert second.get(OTHER, ids[0]) is None


def test_same_content_is_stored_once(tmp_path: Path) -> None:
    store = AssetStore(tmp_path)
    add(store, b"same")
    add(store, b"same", key=OTHER)
    assert len(list((tmp_path / "blobs").iterdir())) == 1
    assert len(list((tmp_path / "assets").iterdir())) == 2


def test_unreadable_records_are_skipped_and_kept(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    store = AssetStore(tmp_path)
    good = add(store)
    (tmp_path / "assets" / "re_1.json").write_text("{not json")
    (tmp_path / "assets" / "re_2.json").write_text(json.dumps({"asset_id": "re_2"}))
    orphan = add(store, b"orphan")
    orphan_digest = json.loads((tmp_path / "assets" / f"{orphan}.json").read_text())["digest"]
    (tmp_path / "blobs" / orphan_digest).unlink()
    reloaded = AssetStore(tmp_path)
    assert reloaded.get(OWNER, good) is not None
    assert reloaded.get(OWNER, orphan) is None
    assert len(reloaded) == 1
    assert (tmp_path / "assets" / "re_1.json").exists()  # nothing is deleted
    assert len([record for record in caplog.records if record.levelname == "WARNING"]) == 3


def test_no_temporary_files_are_left(tmp_path: Path) -> None:
    store = AssetStore(tmp_path)
    add(store)
    assert not list(tmp_path.rglob(".incoming-*"))


def test_concurrent_uploads_lose_nothing(tmp_path: Path) -> None:
    store = AssetStore(tmp_path)
    contents = [bytes([index % 4]) * 100_000 for index in range(40)]  # the same new content, several times at once

    def upload(content: bytes) -> str:
        return store.add(OWNER, content, content_digest(content), "image/png", "a.png").asset_id

    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(upload, contents))
    reloaded = AssetStore(tmp_path)
    for asset_id, content in zip(ids, contents, strict=True):
        asset = reloaded.get(OWNER, asset_id)
        assert asset is not None
        assert reloaded.content(asset) == content
    assert len(list((tmp_path / "blobs").iterdir())) == 4
    assert not list(tmp_path.rglob(".incoming-*"))


def test_content_is_written_outside_the_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Content files reach 64 MiB: written under the store's one lock, they would hold up every other upload.
    store = AssetStore(tmp_path)
    locked_while_writing: dict[str, bool] = {}
    write = assets._write_atomically

    def recording(path: Path, content: bytes) -> None:
        locked_while_writing[path.parent.name] = store._lock.locked()
        write(path, content)

    monkeypatch.setattr(assets, "_write_atomically", recording)
    add(store)
    assert locked_while_writing == {"blobs": False, "assets": True}
