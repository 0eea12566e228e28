"""The machinery every layer may use: atomic files, locks, worker processes, fingerprints, message helpers."""
