"""ARCHITECTURE.md's import table, enforced: each part imports only the parts its row allows."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = {"memories_client", "memories_sdk", "codegen", "mock_server", "contract_tests", "examples", "bench", "tests"}
ALLOWED = {
    "generated_client/memories_client": {"memories_client"},
    "sdk/memories_sdk": {"memories_sdk", "memories_client"},
    "codegen": {"codegen"},
    "mock_server": {"mock_server"},
    "contract_tests": {"contract_tests", "memories_client", "memories_sdk", "mock_server", "codegen"},
    "examples": {"examples", "memories_client", "mock_server"},
    "bench": {"bench", "memories_client", "memories_sdk", "mock_server"},
}
# The only modules of the mock that hand out generated clients.
MOCK_MODULES_USING_THE_CLIENT = {"mock_server/testing.py", "mock_server/pytest_plugin.py"}


def imported_parts(source: Path) -> set[str]:
    tree = ast.parse(source.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names & OURS


@pytest.mark.parametrize("part", sorted(ALLOWED))
def test_part_imports_only_what_it_may(part: str) -> None:
    sources = sorted((ROOT / part).rglob("*.py"))
    assert sources
    for source in sources:
        relative = source.relative_to(ROOT).as_posix()
        allowed = ALLOWED[part] | ({"memories_client"} if relative in MOCK_MODULES_USING_THE_CLIENT else set())
        assert imported_parts(source) <= allowed, relative


def test_the_checker_sees_imports() -> None:
    assert imported_parts(ROOT / "mock_server" / "testing.py") == {"memories_client", "mock_server"}
