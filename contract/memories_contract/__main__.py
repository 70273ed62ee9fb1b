"""`python -m memories_contract`: the same command line as `memories-conformance`."""

import sys

from memories_contract.conformance import main

if __name__ == "__main__":
    sys.exit(main())
