"""The client packages build, with the pinned backend, into complete wheels that import on their own."""

import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

from codegen.regenerate import GENERATED_CLIENT, REPO_ROOT

PACKAGES = [
    (GENERATED_CLIENT, "memories_client", "memories-client", ["attrs", "httpx"]),
    (REPO_ROOT / "sdk", "memories_sdk", "memories-sdk", ["anyio", "httpx", "memories-client"]),
]


@pytest.mark.parametrize(
    ("project", "package", "distribution", "requirements"), PACKAGES, ids=[entry[2] for entry in PACKAGES]
)
def test_wheel_holds_every_module_and_py_typed_and_imports_alone(
    tmp_path: Path, project: Path, package: str, distribution: str, requirements: list[str]
) -> None:
    uv_build = Path(sys.executable).parent / "uv-build"
    subprocess.run([str(uv_build), "build-wheel", str(tmp_path)], cwd=project, check=True, capture_output=True)
    (wheel,) = tmp_path.glob(f"{package}-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        (metadata_name,) = (name for name in names if name.endswith(".dist-info/METADATA"))
        metadata = Parser().parsestr(archive.read(metadata_name).decode())
        archive.extractall(tmp_path / "site")
    expected = {
        path.relative_to(project).as_posix()
        for path in (project / package).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert f"{package}/py.typed" in expected
    assert expected <= names
    assert metadata["Name"] == distribution
    required = sorted(requirement.split(">")[0].split("<")[0] for requirement in metadata.get_all("Requires-Dist", []))
    assert required == requirements
    # The extracted wheel comes first on the path, ahead of the editable installs of this checkout.
    imported = subprocess.run(
        [sys.executable, "-c", f"import {package}; print({package}.__file__)"],
        env={"PYTHONPATH": str(tmp_path / "site")},
        capture_output=True,
        text=True,
        check=True,
    )
    assert imported.stdout.startswith(str(tmp_path / "site"))
