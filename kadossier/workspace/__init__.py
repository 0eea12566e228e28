"""A workspace: the folder whose mkdocs.yml lists the kadossier plugin, its settings and its dossiers."""

PLUGIN = "kadossier"
"""The plugin's name in mkdocs.yml's `plugins:` list: what makes a folder a workspace."""
