"""`python -m codegen generate` rewrites generated_client/; `python -m codegen check` fails on drift."""

import argparse
import sys

from codegen.regenerate import GENERATED_CLIENT, find_drift, generate


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m codegen", description=__doc__)
    parser.add_argument("command", choices=["generate", "check"])
    command = parser.parse_args().command
    if command == "generate":
        generate(GENERATED_CLIENT)
        return 0
    drift = find_drift()
    if drift:
        print("generated_client/ differs from a fresh generation of openapi.yaml:", file=sys.stderr)
        print(drift.report(), file=sys.stderr)
        print("Run `make generate` and commit the result; never edit generated_client/ by hand.", file=sys.stderr)
        return 1
    print("generated_client/ matches openapi.yaml and generator-config.yml.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
