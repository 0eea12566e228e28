"""Fonts for the PDFs: the workspace's CJK font, cut once to the characters in use and cached.

A CJK font holds some 65,000 glyphs in 20 MB. Loaded as a system font, every PDF makes WeasyPrint (and
Pango) read and subset all of it; without HarfBuzz's subsetter that alone takes seconds per PDF. So the
PDFs use a copy of the font cut to the characters the workspace's PDFs need, made with fontTools (with
TrueType outlines, which WeasyPrint's own subsetting handles fastest), kept in `.kadossier-cache/fonts/`
and loaded through `@font-face`. The copy grows when a dossier brings new
characters (its name carries a hash of its character set) and is otherwise reused across builds.

Characters the font does not have are drawn, as Pango does, with the first installed font that has them
(Arabic, say, in DejaVu Sans). Characters that no installed font has are reported, so that no name prints
as an empty box unnoticed; the coverage is checked for the characters as written (what fontconfig and
Pango look up), not for the glyphs shaping turns them into, such as Arabic's contextual forms.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import json
import subprocess
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kadossier.errors import FontError
from kadossier.i18n import tr
from kadossier.utils import cache
from kadossier.utils.files import atomic, write
from kadossier.utils.parallel import parallel_map

FAMILY = "Kadossier Sans"
"""The CSS family name the PDFs use for the cached subset fonts."""
WEIGHTS = {400: "regular", 700: "bold"}
ALWAYS = frozenset(chr(c) for c in range(0x20, 0x7F)) | frozenset("•◦▪–—…·“”‘’、。,:;!?()《》【】¥€£✓☐")
"""Characters every PDF may need beyond its text: ASCII, list bullets, common punctuation and signs."""
_NO_GLYPH = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


@dataclass(frozen=True, slots=True)
class FontSource:
    """One installed font face: a file (and index within a collection) and its family."""

    path: Path
    index: int
    family: str
    weight: int

    @property
    def identity(self) -> str:
        """What identifies this face's content: its file, size and modification time."""
        stat = self.path.stat()
        return f"{self.path}:{self.index}:{stat.st_size}:{stat.st_mtime_ns}"


@dataclass(frozen=True, slots=True)
class FontSet:
    """The cached fonts for one character set: their @font-face rules and what they cover."""

    css: str
    files: tuple[Path, ...]
    chars: frozenset[str]
    missing: frozenset[str]


def glyph_chars(text: Iterable[str]) -> set[str]:
    """The characters of `text` that are drawn with a glyph (not controls, format marks or line breaks)."""
    return {ch for ch in set(text) if unicodedata.category(ch) not in _NO_GLYPH}


def unprintable(chars: Iterable[str], family: str) -> frozenset[str]:
    """The characters of `chars` that no installed font has: Pango draws them as a box.

    `family` first, then every font fontconfig would fall back to (`fc-match --sort`, as Pango asks).
    """
    chars = frozenset(chars)
    if not chars:
        return chars
    starts, ends = _fallback_coverage(family)
    return frozenset(ch for ch in chars if (i := bisect.bisect_right(starts, ord(ch)) - 1) < 0 or ord(ch) > ends[i])


@functools.cache
def _fallback_coverage(family: str) -> tuple[list[int], list[int]]:
    """The code points the fonts of `family`'s fallback list cover, as sorted, merged (start, end) ranges."""
    try:
        result = subprocess.run(
            ["fc-match", "--sort", "--format", "%{charset}\n", family],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        )
    except FileNotFoundError:
        raise FontError(
            tr("fc-match (fontconfig) is not installed: run .ci/setup or 'apt install fontconfig'")
        ) from None
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        raise FontError(
            tr("fc-match failed to list the fonts that '{family}' falls back to: {error}", family=family, error=exc)
        ) from None
    ranges = sorted(
        (int(first, 16), int(last or first, 16))
        for part in result.stdout.split()
        for first, _, last in [part.partition("-")]
    )
    starts: list[int] = []
    ends: list[int] = []
    for start, end in ranges:
        if ends and start <= ends[-1] + 1:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return starts, ends


def locate(family: str) -> dict[int, FontSource]:
    """Find the regular and bold faces of `family` with fontconfig, as WeasyPrint's Pango would."""
    faces: dict[int, FontSource] = {}
    for weight, style in WEIGHTS.items():
        try:
            result = subprocess.run(
                ["fc-match", "--format", "%{file}\t%{index}\t%{family}", f"{family}:{style}"],
                capture_output=True,
                text=True,
                check=True,
                timeout=30,
            )
        except FileNotFoundError:
            raise FontError(
                tr("fc-match (fontconfig) is not installed: run .ci/setup or 'apt install fontconfig'")
            ) from None
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise FontError(
                tr("fc-match failed to look up the PDF font '{family}': {error}", family=family, error=exc)
            ) from None
        path, index, families = [*result.stdout.split("\t"), "", ""][:3]
        if family.casefold() not in (f.strip().casefold() for f in families.split(",")):
            raise FontError(
                tr(
                    "the PDF font '{family}' is not installed (fontconfig offers '{offered}' instead); install it "
                    "(Debian/Ubuntu: apt install fonts-noto-cjk) or set the plugin option pdf_font",
                    family=family,
                    offered=families.split(",")[0],
                )
            )
        faces[weight] = FontSource(Path(path), int(index or 0), family, weight)
    return faces


class FontCache:
    """Subset fonts of one family, cut to a growing character set, in a workspace's cache folder."""

    def __init__(self, folder: Path, sources: dict[int, FontSource]) -> None:
        self.folder = folder
        self.sources = sources
        self.slug = "".join(c if c.isalnum() else "-" for c in next(iter(sources.values())).family.lower())

    @property
    def _manifest(self) -> Path:
        return self.folder / f"{self.slug}.json"

    def inputs(self) -> cache.Inputs:
        """Everything a cut font is made of besides its characters (bump kadossier.utils.cache.FORMAT_VERSION
        when the subsetting options change)."""
        return {"font_files": [source.identity for _, source in sorted(self.sources.items())]}

    def _identity(self) -> str:
        return cache.key(self.inputs())

    def _read_manifest(self) -> dict[str, object] | None:
        try:
            data = json.loads(self._manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("identity") != self._identity():
            return None
        if not all((self.folder / str(name)).is_file() for name in dict(data.get("files", {})).values()):
            return None
        return data

    def ensure(self, needed: set[str]) -> FontSet:
        """Return fonts that cover `needed` (as far as the family can), cutting new ones if the cache can't."""
        manifest = self._read_manifest()
        if manifest is not None:
            chars, missing = frozenset(str(manifest["chars"])), frozenset(str(manifest["missing"]))
            if needed <= chars | missing:
                files = {int(w): self.folder / str(n) for w, n in dict(manifest["files"]).items()}  # type: ignore[call-overload]
                return self._fontset(files, chars, missing)
            needed = needed | chars  # grow the set, so builds that need fewer characters keep using it
        return self._cut(needed | ALWAYS)

    def _cut(self, wanted: set[str]) -> FontSet:
        from fontTools.ttLib import TTFont

        regular = self.sources[min(self.sources)]
        with TTFont(regular.path, fontNumber=regular.index, lazy=True) as font:
            cmap = font.getBestCmap()
        chars = frozenset(ch for ch in wanted if ord(ch) in cmap)
        missing = frozenset(wanted) - chars
        key = hashlib.sha256((self._identity() + "".join(sorted(chars))).encode()).hexdigest()[:16]
        self.folder.mkdir(parents=True, exist_ok=True)
        jobs = [(s, self.folder / f"{self.slug}-{WEIGHTS[w]}-{key}.ttf", chars) for w, s in self.sources.items()]
        parallel_map(_subset, jobs, context=None, at_least=2)  # the faces are cut side by side
        files = {s.weight: target for s, target, _ in jobs}
        write(
            self._manifest,
            json.dumps(
                {
                    "identity": self._identity(),
                    "files": {str(w): p.name for w, p in files.items()},
                    "chars": "".join(sorted(chars)),
                    "missing": "".join(sorted(missing)),
                },
                ensure_ascii=False,
            ).encode(),
        )
        keep = {p.name for p in files.values()} | {self._manifest.name}
        for old in self.folder.glob(f"{self.slug}*"):
            if old.name not in keep:
                old.unlink(missing_ok=True)
        return self._fontset(files, chars, missing)

    def _fontset(self, files: dict[int, Path], chars: frozenset[str], missing: frozenset[str]) -> FontSet:
        rules = [
            f'@font-face {{ font-family: "{FAMILY}"; src: url("{path.resolve().as_uri()}"); '
            f"font-weight: {weight}; font-style: normal; }}"
            for weight, path in sorted(files.items())
        ]
        return FontSet("\n".join(rules), tuple(files.values()), chars, missing)


def _subset(_: None, job: tuple[FontSource, Path, frozenset[str]]) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    source, target, chars = job
    options = subset.Options()
    options.layout_features = ["*"]  # Pango shapes with them (locl, vert, kern, palt, ...)
    options.name_IDs = ["*"]
    options.notdef_outline = True  # a character no font has shows as a visible box
    options.recalc_timestamp = False
    with TTFont(source.path, fontNumber=source.index, lazy=True) as font:
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=[ord(c) for c in chars])
        subsetter.subset(font)
        if "CFF " in font:
            _to_truetype(font)
        with atomic(target) as temporary:
            font.save(temporary)


def _to_truetype(font: Any) -> None:
    """Redraw the cubic (CFF) outlines of a font as quadratic (TrueType) ones, within 1 unit per em/1000.

    WeasyPrint subsets every font it embeds again; fontTools (its fallback when HarfBuzz's subsetter is
    missing) subsets TrueType outlines several times faster than CFF ones. This is fontTools' own recipe
    (Snippets/otf2ttf.py): Cu2QuPen converts each glyph, TTGlyphPen builds the glyf table.
    """
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["glyf"], font["loca"] = glyf, newTable("loca")
    font["head"].glyphDataFormat = 0
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):  # fmt: skip
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    post = font["post"]
    post.formatType, post.extraNames, post.mapping, post.glyphOrder = 2.0, [], {}, order
    for table in ("CFF ", "VORG"):
        if table in font:
            del font[table]
    font.sfntVersion = "\0\1\0\0"
