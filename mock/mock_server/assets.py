"""Uploaded assets: ids of the form `re_<digits>`, owned by the key that uploaded them, in memory or on disk.

With a data folder, each asset is a metadata file (`assets/<id>.json`) naming a content file
(`blobs/<sha256>`); both are written to a temporary name and renamed into place, content first, so an
interrupted upload leaves no half-written asset. A content file is written only when missing (two uploads of the
same new content may both write it: the same bytes, renamed atomically), and a record never.
Keys are never stored: an asset records the SHA-256 fingerprint of its owner's key.
"""

import hashlib
import json
import logging
import os
import secrets
import tempfile
import threading
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1024)
def key_fingerprint(api_key: str) -> str:
    """A stable, non-reversible name for an API key (cached: it is asked for on every request)."""
    return hashlib.sha256(api_key.encode()).hexdigest()


@dataclass(frozen=True)
class Asset:
    """What the store knows of an uploaded file."""

    asset_id: str
    owner: str
    digest: str
    media_type: str
    filename: str
    size: int


class AssetStore:
    """Assets by id, each visible only to the key that uploaded it."""

    def __init__(self, data_dir: Path | None = None) -> None:
        self._assets: dict[str, Asset] = {}
        self._contents: dict[str, bytes] = {}  # by digest; memory-only stores
        self._lock = threading.Lock()
        self._data_dir = data_dir
        if data_dir is not None:
            (data_dir / "assets").mkdir(parents=True, exist_ok=True)
            (data_dir / "blobs").mkdir(parents=True, exist_ok=True)
            self._load(data_dir)

    def __len__(self) -> int:
        return len(self._assets)

    @property
    def persistent(self) -> bool:
        """Whether assets are written to a data folder."""
        return self._data_dir is not None

    def add(
        self, api_key: str, content: bytes, digest: str, media_type: str, filename: str, asset_id: str | None = None
    ) -> Asset:
        """Store a file for `api_key` under a fresh id, or under `asset_id` (to seed a store with known ids)."""
        if self._data_dir is not None:
            # Outside the lock: content files can be large, and one named by its content needs no coordination.
            blob = self._data_dir / "blobs" / digest
            if not blob.exists():
                _write_atomically(blob, content)
        with self._lock:
            if asset_id is None:
                asset_id = self._fresh_id()
            elif asset_id in self._assets:
                raise ValueError(f"asset {asset_id} already exists")
            asset = Asset(asset_id, key_fingerprint(api_key), digest, media_type, filename, len(content))
            if self._data_dir is None:
                self._contents.setdefault(digest, content)
            else:
                _write_atomically(self._data_dir / "assets" / f"{asset_id}.json", json.dumps(asdict(asset)).encode())
            self._assets[asset_id] = asset
            return asset

    def get(self, api_key: str, asset_id: str) -> Asset | None:
        """The asset, if it exists and belongs to `api_key`; another key's asset does not exist for it."""
        asset = self._assets.get(asset_id)
        if asset is None or not secrets.compare_digest(asset.owner, key_fingerprint(api_key)):
            return None
        return asset

    def content(self, asset: Asset) -> bytes:
        """The stored bytes of an asset."""
        if self._data_dir is None:
            return self._contents[asset.digest]
        return (self._data_dir / "blobs" / asset.digest).read_bytes()

    def _fresh_id(self) -> str:
        while True:
            # 18 digits, like the provider's ids (re_660727003963174912).
            asset_id = f"re_{10**17 + secrets.randbelow(9 * 10**17)}"
            if asset_id not in self._assets:
                return asset_id

    def _load(self, data_dir: Path) -> None:
        for metadata in sorted((data_dir / "assets").glob("re_*.json")):
            try:
                asset = Asset(**json.loads(metadata.read_bytes()))
            except (OSError, ValueError, TypeError) as error:
                logger.warning("skipping unreadable asset record %s: %s", metadata.name, error)
                continue
            if not (data_dir / "blobs" / asset.digest).is_file():
                logger.warning("skipping asset %s: its content file is missing", asset.asset_id)
                continue
            self._assets[asset.asset_id] = asset


def _write_atomically(path: Path, content: bytes) -> None:
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
