"""The dossier format and its files: vocabulary, fields, models, loading, checks and the accounts they make."""
