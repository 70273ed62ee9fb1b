"""The contract suite's wall time, part by part: each part is one pytest run of its own."""

import subprocess
import sys
import time
from dataclasses import dataclass

from bench.servers import REPO_ROOT

PARTS = {
    "spec (validity, examples, provider responses, routes)": ["contract_tests/test_spec.py"],
    "schemathesis against the mock, in process": ["contract_tests/test_schemathesis.py"],
    "client against the spec (hypothesis)": ["contract_tests/test_client_contract.py"],
    "client and mock end to end": ["contract_tests/test_end_to_end.py", "contract_tests/test_client_requests.py"],
    # Not tests/test_distributions.py (packaging: building five wheels and fresh venvs) nor contract_tests/
    # test_mutants.py (the mutant runner's own tests): a minute each on a loaded machine, for a 12-minute budget.
    "regeneration, README": ["tests/codegen/test_regeneration.py", "contract_tests/test_readme.py"],
    "memories-conformance against the mock": ["tests/memories_contract/test_conformance.py"],
}


@dataclass(frozen=True)
class PartTime:
    part: str
    seconds: float
    passed: bool


def time_parts() -> list[PartTime]:
    """Run each part of the suite and time it."""
    times = []
    for part, paths in PARTS.items():
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *paths],
            cwd=REPO_ROOT,
            capture_output=True,
            check=False,
        )
        times.append(PartTime(part, time.perf_counter() - started, result.returncode == 0))
    return times
