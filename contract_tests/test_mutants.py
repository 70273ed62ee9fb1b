"""The mutant runner's verdicts: a patched client fails the suite, the unpatched one passes it; a broken deployment
fails the probe of the fact it breaks, the unbroken one passes the probes."""

from contract_tests import deployment_mutants
from contract_tests.mutants import MUTANTS, MUTANTS_BY_NAME, REPO_ROOT, SUITE, judge
from memories_contract.probes import Pictures, probes


def test_every_mutant_has_a_unique_name_and_the_suite_exists() -> None:
    assert len({mutant.name for mutant in MUTANTS}) == len(MUTANTS) >= 10
    assert all((REPO_ROOT / path).is_file() for path in SUITE)


def test_a_catch_is_confirmed_by_failing_again_and_passing_without_the_mutant() -> None:
    catch = judge(MUTANTS_BY_NAME["bearer"])
    assert catch.caught
    assert catch.verdict.first_failure.startswith("contract_tests/")


def test_every_deployment_mutant_names_a_probe_and_no_name_is_taken_twice() -> None:
    names = [mutant.name for mutant in MUTANTS] + [mutant.name for mutant in deployment_mutants.MUTANTS]
    assert len(set(names)) == len(names)
    assert len(deployment_mutants.MUTANTS) >= 12
    assert {mutant.caught_by for mutant in deployment_mutants.MUTANTS} <= {probe.name for probe in probes(Pictures())}


def test_a_deployment_mutant_is_caught_by_its_probe_and_the_unbroken_deployment_passes_the_probes() -> None:
    cap = deployment_mutants.probe_requests()
    catch = deployment_mutants.judge(deployment_mutants.MUTANTS_BY_NAME["tiff-refused"], cap)
    assert catch.caught
    assert catch.judgement.failed == {"probes: format[image/tiff]"}
    # Failing is not enough: the probe the mutant names must be among the failures.
    elsewhere = deployment_mutants.DeploymentCatch(
        deployment_mutants.MUTANTS_BY_NAME["hashed-vectors"], catch.judgement
    )
    assert not elsewhere.caught
    with deployment_mutants.running(None) as url:
        judgement = deployment_mutants.conformance(url, cap)
    assert (judgement.exit_status, judgement.failed) == (0, frozenset()), judgement.output[-2000:]
