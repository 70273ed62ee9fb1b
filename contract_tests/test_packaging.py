"""The committed client builds, with the pinned backend, into a complete wheel that imports on its own."""

import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

from codegen.regenerate import GENERATED_CLIENT


def test_wheel_holds_every_module_and_py_typed_and_imports_alone(tmp_path: Path) -> None:
    uv_build = Path(sys.executable).parent / "uv-build"
    subprocess.run([str(uv_build), "build-wheel", str(tmp_path)], cwd=GENERATED_CLIENT, check=True, capture_output=True)
    (wheel,) = tmp_path.glob("memories_client-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        (metadata_name,) = (name for name in names if name.endswith(".dist-info/METADATA"))
        metadata = Parser().parsestr(archive.read(metadata_name).decode())
        archive.extractall(tmp_path / "site")
    package = GENERATED_CLIENT / "memories_client"
    expected = {
        path.relative_to(GENERATED_CLIENT).as_posix()
        for path in package.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert "memories_client/py.typed" in expected
    assert expected <= names
    assert metadata["Name"] == "memories-client"
    assert sorted(requirement.split(">")[0] for requirement in metadata.get_all("Requires-Dist", [])) == [
        "attrs",
        "httpx",
    ]
    imported = subprocess.run(
        [sys.executable, "-c", "import memories_client.api.embeddings.embed_image as m; print(m.__file__)"],
        env={"PYTHONPATH": str(tmp_path / "site")},
        capture_output=True,
        text=True,
        check=True,
    )
    assert imported.stdout.startswith(str(tmp_path / "site"))
