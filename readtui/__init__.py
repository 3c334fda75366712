"""readtui: structured critical reading in the terminal."""

__version__ = "0.1.0"
