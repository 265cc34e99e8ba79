"""The pure core: records, vocabularies and rules. No I/O lives here."""
