"""Fusion: reports about one event, from many sources, become one incident."""
