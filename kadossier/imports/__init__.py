"""Bring accounts in from a spreadsheet or a CRM export (`kadossier import`).

`sheets` reads the files into tables of located cells, `mapping` reads the mapping file that says which table
holds what, `targets` lists the dossier fields a column can fill, `convert` turns one cell into one field's
value, `gather` groups the rows into accounts, `render` writes a new dossier in the scaffold's style,
`update` adds new items to an existing one, and `run` plans and applies an import as a whole.
"""
