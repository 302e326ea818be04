"""cmmh: a terminal workbench for clinicians contesting mental-health denials."""

import logging

__version__ = "0.1.0"

# Without a handler, Python's last-resort handler would print warnings over the
# terminal UI. cmmh writes no log output unless a caller configures logging.
logging.getLogger(__name__).addHandler(logging.NullHandler())
