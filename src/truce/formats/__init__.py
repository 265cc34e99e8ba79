"""Interchange formats: ACLED CSV, UCDP GED CSV, GeoJSON, PLOVER JSONL. Text in, text out."""
