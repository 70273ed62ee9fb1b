"""`make conformance`: schemathesis's CLI (`st run`) with every check against any deployment.

The settings are the suite's: schemathesis.toml, what CONTRACT_PROFILE changes of it (contract_tests/profiles.py),
contract_tests.schemathesis_hooks. The key comes from the API_KEY environment variable (schemathesis.toml reads it),
so that it shows in no process list.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

from contract_tests import profiles
from contract_tests.spec import SPEC_PATH


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m contract_tests.conformance", description=__doc__)
    parser.add_argument("--url", required=True, help="the API's base URL, e.g. https://.../serve/api/v2")
    parser.add_argument("--reports", type=Path, default=Path("reports"), help="where junit.xml and network.har go")
    args = parser.parse_args(argv)
    if not os.environ.get("API_KEY"):
        parser.error("set API_KEY to the key to test with")
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
    environment = {**os.environ, "SCHEMATHESIS_HOOKS": "contract_tests.schemathesis_hooks"}
    return subprocess.run(command, env=environment, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
