"""Clients generated from any spec into temporary folders, cached by their inputs, and imported side by side.

Two clients generated from two specs are both packages named `memories_client`; each is imported under a name of
its own (`_memories_client_<hash>`), so both live in one interpreter next to the installed one. The generated code
imports its own modules relatively, which is what makes the renaming work.
"""

import hashlib
import importlib
import importlib.util
import shutil
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from codegen.regenerate import TEMPLATES, generate, provenance
from codegen.scratch import scratch_folder

PACKAGE = "memories_client"

_cache_lock = threading.Lock()
_cache: dict[str, "GeneratedClient"] = {}


@dataclass(frozen=True)
class GeneratedClient:
    """A client generated from one spec: its project folder (holding the package) and the hash of its inputs."""

    key: str
    root: Path

    @property
    def package_dir(self) -> Path:
        """The folder of the generated package."""
        return self.root / PACKAGE

    @property
    def module_name(self) -> str:
        """The name this client is imported under."""
        return f"_{PACKAGE}_{self.key[:16]}"

    def module(self, dotted: str = "") -> ModuleType:
        """One of the client's modules (`models`, `api.embeddings.embed_image`...), imported in isolation."""
        root = _import_package(self)
        return importlib.import_module(f"{root.__name__}.{dotted}") if dotted else root


def generated_client(spec: Path, templates: Path = TEMPLATES) -> GeneratedClient:
    """The client the project's generation makes of `spec`; generated once per set of inputs in this process."""
    key = hashlib.sha256(provenance(spec, templates).encode()).hexdigest()
    with _cache_lock:
        if key not in _cache:
            root = scratch_folder("clients") / key[:16]
            if root.exists():
                shutil.rmtree(root)
            generate(root, spec, templates)
            _cache[key] = GeneratedClient(key, root)
        return _cache[key]


def _import_package(client: GeneratedClient) -> ModuleType:
    name = client.module_name
    if name in sys.modules:
        return sys.modules[name]
    init = client.package_dir / "__init__.py"
    spec = importlib.util.spec_from_file_location(name, init, submodule_search_locations=[str(client.package_dir)])
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import the client generated into {client.root}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module
