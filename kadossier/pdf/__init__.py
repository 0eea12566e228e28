"""The briefing PDFs: account packs and visit briefs rendered with WeasyPrint, their fonts and their cache."""
