"""The process's scratch folder: generated clients and spec snapshots live there until the process exits."""

import atexit
import shutil
import tempfile
import threading
from pathlib import Path

_lock = threading.Lock()
_root: Path | None = None


def scratch_folder(name: str) -> Path:
    """A folder of that name in the process's scratch folder (created on first use, removed at exit)."""
    global _root
    with _lock:
        if _root is None:
            _root = Path(tempfile.mkdtemp(prefix="memories-codegen-"))
            atexit.register(shutil.rmtree, _root, ignore_errors=True)
        folder = _root / name
        folder.mkdir(exist_ok=True)
        return folder
