"""showtrack: a command-line fan tracker for TV shows."""

__version__ = "0.1.0"
