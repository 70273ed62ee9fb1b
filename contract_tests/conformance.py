"""`make conformance`: schemathesis's CLI (`st run`) with every check against any deployment.

The settings are the suite's (schemathesis.toml, the CONTRACT_PROFILE depth, contract_tests.schemathesis_hooks);
the key comes from the API_KEY environment variable (schemathesis.toml reads it), so that it shows in no
process list.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from contract_tests.schemathesis_config import CONFIG_PATH, profiled_toml
from contract_tests.spec import SPEC_PATH


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m contract_tests.conformance", description=__doc__)
    parser.add_argument("--url", required=True, help="the API's base URL, e.g. https://.../serve/api/v2")
    parser.add_argument("--reports", type=Path, default=Path("reports"), help="where junit.xml and network.har go")
    args = parser.parse_args(argv)
    api_key = os.environ.get("API_KEY", "")
    if not api_key:
        parser.error("set API_KEY to the key to test with")
    config = Path(tempfile.mkdtemp(prefix="conformance-")) / CONFIG_PATH.name
    config.write_text(profiled_toml(), encoding="utf-8")
    command = [
        str(Path(sys.executable).parent / "st"),
        "--config-file",
        str(config),
        "run",
        str(SPEC_PATH),
        "--url",
        args.url,
        "--report",
        "junit,har",
        "--report-junit-path",
        str(args.reports / "junit.xml"),
        "--report-har-path",
        str(args.reports / "network.har"),
    ]
    environment = {**os.environ, "SCHEMATHESIS_HOOKS": "contract_tests.schemathesis_hooks"}
    try:
        return subprocess.run(command, env=environment, check=False).returncode
    finally:
        shutil.rmtree(config.parent)


if __name__ == "__main__":
    sys.exit(main())
