"""`python -m mock_server`: the same command line as `memories-mock`."""

import sys

from mock_server.cli import main

if __name__ == "__main__":
    sys.exit(main(prog="python -m mock_server"))
