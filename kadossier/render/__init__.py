"""Presentation shared by the site and the PDFs: templates, labels, dates and money, org charts, links."""
