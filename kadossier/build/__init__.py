"""Building a workspace's outputs: the options of one build, running MkDocs, and knowing when nothing changed."""
