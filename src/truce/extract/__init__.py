"""Extraction: a pipeline of small named stages that turns a text into explained reports."""
