"""`python -m memories_sdk`: the `memories` command line."""

import sys

from memories_sdk.cli import main

sys.exit(main())
