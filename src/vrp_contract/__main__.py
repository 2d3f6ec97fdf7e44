"""`python -m vrp_contract` runs the command line."""

import sys

from vrp_contract._entry import main

sys.exit(main())
