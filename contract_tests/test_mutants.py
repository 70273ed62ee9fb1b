"""The mutant runner's verdicts: a patched client fails the suite, the unpatched one passes it."""

from contract_tests.mutants import MUTANTS, REPO_ROOT, SUITE, run_suite

QUICK = ["contract_tests/test_client_requests.py"]


def test_every_mutant_has_a_unique_name_and_the_suite_exists() -> None:
    assert len({mutant.name for mutant in MUTANTS}) == len(MUTANTS) >= 10
    assert all((REPO_ROOT / path).is_file() for path in SUITE)


def test_a_mutant_is_caught_and_the_original_is_not() -> None:
    caught = run_suite("bearer", QUICK)
    assert caught.failed
    assert "test_the_raw_key_is_the_default_auth" in caught.first_failure
    assert not run_suite(None, QUICK).failed
