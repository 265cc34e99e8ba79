"""Truce: a joint ceasefire-compliance mechanism."""

__version__ = "0.1.0"
