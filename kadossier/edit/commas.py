"""Rewrite the old "Chinese comma" dialect in place: `[工厂距离近,运输快]` becomes `[工厂距离近，运输快]`.

kadossier once read an ASCII comma between two CJK characters in `[..]`/`{..}` as text; standard YAML
splits there, and the loader now reports each such comma (`dossier/load.py`). For files written for the
old reading, `kadossier validate --fix` replaces exactly those commas, the ones the loader reports, with
the full-width comma `，`: one character each, every other byte of the file (comments, quoting, line
endings, a byte-order mark) as it was. A file with no such comma is not opened for writing at all.

Nothing but those characters changes. The file is replaced by `edit/inplace.py`: under the file's edit lock,
atomically, never over a change made meanwhile, never through a link.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kadossier.dossier import folder
from kadossier.dossier.load import Comma, LoadError, cjk_commas, decode
from kadossier.edit.inplace import editing
from kadossier.i18n import tr
from kadossier.utils.messages import display_path

FULL_WIDTH_COMMA = "，"


@dataclass(frozen=True, slots=True)
class Fixed:
    """One comma rewritten: the file as messages name it, where the comma was (1-based line and column), and
    the text it is part of now."""

    path: str
    line: int
    col: int
    text: str

    def __str__(self) -> str:
        """`path:line:col: fixed ...`, as the command line reports it."""
        fixed = tr("fixed ',' between Chinese characters to '，': '{text}'", text=self.text)
        return f"{self.path}:{self.line}:{self.col}: {fixed}"


def fix_commas(path: Path) -> list[Fixed]:
    """Replace the ASCII commas between CJK characters in the flow collections of `path` with '，', in place;
    return what was fixed (nothing, and the file untouched, when there is nothing to fix)."""
    if folder.refusal(path) is not None:  # a link, a folder, a pipe: validate says what to do
        return []
    try:
        if not _positions(folder.read(path)):  # the common case: no lock, no temporary copy
            return []
    except OSError:  # unreadable: validate says why
        return []
    shown = display_path(path)
    with editing(path, shown, tr("kadossier validate --fix on {path}", path=shown)) as edit:
        original = edit.original
        commas = _positions(original)
        if not commas:  # fixed by someone else while this waited for the lock
            return []
        text = decode(original)
        chars = list(text)
        for comma in commas:
            chars[comma.index] = FULL_WIDTH_COMMA
        new = "".join(chars)
        bom = b"\xef\xbb\xbf" if original.startswith(b"\xef\xbb\xbf") else b""
        edit.replace(bom + new.encode("utf-8"), lambda _temporary: None)
    return [Fixed(shown, c.line, c.col, c.item.replace(",", FULL_WIDTH_COMMA)) for c in commas]


def _positions(raw: bytes) -> list[Comma]:
    """The loader's marks of the commas to fix in `raw`; none for a file that is not YAML (validate says why)."""
    try:
        return list(cjk_commas(decode(raw)))
    except LoadError:
        return []
