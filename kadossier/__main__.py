"""Run the command line as `python -m kadossier`."""

from kadossier.cli import main

main(prog_name="kadossier")
