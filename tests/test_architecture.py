"""ARCHITECTURE.md's import table, enforced: each part imports only what its row allows, and every file has a row."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARCHITECTURE = ROOT / "ARCHITECTURE.md"
# Folders that hold no code of ours: environments, caches, what npm and builds leave.
UNOWNED = re.compile(r"^(\.|node_modules$|__pycache__$|dist$|build$)")
ROW = re.compile(r"^\| `(?P<part>[^`]+)` \|[^|]*\| (?P<allowed>[^|]*) \|$")


def import_table(text: str) -> dict[str, frozenset[str]]:
    """Part (a path) to the packages of ours it may import, from the markdown table's rows."""
    table = {}
    for line in text.splitlines():
        row = ROW.match(line)
        if row:
            table[row["part"]] = frozenset(re.findall(r"`([a-z_]+)`", row["allowed"]))
    return table


TABLE = import_table(ARCHITECTURE.read_text(encoding="utf-8"))


def package_of(part: str) -> str:
    """The top-level import name a part's files have: the last folder of its path (`sdk/memories_sdk`)."""
    folder = part.removesuffix(".py").rsplit("/", 2)
    return folder[-2] if part.endswith(".py") else folder[-1]


OURS = frozenset(package_of(part) for part in TABLE)


def part_of(relative: str) -> str | None:
    """The row a file belongs to: the longest part that is the file or a folder above it."""
    owners = [part for part in TABLE if relative == part or relative.startswith(part + "/")]
    return max(owners, key=len, default=None)


def python_files(root: Path) -> list[str]:
    """Every Python file of the repository, relative to it, outside environments and caches."""
    found = []
    for path in root.iterdir():
        if UNOWNED.match(path.name):
            continue
        if path.is_dir():
            found += [f"{path.name}/{name}" for name in python_files(path)]
        elif path.suffix == ".py":
            found.append(path.name)
    return sorted(found)


def imported_packages(source: Path) -> set[str]:
    """The top-level packages of ours that a module imports, absolute imports only (ours use no relative ones)."""
    tree = ast.parse(source.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names & OURS


FILES = python_files(ROOT)


@pytest.mark.parametrize("part", sorted(TABLE))
def test_part_imports_only_what_its_row_allows(part: str) -> None:
    sources = [relative for relative in FILES if part_of(relative) == part]
    assert sources, f"no Python file belongs to {part}"
    allowed = TABLE[part] | {package_of(part)}
    forbidden = {relative: sorted(imported_packages(ROOT / relative) - allowed) for relative in sources}
    assert {relative: names for relative, names in forbidden.items() if names} == {}


def test_every_python_file_belongs_to_a_part() -> None:
    assert [relative for relative in FILES if part_of(relative) is None] == []


def test_nothing_imports_the_test_suites() -> None:
    assert all("tests" not in allowed and "contract_tests" not in allowed for allowed in TABLE.values())


def test_the_table_names_every_distribution_and_the_checker_sees_imports(tmp_path: Path) -> None:
    projects = {path.parent.name for path in ROOT.glob("*/pyproject.toml")}
    assert projects == {"generated_client", "sdk", "spec", "mock", "contract"}
    assert {part.split("/")[0] for part in TABLE} >= projects
    testing = ROOT / "mock" / "mock_server" / "testing.py"
    assert imported_packages(testing) == {"memories_client", "mock_server"}
    both_forms = tmp_path / "both_forms.py"  # testing.py has only `from` imports
    both_forms.write_text("import json\nimport memories_sdk.transport\nfrom mock_server import app\n", encoding="utf-8")
    assert imported_packages(both_forms) == {"memories_sdk", "mock_server"}
    assert part_of("mock/mock_server/testing.py") == "mock/mock_server/testing.py"
    assert part_of("mock/mock_server/api.py") == "mock/mock_server"
    assert part_of("somewhere/else.py") is None
