"""Exports for other tools: the visits' calendar, spreadsheets and JSON."""
