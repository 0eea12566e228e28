"""A workspace: the folder whose mkdocs.yml lists the kadossier plugin, its settings and its dossiers."""
