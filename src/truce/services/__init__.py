"""Use cases: keyword-only functions that take a unit of work and glue core to store."""

from truce.services.datasets import (
    DATASET_FORMATS,
    ImportSummary,
    export_reports,
    import_dataset,
    reprocess_document,
)
from truce.services.intake import receive_document
from truce.services.scenarios import LoadSummary, load_scenario, registry_from_store
from truce.services.summary import compliance_summary

__all__ = [
    "DATASET_FORMATS",
    "ImportSummary",
    "LoadSummary",
    "compliance_summary",
    "export_reports",
    "import_dataset",
    "load_scenario",
    "receive_document",
    "registry_from_store",
    "reprocess_document",
]
