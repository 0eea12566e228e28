"""Changing dossiers for the user: recording and planning visits in place, and new dossiers and workspaces."""
