"""``python -m flopcast``."""

from flopcast.cli import run

run()
