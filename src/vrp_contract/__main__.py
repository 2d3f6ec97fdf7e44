"""`python -m vrp_contract` runs the command line."""

import sys

from vrp_contract.cli import main

sys.exit(main())
