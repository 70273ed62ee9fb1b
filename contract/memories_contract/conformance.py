"""`memories-conformance --url URL`: schemathesis's CLI (`st run`) with every check against any deployment.

The settings are the package's: schemathesis.toml, what CONTRACT_PROFILE changes of it (`profiles`), and
`schemathesis_hooks`. The key comes from the API_KEY environment variable (schemathesis.toml reads it), so that it
shows in no process list. Exit 0: the deployment honours the contract; 1: it breaks it; 2: it could not be tested
(no key, a URL that is no http(s) URL, nothing answering there).
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

import httpx

from memories_contract import profiles
from memories_spec import SPEC_PATH

PROG = "memories-conformance"


class CannotTest(Exception):
    """The run cannot start: the one line that says why."""


def _preflight(url: str) -> None:
    if not os.environ.get("API_KEY"):
        raise CannotTest("set API_KEY to the key to test with (in the environment: a command line shows in ps)")
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        parsed = None
    if parsed is None or parsed.scheme not in ("http", "https") or not parsed.host:
        raise CannotTest(f"--url must be an http:// or https:// URL, not {url!r}")
    try:
        httpx.get(url, timeout=10.0)
    except httpx.TransportError as error:
        raise CannotTest(f"nothing answers at {url} ({type(error).__name__})") from None


def main(argv: list[str] | None = None) -> int:
    """Run the conformance suite; the exit status says whether the deployment honours the contract."""
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__)
    parser.add_argument("--url", required=True, help="the API's base URL, e.g. https://.../serve/api/v2")
    parser.add_argument("--reports", type=Path, default=Path("reports"), help="where junit.xml and network.har go")
    args = parser.parse_args(argv)
    try:
        _preflight(args.url)
    except CannotTest as reason:
        print(f"{PROG}: could not test: {reason}", file=sys.stderr)
        return 2
    print(profiles.describe(), flush=True)
    command = [
        str(Path(sys.executable).parent / "st"),
        "--config-file",
        str(profiles.CONFIG_PATH),
        "run",
        str(SPEC_PATH),
        "--url",
        args.url,
        *profiles.st_run_options(),
        "--report",
        "junit,har",
        "--report-junit-path",
        str(args.reports / "junit.xml"),
        "--report-har-path",
        str(args.reports / "network.har"),
    ]
    environment = {**os.environ, "SCHEMATHESIS_HOOKS": "memories_contract.schemathesis_hooks"}
    return subprocess.run(command, env=environment, check=False).returncode
