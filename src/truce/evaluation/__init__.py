"""Scoring extraction against annotated texts: precision, recall and F1 per field."""
