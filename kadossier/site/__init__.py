"""The team wiki: its pages rendered from the accounts, cached, staged and served (the only MkDocs users)."""
