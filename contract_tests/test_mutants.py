"""The mutant runner's verdicts: a patched client fails the suite, the unpatched one passes it."""

from contract_tests.mutants import MUTANTS, MUTANTS_BY_NAME, REPO_ROOT, SUITE, judge


def test_every_mutant_has_a_unique_name_and_the_suite_exists() -> None:
    assert len({mutant.name for mutant in MUTANTS}) == len(MUTANTS) >= 10
    assert all((REPO_ROOT / path).is_file() for path in SUITE)


def test_a_catch_is_confirmed_by_failing_again_and_passing_without_the_mutant() -> None:
    catch = judge(MUTANTS_BY_NAME["bearer"])
    assert catch.caught
    assert catch.verdict.first_failure.startswith("contract_tests/")
