"""Intake adapters: bytes as received in, texts with their metadata out. Pure: no I/O."""
