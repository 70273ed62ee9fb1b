"""The plan: the preflight first, each call once, probes that lack a key or room reported, the cost of the rest."""

from decimal import Decimal

from memories_contract.exchanges import Credential
from memories_contract.plan import OVER_CAP, make_plan
from memories_contract.probes import Pictures, preflight_calls, probes

PICTURES = Pictures()
PREFLIGHT = preflight_calls(PICTURES)
PROBES = probes(PICTURES)
EVERY_KEY = set(Credential)
WITHOUT_SECOND_KEY = EVERY_KEY - {Credential.SECOND_KEY}


def test_the_preflight_comes_first_and_no_call_is_sent_twice() -> None:
    plan = make_plan(PREFLIGHT, PROBES, 10_000, EVERY_KEY)
    assert plan.calls[:2] == PREFLIGHT
    assert len(set(plan.calls)) == len(plan.calls)
    assert set(plan.calls) == {call for probe in PROBES for call in probe.calls}
    assert plan.skipped == {}
    assert plan.schemathesis_share == 10_000 - len(plan.calls)


def test_ownership_waits_for_a_second_key() -> None:
    plan = make_plan(PREFLIGHT, PROBES, 10_000, WITHOUT_SECOND_KEY)
    assert list(plan.skipped) == ["ownership"]
    assert "API_KEY_2 is not set" in plan.skipped["ownership"]
    assert all(call.credential is not Credential.SECOND_KEY for call in plan.calls)
    assert len(plan.calls) == len(make_plan(PREFLIGHT, PROBES, 10_000, EVERY_KEY).calls) - 1


def test_a_probe_that_does_not_fit_in_the_cap_does_not_run_and_later_ones_may() -> None:
    every = make_plan(PREFLIGHT, PROBES, 10_000, EVERY_KEY)
    plan = make_plan(PREFLIGHT, PROBES, 12, EVERY_KEY)
    assert len(plan.calls) <= 12
    assert plan.schemathesis_share == 12 - len(plan.calls)
    assert plan.skipped["similarity"] == OVER_CAP  # eight calls of its own
    assert "refusal[missing key]" not in plan.skipped  # its one call is the preflight's
    assert [probe.name for probe in plan.runs][:2] == ["upload", "dimensions[multimodalembedding@001]"]
    assert {probe.name for probe in plan.runs} | set(plan.skipped) == {probe.name for probe in every.runs}


def test_the_cost_is_the_billable_calls_at_the_specs_price() -> None:
    plan = make_plan(PREFLIGHT, PROBES, 500, WITHOUT_SECOND_KEY)
    assert plan.billable_probe_calls == len(plan.calls) - 1  # all but the upload, which is free
    assert plan.probe_cost == Decimal("0.0001") * plan.billable_probe_calls
    assert plan.schemathesis_cost_bound == Decimal("0.0001") * plan.schemathesis_share
    first, *rest = plan.describe("default")
    assert first.startswith("plan: at most 500 requests (--max-requests), costing at most $0.0499")
    assert f"  probes: {len(plan.calls)} requests, {plan.billable_probe_calls} of them billable" in rest[0]
    assert any(line.startswith("    not run: ownership (API_KEY_2") for line in rest)
    assert rest[-1].startswith(f"  schemathesis (profile default): at most {plan.schemathesis_share} requests")


def test_a_cap_the_probes_fill_leaves_schemathesis_out() -> None:
    plan = make_plan(PREFLIGHT, PROBES, 2, EVERY_KEY)
    assert plan.calls == PREFLIGHT
    assert plan.schemathesis_share == 0
    assert plan.describe("default")[-1] == "  schemathesis: not run (the probes take the whole cap)"
