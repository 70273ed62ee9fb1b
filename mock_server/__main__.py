"""`python -m mock_server`: serve the mock on 127.0.0.1:4010 (options override MEMORIES_MOCK_* variables)."""

import argparse
import dataclasses
import logging
import sys
from pathlib import Path

import uvicorn

from mock_server.app import API_PREFIX, create_app
from mock_server.settings import Settings


def parse_settings(argv: list[str]) -> tuple[argparse.Namespace, Settings]:
    """The command line, and the settings it gives on top of the environment."""
    parser = argparse.ArgumentParser(prog="python -m mock_server", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4010)
    parser.add_argument(
        "--api-key",
        action="append",
        dest="api_keys",
        metavar="KEY",
        help="a key to accept (repeatable); default: the provider's documented test key",
    )
    parser.add_argument("--data-dir", type=Path, help="keep uploaded assets here across restarts")
    parser.add_argument("--max-upload-bytes", type=int)
    parser.add_argument("--max-image-pixels", type=int)
    parser.add_argument("--fault-rate", type=float, help="share of requests answered 500/503 (0 to 1)")
    parser.add_argument("--fault-seed", type=int)
    parser.add_argument("--rate-limit", type=int, help="requests per key per --rate-window seconds")
    parser.add_argument("--rate-window", type=float)
    parser.add_argument("--no-access-log", dest="access_log", action="store_false", default=None)
    parser.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        overrides = {
            name: value
            for name, value in vars(args).items()
            if value is not None and name in {field.name for field in dataclasses.fields(Settings)}
        }
        if "api_keys" in overrides:
            overrides["api_keys"] = frozenset(overrides["api_keys"])
        settings = dataclasses.replace(settings, **overrides)
    except ValueError as error:
        parser.error(str(error))
    return args, settings


def main(argv: list[str] | None = None) -> int:
    args, settings = parse_settings(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger(__name__).info(
        "serving the mock at http://%s:%d%s (spec at /openapi.yaml)", args.host, args.port, API_PREFIX
    )
    uvicorn.run(
        create_app(settings),
        host=args.host,
        port=args.port,
        log_config=None,
        access_log=False,
        log_level=args.log_level,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
