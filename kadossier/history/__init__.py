"""The dossiers' git history: commits per file, old versions, and what changed field by field."""
