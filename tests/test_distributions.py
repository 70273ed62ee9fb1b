"""Each distribution builds (`make dist`) into a wheel without tests, and works installed alone in a fresh venv.

The venvs are made with this suite's Python version (`.ci/run` runs the suite once per version), from the built
wheels and the versions uv.lock pins, in a folder with no checkout: what a user who runs `pip install` gets.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.parser import Parser
from pathlib import Path

import pytest

from mock_server import DOCUMENTED_TEST_KEY
from mock_server.app import ANNOUNCED_ORIGIN

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLE = REPO_ROOT / "samples" / "sunset.png"


@dataclass(frozen=True)
class Distribution:
    """A distribution of this repository: its folder, its package, and what it must never require."""

    folder: str
    package: str
    forbidden: frozenset[str] = frozenset()


DISTRIBUTIONS = {
    "memories-client": Distribution("generated_client", "memories_client"),
    "memories-sdk": Distribution("sdk", "memories_sdk"),
    "memories-spec": Distribution("spec", "memories_spec"),
    # The mock runs without the suites that judge it; pytest only for its fixtures, as an extra.
    "memories-mock": Distribution("mock", "mock_server", frozenset({"schemathesis", "hypothesis", "pytest"})),
    "memories-contract": Distribution("contract", "memories_contract", frozenset({"pytest"})),
}
# Test modules and the suites' own tooling, which no wheel may carry.
TEST_FILE = re.compile(r"(^|/)(tests?/|contract_tests/|conftest\.py$|test_[^/]*\.py$|[^/]*_test\.py$|mutants\.py$)")


def clean_environment() -> dict[str, str]:
    """This process's environment without what ties a program to this checkout, its venv or the make running it."""
    tied = ("PYTHON", "VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT", "MAKE", "MFLAGS", "MEMORIES_", "API_KEY")
    return {name: value for name, value in os.environ.items() if not name.startswith(tied)}


def uv() -> str:
    """The uv the Makefile installed from requirements-bootstrap.txt (or one on PATH)."""
    found = REPO_ROOT / ".uv" / "bin" / "uv"
    path = str(found) if found.is_file() else shutil.which("uv")
    assert path, "uv is needed to build and install the distributions: run the suite with `make test`"
    return path


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every distribution's wheel and sdist, built by `make dist` into a fresh folder."""
    folder = tmp_path_factory.mktemp("dist")
    subprocess.run(
        ["make", "--no-print-directory", "dist", f"DIST={folder}", f"PYTHON={sys.executable}"],
        cwd=REPO_ROOT,
        env=clean_environment(),
        check=True,
        capture_output=True,
    )
    return folder


def wheel(dist: Path, distribution: str) -> Path:
    (found,) = dist.glob(distribution.replace("-", "_") + "-*.whl")
    return found


@pytest.mark.parametrize("distribution", sorted(DISTRIBUTIONS))
def test_the_wheel_holds_its_package_whole_and_no_test(dist: Path, distribution: str) -> None:
    project = DISTRIBUTIONS[distribution]
    package_folder = REPO_ROOT / project.folder / project.package
    with zipfile.ZipFile(wheel(dist, distribution)) as archive:
        names = set(archive.namelist())
        (metadata_name,) = (name for name in names if name.endswith(".dist-info/METADATA"))
        metadata = Parser().parsestr(archive.read(metadata_name).decode())
    expected = {
        f"{project.package}/{path.relative_to(package_folder).as_posix()}"
        for path in package_folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert f"{project.package}/py.typed" in expected
    assert expected <= names
    assert {name for name in names if TEST_FILE.search(name)} == set()
    assert metadata["Name"] == distribution
    assert metadata["Requires-Python"] == ">=3.11"
    unconditional = {
        re.split(r"[\s<>=!~\[;]", requirement)[0]
        for requirement in metadata.get_all("Requires-Dist", [])
        if "extra ==" not in requirement
    }
    assert unconditional & project.forbidden == set()
    assert (dist / wheel(dist, distribution).name.replace("-py3-none-any.whl", ".tar.gz")).is_file()


def test_the_spec_travels_inside_its_wheel_and_sdist(dist: Path) -> None:
    spec = (REPO_ROOT / "openapi.yaml").read_bytes()
    with zipfile.ZipFile(wheel(dist, "memories-spec")) as archive:
        assert archive.read("memories_spec/openapi.yaml") == spec


@dataclass(frozen=True)
class Venv:
    """A fresh virtual environment outside the checkout."""

    root: Path
    home: Path
    """An empty working folder, so that nothing of the checkout can be imported from the current directory."""

    def run(self, program: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """Run one of the venv's programs in its empty working folder (with `env`, else a clean environment)."""
        return subprocess.run(
            [str(self.root / "bin" / program), *args],
            cwd=self.home,
            env=clean_environment() if env is None else env,
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )


# uv.lock's pins of everything but the workspace's own packages, which come from the built wheels.
EXPORT_OPTIONS = ("--no-emit-workspace", "--no-hashes", "--quiet", "--output-file")
MakeVenv = Callable[..., Venv]
"""`make_venv(name, *requirements)`: a fresh venv holding the wheels of those distributions (extras in brackets)."""


@pytest.fixture(scope="module")
def make_venv(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> MakeVenv:
    """Makes venvs with this suite's Python version and the given requirements (wheels of `dist` by name)."""
    constraints = tmp_path_factory.mktemp("constraints") / "constraints.txt"
    subprocess.run(
        [uv(), "export", "--frozen", "--all-packages", "--all-groups", "--all-extras", *EXPORT_OPTIONS, constraints],
        cwd=REPO_ROOT,
        env=clean_environment(),
        check=True,
    )
    interpreter = Path(sys.base_prefix) / "bin" / f"python{sys.version_info.major}.{sys.version_info.minor}"

    def make(name: str, *requirements: str) -> Venv:
        root = tmp_path_factory.mktemp(name)
        home = tmp_path_factory.mktemp(f"{name}-home")
        environment = {**clean_environment(), "UV_PYTHON_DOWNLOADS": "never"}
        subprocess.run(
            [uv(), "venv", "--quiet", "--python", str(interpreter), str(root / "venv")],
            env=environment,
            check=True,
        )
        wheels = []
        for requirement in requirements:
            name, bracket, extras = requirement.partition("[")
            wheels.append(f"{wheel(dist, name)}{bracket}{extras}")
        subprocess.run(
            [uv(), "pip", "install", "--quiet", "--python", root / "venv", "--constraints", constraints, *wheels],
            cwd=home,
            env=environment,
            check=True,
        )
        return Venv(root / "venv", home)

    return make


def test_the_client_alone_imports_and_builds_requests(make_venv: MakeVenv) -> None:
    venv = make_venv("client", "memories-client")
    program = (
        "from memories_client import AuthenticatedClient\n"
        "from memories_client.api.embeddings import embed_image\n"
        "from memories_client.models import ImageEmbeddingAssetRequest\n"
        "body = ImageEmbeddingAssetRequest(asset_id='re_1', model='mobileclip')\n"
        "print(embed_image._get_kwargs(body=body)['json'])\n"
    )
    result = venv.run("python", "-c", program)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.replace("'", '"')) == {"asset_id": "re_1", "model": "mobileclip"}


@pytest.fixture(scope="module")
def mock_venv(make_venv: MakeVenv) -> Venv:
    """memories-mock with its pytest extra, and what it depends on: no suite."""
    return make_venv("mock", "memories-mock[pytest]", "memories-spec", "memories-client")


@pytest.fixture(scope="module")
def contract_venv(make_venv: MakeVenv) -> Venv:
    """memories-contract, and what it depends on: no mock."""
    return make_venv("contract", "memories-contract", "memories-spec")


def test_the_mock_runs_without_the_suites(mock_venv: Venv) -> None:
    program = "import importlib.util as u; print([m for m in ('schemathesis', 'hypothesis') if u.find_spec(m)])"
    assert mock_venv.run("python", "-c", program).stdout.strip() == "[]"


def test_bad_options_to_the_mock_are_argparse_errors(mock_venv: Venv) -> None:
    commands = [("memories-mock", ["--port", "nope"]), ("python", ["-m", "mock_server", "--fault-rate", "2"])]
    for program, args in commands:
        result = mock_venv.run(program, *args)
        assert result.returncode == 2
        assert result.stderr.splitlines()[-1].startswith(("memories-mock: error:", "python -m mock_server: error:"))
        assert "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def installed_mock(mock_venv: Venv) -> Iterator[str]:
    """`memories-mock --port 0` from its venv; yields the base URL it announced."""
    process = subprocess.Popen(
        [str(mock_venv.root / "bin" / "memories-mock"), "--port", "0", "--no-access-log", "--log-level", "error"],
        cwd=mock_venv.home,
        env=clean_environment(),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        announced = ANNOUNCED_ORIGIN.match(process.stdout.readline())
        assert announced, "memories-mock did not announce its URL"
        yield announced.group(1) + "/serve/api/v2"
    finally:
        process.terminate()
        process.wait(20)
        assert process.stdout is not None
        process.stdout.close()


def test_the_installed_mock_answers_the_providers_curl_request(installed_mock: str, tmp_path: Path) -> None:
    # The provider's own example (shared/reference), pointed at the mock.
    result = subprocess.run(
        [
            *("curl", "--silent", "--show-error", "--request", "POST", "--url", f"{installed_mock}/embeddings/image"),
            *("--header", f"Authorization: {DOCUMENTED_TEST_KEY}", "--header", "Content-Type: multipart/form-data"),
            *("--form", "model=multimodalembedding@001", "--form", f"file=@{SAMPLE}"),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    body = json.loads(result.stdout)
    assert (body["code"], body["msg"], body["success"], body["failed"]) == (200, "success", True, False)
    assert len(body["data"]["embedding"]) == 1408


def test_the_installed_memories_command_embeds_against_the_installed_mock(
    make_venv: MakeVenv, installed_mock: str, tmp_path: Path
) -> None:
    venv = make_venv("sdk", "memories-sdk", "memories-client")
    overview = venv.run("memories", "--help")
    assert overview.returncode == 0, overview.stderr
    assert "embed" in overview.stdout
    photos = tmp_path / "photos"
    photos.mkdir()
    (photos / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    output = tmp_path / "vectors.jsonl"
    env = {**clean_environment(), "MEMORIES_API_KEY": DOCUMENTED_TEST_KEY, "MEMORIES_BASE_URL": installed_mock}
    result = venv.run("memories", "embed", str(photos), "--model", "mobileclip", "--output", str(output), env=env)
    assert result.returncode == 0, result.stderr
    (line,) = output.read_text().splitlines()
    assert json.loads(line)["path"] == str(photos / SAMPLE.name)
    assert len(json.loads(line)["embedding"]) == 512
    unconfigured = venv.run("memories", "embed", str(photos), "--model", "mobileclip", "--output", str(output))
    assert unconfigured.returncode == 2
    assert unconfigured.stderr.splitlines() == ["memories embed: error: no API key: set MEMORIES_API_KEY"]


def test_the_installed_conformance_tool_passes_the_installed_mock(
    contract_venv: Venv, installed_mock: str, tmp_path: Path
) -> None:
    result = contract_venv.run(
        "memories-conformance", "--url", installed_mock, "--reports", str(tmp_path), env=_with_key(DOCUMENTED_TEST_KEY)
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    suite = ElementTree.parse(tmp_path / "junit.xml").getroot()
    assert suite.find(".//failure") is None
    assert len(list(suite.iter("testcase"))) >= 3


@pytest.mark.parametrize(
    ("url", "api_key", "reason"),
    [
        ("http://127.0.0.1:9/serve/api/v2", None, "set API_KEY"),
        ("ftp://127.0.0.1/serve/api/v2", DOCUMENTED_TEST_KEY, "must be an http:// or https:// URL"),
        ("http://127.0.0.1:9/serve/api/v2", DOCUMENTED_TEST_KEY, "nothing answers at"),
    ],
    ids=["no-key", "not-http", "nothing-listening"],
)
def test_the_conformance_tool_says_in_one_line_why_it_cannot_test(
    contract_venv: Venv, url: str, api_key: str | None, reason: str
) -> None:
    result = contract_venv.run("memories-conformance", "--url", url, env=_with_key(api_key))
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith("memories-conformance: could not test:")
    assert reason in result.stderr


def _with_key(api_key: str | None) -> dict[str, str]:
    return {**clean_environment(), **({"API_KEY": api_key} if api_key else {})}


def test_the_mocks_pytest_fixtures_work_from_the_wheel(mock_venv: Venv) -> None:
    (mock_venv.home / "test_with_the_mock.py").write_text(
        "from memories_client.api.embeddings import embed_image\n"
        "from memories_client.models import ImageEmbeddingAssetRequest\n\n"
        "def test_unknown_asset(memories_client):\n"
        "    body = ImageEmbeddingAssetRequest(asset_id='re_1', model='mobileclip')\n"
        "    assert embed_image.sync_detailed(client=memories_client, body=body).status_code == 400\n",
        encoding="utf-8",
    )
    result = mock_venv.run("python", "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_with_the_mock.py")
    assert result.returncode == 0, result.stdout[-2000:]
    assert "1 passed" in result.stdout
