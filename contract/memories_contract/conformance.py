"""`memories-conformance --url URL`: does a deployment honour the contract? Probes of the documented facts, then
schemathesis with every check, within one request cap; JUnit, HAR and a markdown summary in --reports.

The key comes from the API_KEY environment variable, a second key for the ownership probe from API_KEY_2, so that
neither shows in a process list. The plan, with its cost, is printed before the first request; --dry-run prints it
and sends nothing. Exit 0: the deployment honours the contract; 1: it breaks it; 2: it could not be tested (no key,
a URL that is no http(s) URL, nothing answering, no API there, the key refused, a rate limit that does not lift).
"""

import argparse
import os
import sys
from decimal import Decimal
from pathlib import Path

import httpx

from memories_contract import probe_run, profiles, reports
from memories_contract.budget import RequestBudget
from memories_contract.exchanges import TIMEOUT_SECONDS, WRONG_KEY, Credential, Sender
from memories_contract.facts import PRICES
from memories_contract.outcomes import CannotTest, Outcome, Status
from memories_contract.plan import Plan, make_plan
from memories_contract.preflight import check_url
from memories_contract.probes import Pictures, preflight_calls, probes

PROG = "memories-conformance"
STEP_SUMMARY = "GITHUB_STEP_SUMMARY"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--url", help="the API's base URL, e.g. https://mavi-backend.memories.ai/serve/api/v2")
    parser.add_argument(
        "--reports", type=Path, default=Path("reports"), help="where junit.xml, network.har and summary.md go"
    )
    parser.add_argument(
        "--max-requests",
        type=_at_least(len(preflight_calls(Pictures()))),
        default=profiles.PROFILE_MAX_REQUESTS,
        metavar="N",
        help=f"send at most N requests in all, probes and schemathesis (default: {profiles.PROFILE_MAX_REQUESTS})",
    )
    parser.add_argument("--dry-run", action="store_true", help="print the plan and its cost; send nothing")
    return parser


def _at_least(minimum: int) -> type[int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(
                f"at least {minimum}: the first {minimum} requests tell a deployment from a wrong URL"
            )
        return value

    return parse  # type: ignore[return-value]


def main(argv: list[str] | None = None) -> int:
    """Run the probes and schemathesis; the exit status says whether the deployment honours the contract."""
    args = _parser().parse_args(argv)
    keys = {
        Credential.KEY: os.environ.get("API_KEY") or None,
        Credential.SECOND_KEY: os.environ.get("API_KEY_2") or None,
        Credential.NONE: None,
        Credential.WRONG: WRONG_KEY,
    }
    pictures = Pictures()
    credentials = {credential for credential, key in keys.items() if key}
    plan = make_plan(preflight_calls(pictures), probes(pictures), args.max_requests, credentials)
    try:
        if args.url is None and not args.dry_run:
            raise CannotTest("--url is needed (or --dry-run, to print the plan)")
        if args.url is not None:
            check_url(args.url)
        if keys[Credential.KEY] is None and not args.dry_run:
            raise CannotTest("set API_KEY to the key to test with (in the environment: a command line shows in ps)")
        print(f"{PROG} {args.url or '(dry run)'}: {profiles.describe()}", flush=True)
        for line in plan.describe(profiles.NAME):
            print(line, flush=True)
        if args.dry_run:
            print("dry run: nothing sent", flush=True)
            return 0
        try:
            args.reports.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CannotTest(f"cannot write the reports in {args.reports}: {error.strerror}") from None
        return _run(args.url.rstrip("/"), keys[Credential.KEY] or "", args.reports, plan, keys, pictures)
    except CannotTest as reason:
        print(f"{PROG}: could not test: {reason}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


def _run(
    url: str, api_key: str, folder: Path, plan: Plan, keys: dict[Credential, str | None], pictures: Pictures
) -> int:
    budget = RequestBudget(plan.limit)
    secrets = [keys[Credential.KEY], keys[Credential.SECOND_KEY]]
    with httpx.Client(base_url=url, timeout=TIMEOUT_SECONDS) as client:
        sender = Sender(client, keys, budget, plan.calls)
        print("probes:", flush=True)
        outcomes: list[Outcome] = probe_run.run(sender, url, plan, preflight_calls(pictures), folder / "files", _say)
    har_entries = []
    stopped_by_cap = False
    share = min(plan.schemathesis_share, budget.remaining)
    if share > 0:
        print(f"schemathesis (at most {share} requests):", flush=True)
        # Imported only when it runs: schemathesis takes a second to import, which a dry run does without.
        from memories_contract import schemathesis_run

        result = schemathesis_run.run(url, api_key, budget, share, _say)
        outcomes += result.outcomes
        har_entries = result.har_entries
        for outcome in result.outcomes:
            _say(f"  {outcome.status.value:>7}  {outcome.title}: {outcome.summary}")
        stopped_by_cap = result.stopped_by_cap
        if stopped_by_cap:
            _say(f"  schemathesis stopped at the request cap ({plan.limit} requests in all)")
    billable = sum(count for path, count in budget.sent.items() if _price(url, path))
    cost = sum((_price(url, path) * count for path, count in budget.sent.items()), Decimal(0))
    run = reports.RunSummary(url, profiles.NAME, budget.spent, plan.limit, billable, cost, stopped_by_cap)
    reports.write(folder / "junit.xml", reports.junit(outcomes), secrets)
    reports.write(folder / "network.har", reports.har(sender.exchanges.values(), har_entries), secrets)
    summary = reports.summary(run, outcomes)
    reports.write(folder / "summary.md", summary, secrets)
    if os.environ.get(STEP_SUMMARY):
        reports.append(Path(os.environ[STEP_SUMMARY]), summary, secrets)
    print(f"{budget.spent} requests sent, {billable} billable (${cost}); reports in {folder}", flush=True)
    print(reports.verdict(outcomes), flush=True)
    return 1 if any(outcome.status is Status.FAILED for outcome in outcomes) else 0


def _price(url: str, path: str) -> Decimal:
    base = httpx.URL(url).path.rstrip("/")
    return PRICES.get(path.removeprefix(base), Decimal(0))


def _say(line: str) -> None:
    print(line, flush=True)
