"""Running the probes of a plan: the preflight first (which may say the URL cannot be tested), then each probe's
calls and its judgement, as one outcome per probe."""

from collections.abc import Callable
from pathlib import Path

from memories_contract import preflight
from memories_contract.curl import reproduce
from memories_contract.exchanges import Call, Sender
from memories_contract.outcomes import Finding, Outcome, Status
from memories_contract.plan import Plan
from memories_contract.probes import Probe

SUITE = "probes"


def run(
    sender: Sender, url: str, plan: Plan, preflight_calls: tuple[Call, Call], files: Path, say: Callable[[str], None]
) -> list[Outcome]:
    """Every probe of `plan`, in order; `CannotTest` when the preflight says the URL cannot be tested."""
    missing_key, upload = preflight_calls
    preflight.judge_answer(url, sender.send(missing_key))
    uploaded = sender.send(upload)
    preflight.judge(url, sender.exchanges[missing_key], uploaded)
    body = uploaded.json_body
    data = body.get("data") if uploaded.status == 200 and isinstance(body, dict) else None
    asset_id = data.get("asset_id") if isinstance(data, dict) else None
    sender.asset_id = asset_id if isinstance(asset_id, str) else None
    outcomes = []
    for probe in plan.probes:
        if probe.name in plan.skipped:
            outcome = Outcome(SUITE, probe.name, Status.NOT_RUN, f"not run: {plan.skipped[probe.name]}")
        else:
            outcome = _run(probe, sender, files)
        say(f"  {outcome.status.value:>7}  {outcome.title}: {outcome.summary}")
        outcomes.append(outcome)
    return outcomes


def _run(probe: Probe, sender: Sender, files: Path) -> Outcome:
    # Without an asset id (the upload failed), a call by asset id is an exchange without an answer: the probe fails
    # on it, after judging what it could send.
    exchanges = [sender.send(call) for call in probe.calls]
    seconds = sum(exchange.seconds for exchange in exchanges)
    verdict = probe.judge(sender.exchanges)
    if verdict.passed:
        return Outcome(SUITE, probe.name, Status.PASSED, verdict.detail, seconds=seconds)
    sent = [sender.exchanges[call] for call in verdict.culprits if sender.exchanges[call].url]
    commands = "\n".join(reproduce(exchange, files) for exchange in sent)
    finding = Finding(verdict.detail, commands or None)
    return Outcome(SUITE, probe.name, Status.FAILED, verdict.detail, (finding,), seconds)
