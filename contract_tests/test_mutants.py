"""The mutant runner's verdicts: a patched client fails the suite, the unpatched one passes it."""

from contract_tests.mutants import MUTANTS, MUTANTS_BY_NAME, REPO_ROOT, SUITE, judge, run_suite

QUICK = ["contract_tests/test_client_requests.py"]


def test_every_mutant_has_a_unique_name_and_the_suite_exists() -> None:
    assert len({mutant.name for mutant in MUTANTS}) == len(MUTANTS) >= 10
    assert all((REPO_ROOT / path).is_file() for path in SUITE)


def test_a_mutant_is_caught_and_the_original_is_not() -> None:
    caught = run_suite("bearer", QUICK)
    assert caught.failed
    assert "test_the_raw_key_is_the_default_auth" in caught.first_failure
    assert not run_suite(None, QUICK).failed


def test_a_catch_is_confirmed_by_failing_again_and_passing_without_the_mutant() -> None:
    catch = judge(MUTANTS_BY_NAME["bearer"])
    assert catch.caught
    assert catch.verdict.first_failure.startswith("contract_tests/")
