"""Run the cmmh command with `python -m cmmh_tui`."""

import sys

from cmmh_tui.cli import main

sys.exit(main())
