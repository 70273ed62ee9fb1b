"""The plan of a run, printed before its first request: which probes run, how many requests each part may send,
and what the billable ones cost.

The cap (`--max-requests`) bounds the whole run. The probes come first and are counted exactly: their calls are
known in advance, and a probe that does not fit in what is left of the cap does not run. schemathesis gets the rest;
how many of those it sends depends on the deployment's answers, so its share and its cost are upper bounds.
"""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from memories_contract.exchanges import Call, Credential
from memories_contract.facts import PRICES
from memories_contract.probes import Probe

NEEDS = {Credential.SECOND_KEY: "API_KEY_2 is not set: set it to a second key of the deployment to run it"}
OVER_CAP = "the request cap leaves no room for it"


@dataclass(frozen=True)
class Plan:
    """What a run will send, decided before it sends anything."""

    limit: int
    calls: tuple[Call, ...]
    """The probes' calls, in the order they are sent."""
    probes: tuple[Probe, ...]
    """Every probe, in order."""
    skipped: Mapping[str, str]
    """Why each probe that will not run, by name, does not."""

    @property
    def runs(self) -> list[Probe]:
        """The probes that will run."""
        return [probe for probe in self.probes if probe.name not in self.skipped]

    @property
    def schemathesis_share(self) -> int:
        """The requests schemathesis may send: what the probes leave of the cap."""
        return self.limit - len(self.calls)

    @property
    def probe_cost(self) -> Decimal:
        return sum((PRICES[call.path] for call in self.calls), Decimal(0))

    @property
    def billable_probe_calls(self) -> int:
        return sum(1 for call in self.calls if PRICES[call.path])

    @property
    def schemathesis_cost_bound(self) -> Decimal:
        """What schemathesis's share costs if every request of it is the dearest operation."""
        return self.schemathesis_share * max(PRICES.values())

    def describe(self, profile: str) -> list[str]:
        """The plan in a few lines, as printed before the first request."""
        price = max(PRICES.values())
        total = self.probe_cost + self.schemathesis_cost_bound
        lines = [
            f"plan: at most {self.limit} requests (--max-requests), costing at most ${total} "
            f"({self.billable_probe_calls + self.schemathesis_share} billable calls at most, ${price} each; "
            f"uploads are free)",
            f"  probes: {len(self.calls)} requests, {self.billable_probe_calls} of them billable (${self.probe_cost}); "
            f"{len(self.runs)} probes run",
        ]
        lines += [f"    not run: {name} ({reason})" for name, reason in self.skipped.items()]
        if self.schemathesis_share > 0:
            lines.append(
                f"  schemathesis (profile {profile}): at most {self.schemathesis_share} requests, what the probes "
                f"leave of the cap (at most ${self.schemathesis_cost_bound})"
            )
        else:
            lines.append("  schemathesis: not run (the probes take the whole cap)")
        return lines


def make_plan(
    preflight: Sequence[Call], probes: Sequence[Probe], limit: int, credentials: Collection[Credential]
) -> Plan:
    """The probes that run within `limit` requests, with the `credentials` the run has, after `preflight`."""
    calls = list(dict.fromkeys(preflight))
    skipped = {}
    for probe in probes:
        if probe.needs is not None and probe.needs not in credentials:
            skipped[probe.name] = NEEDS[probe.needs]
            continue
        fresh = [call for call in dict.fromkeys(probe.calls) if call not in calls]
        if len(calls) + len(fresh) > limit:
            skipped[probe.name] = OVER_CAP
            continue
        calls += fresh
    return Plan(limit, tuple(calls), tuple(probes), skipped)
