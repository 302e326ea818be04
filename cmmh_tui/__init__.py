"""cmmh: a terminal workbench for clinicians contesting mental-health insurance denials."""

__version__ = "0.1.0"
