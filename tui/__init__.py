"""policy-tui: a terminal timeline explorer for digital-policy events."""

__version__ = "0.1.0"
