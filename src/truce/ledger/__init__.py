"""The signed, append-only ledger: Merkle tree, entries, checkpoints, bundles."""
