"""`python -m codegen generate` rewrites generated_client/, `check` fails on drift, `changes` reports on a spec edit."""

import argparse
import json
import os
import sys
from pathlib import Path
from typing import NoReturn

from codegen.ratings import Severity
from codegen.regenerate import GENERATED_CLIENT, GenerationError, find_drift, generate
from codegen.sources import UsageError, default_spec, read_spec

_FAIL_ON = {"breaking": Severity.BREAKING, "warning": Severity.WARNING, "never": None}


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line, and exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m codegen", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    commands.add_parser("generate", help="regenerate generated_client/ from openapi.yaml")
    commands.add_parser("check", help="fail when generated_client/ differs from a fresh generation")
    changes = commands.add_parser(
        "changes",
        help="what a spec change breaks, for whom, and which version comes next",
        description="Compare two specs (files, or REF:path at a git revision) and the clients generated from them. "
        "Exit 1 when the change breaks clients generated from OLD (see --fail-on), 2 on a usage error.",
    )
    changes.add_argument("old", metavar="OLD", help="the spec before: a file, or REF:path (origin/main:openapi.yaml)")
    changes.add_argument(
        "new", metavar="NEW", nargs="?", help="the spec after (default: the working tree's openapi.yaml)"
    )
    changes.add_argument(
        "--format", choices=["markdown", "json"], default="markdown", help="what to print (default: markdown)"
    )
    changes.add_argument("--fail-on", choices=list(_FAIL_ON), default="breaking", help="exit 1 from this severity on")
    changes.add_argument("--changelog", type=Path, metavar="PATH", help="also put the changelog entry first in PATH")
    changes.add_argument("--seed", type=int, help="the seed of the drawn examples (default: fixed)")
    return parser


def _changes(arguments: argparse.Namespace) -> int:
    old = read_spec(arguments.old)
    new = read_spec(arguments.new or os.path.relpath(default_spec()))
    # Imported here, once the arguments are known good: `generate` and `check` need none of it.
    from codegen.changes import compare
    from codegen.evidence import SEED
    from codegen.render import as_json, changelog_entry, markdown, write_changelog

    try:
        report = compare(old, new, seed=SEED if arguments.seed is None else arguments.seed)
    except GenerationError as error:
        raise UsageError(f"openapi-python-client cannot generate a client: {str(error).splitlines()[0]}") from None
    text = markdown(report)
    print(json.dumps(as_json(report), indent=2) if arguments.format == "json" else text)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        try:
            with Path(summary).open("a", encoding="utf-8") as handle:
                handle.write(text + "\n")
        except OSError as error:
            raise UsageError(f"GITHUB_STEP_SUMMARY {summary}: {error.strerror or error}") from None
    if arguments.changelog is not None and report.severity is not None:  # identical specs: nothing to record
        try:
            write_changelog(arguments.changelog, changelog_entry(report))
        except OSError as error:
            raise UsageError(f"--changelog {arguments.changelog}: {error.strerror or error}") from None
        except UnicodeError:
            raise UsageError(f"--changelog {arguments.changelog}: not UTF-8 text") from None
    threshold = _FAIL_ON[arguments.fail_on]
    severity = report.severity
    fails = threshold is not None and severity is not None and severity.rank >= threshold.rank
    return 1 if fails else 0


def main(argv: list[str] | None = None) -> int:
    """Run one command; its exit status."""
    arguments = _parser().parse_args(argv)
    if arguments.command == "generate":
        generate(GENERATED_CLIENT)
        return 0
    if arguments.command == "changes":
        try:
            return _changes(arguments)
        except UsageError as error:
            print(f"python -m codegen changes: {error}", file=sys.stderr)
            return 2
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
