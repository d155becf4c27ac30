"""Errors that flopcast reports to a user as one line, with exit code 2."""

from __future__ import annotations


class FlopcastError(ValueError):
    """Bad input: the message says what was wrong and what to do instead.

    The CLI prints it as a single line on stderr and exits with code 2; the
    Python API raises it so notebook users can catch it.
    """

    exit_code = 2
