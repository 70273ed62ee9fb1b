"""`memories-mock` (or `python -m mock_server`): serve the mock on 127.0.0.1:4010; options override MEMORIES_MOCK_*."""

import argparse
import dataclasses
import logging
import socket
import sys
from pathlib import Path

import uvicorn

from mock_server.app import ANNOUNCEMENT, create_app
from mock_server.latency import EXAMPLES, Latency
from mock_server.server import server_config
from mock_server.settings import Settings


def parse_settings(argv: list[str], prog: str = "memories-mock") -> tuple[argparse.Namespace, Settings]:
    """The command line, and the settings it gives on top of the environment."""
    parser = argparse.ArgumentParser(prog=prog, description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--port", type=int, default=4010, help="0: any free port; the URL printed on stdout names it (default: 4010)"
    )
    parser.add_argument(
        "--api-key",
        action="append",
        dest="api_keys",
        metavar="KEY",
        help="a key to accept (repeatable, not blank); default: the provider's documented test key",
    )
    parser.add_argument("--data-dir", type=Path, help="keep uploaded assets here across restarts")
    parser.add_argument("--max-upload-bytes", type=int)
    parser.add_argument("--max-image-pixels", type=int)
    faults = parser.add_argument_group(
        "faults", "each a share of requests (0 to 1), drawn from --fault-seed; off by default"
    )
    faults.add_argument("--fault-rate", type=float, help="answered 500 or 503 (Retry-After: 1)")
    faults.add_argument("--reset-rate", type=float, help="connection reset, no answer")
    faults.add_argument("--empty-rate", type=float, help="connection closed, no answer")
    faults.add_argument("--cut-off-rate", type=float, help="answer's body cut off midway, connection closed")
    faults.add_argument("--drip-rate", type=float, help="answer's body dripped over --drip-seconds")
    faults.add_argument("--drip-seconds", type=float, help="how long a dripped body takes (default: 1)")
    faults.add_argument("--fault-seed", type=int)
    timing = parser.add_argument_group("latency", "how long answers wait; none by default")
    timing.add_argument(
        "--latency",
        action="append",
        metavar="[OPERATION=]DELAY",
        help=f"for every operation, or for one (repeatable): {EXAMPLES}",
    )
    timing.add_argument("--latency-seed", type=int)
    parser.add_argument(
        "--rate-limit",
        type=int,
        help="requests per key per --rate-window seconds; 0: no limit, as in MEMORIES_MOCK_RATE_LIMIT (the default)",
    )
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
        if "latency" in overrides:
            overrides["latency"] = Latency.parse(overrides["latency"])
        if overrides.get("rate_limit") == 0:
            # 0 switches off a limit the environment sets, as MEMORIES_MOCK_RATE_LIMIT=0 does.
            overrides["rate_limit"] = None
        settings = dataclasses.replace(settings, **overrides)
    except ValueError as error:
        parser.error(str(error))
    return args, settings


def main(argv: list[str] | None = None, prog: str = "memories-mock") -> int:
    """Serve the mock until interrupted; 1 if it cannot listen, 2 (argparse) for a bad option."""
    args, settings = parse_settings(sys.argv[1:] if argv is None else argv, prog)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app(settings)
    try:
        # Bound here rather than by uvicorn, so that the announced URL has the real port when --port is 0.
        listener = socket.create_server(
            (args.host, args.port), family=socket.AF_INET6 if ":" in args.host else socket.AF_INET
        )
    except OSError as error:
        logging.getLogger(__name__).error("cannot listen on %s port %d: %s", args.host, args.port, error)
        return 1
    with listener:
        host = f"[{args.host}]" if ":" in args.host else args.host
        origin = f"http://{host}:{listener.getsockname()[1]}"
        # On stdout whatever the log level. Connections are queued from here on: the URL is usable once read.
        print(ANNOUNCEMENT.format(origin=origin), flush=True)
        server = uvicorn.Server(server_config(app, log_config=None, access_log=False, log_level=args.log_level))
        server.run(sockets=[listener])
    return 0 if server.started else 1
