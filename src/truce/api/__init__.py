"""The HTTP surface: the REST API (and, later, the pages)."""
