"""Labels in any script: fonts that have the glyphs, ASCII stand-ins, one warning (internal).

Every chart calls :func:`fit_scripts` on its Axes when it has drawn. For each text
(tick labels, title, axis labels, legend entries, annotations) it checks the
characters against the fonts matplotlib would use for that text (the font family
list, with its fallbacks) and

1. replaces typographic characters the fonts lack by ASCII stand-ins (the minus
   sign U+2212 in "Gap (P − E)" becomes "-" under NanumGothic, which has no U+2212);
2. adds an installed font that has the remaining characters (Noto Sans CJK, Nanum,
   Source Han Sans, WenQuanYi, Droid Sans Fallback, ... or any other font) to the
   end of that text's family list, so matplotlib's font fallback draws them and the
   rest of the label keeps its font;
3. when no installed font has them (or some of them), issues one :class:`~servqual.ServqualWarning`
   for the chart naming the font package to install, and keeps matplotlib's
   per-glyph "Glyph ... missing from font(s)" warnings of this Axes quiet.

Numeric tick labels use U+2212 for negative numbers while ``axes.unicode_minus``
is on; when the tick-label font lacks it, that axis's formatter writes an ASCII
hyphen instead (as ``axes.unicode_minus = False`` would, for this axis only).
Nothing global is changed: rcParams stay as they are.
"""

from __future__ import annotations

import functools
import unicodedata
import warnings
from collections.abc import Iterable, Iterator
from typing import Any

from ..exceptions import ServqualWarning

__all__ = ["INSTALL_HINT", "find_font", "find_fonts", "fit_scripts"]

#: Families tried first (in this order) for characters the label's font lacks; an
#: entry also matches the families it begins ("Nanum" matches "NanumMyeongjo").
PREFERRED_FAMILIES = (
    "Noto Sans CJK JP",
    "Noto Sans CJK KR",
    "Noto Sans CJK SC",
    "Noto Sans CJK TC",
    "Noto Sans CJK",
    "Noto Sans KR",
    "Noto Sans JP",
    "Noto Sans SC",
    "Noto Sans TC",
    "Source Han Sans",
    "Source Han Sans K",
    "Source Han Sans KR",
    "Source Han Sans JP",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Source Han Sans TC",
    "Source Han Sans TW",
    "NanumGothic",
    "NanumBarunGothic",
    "Nanum Gothic",
    "Nanum",
    "Malgun Gothic",
    "Apple SD Gothic Neo",
    "Hiragino Sans",
    "Hiragino Kaku Gothic Pro",
    "Yu Gothic",
    "Meiryo",
    "Microsoft YaHei",
    "PingFang SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "WenQuanYi",
    "Droid Sans Fallback",
    "Noto Serif CJK",
    "Source Han Serif",
    "Noto Sans",
    "DejaVu Sans",
)

#: Fonts never used: they map every character to a placeholder box.
_EXCLUDED_PREFIXES = ("Last Resort",)

#: Typographic characters with an ASCII stand-in, used when the label's font lacks them.
ASCII_STAND_INS = {
    "\N{MINUS SIGN}": "-",
    "\N{EN DASH}": "-",
    "\N{EM DASH}": "-",
    "\N{MULTIPLICATION SIGN}": "x",
    "\N{LESS-THAN OR EQUAL TO}": "<=",
    "\N{GREATER-THAN OR EQUAL TO}": ">=",
    "\N{HORIZONTAL ELLIPSIS}": "...",
    "\N{MIDDLE DOT}": ".",
    "\N{BULLET}": ".",
    "\N{SUPERSCRIPT TWO}": "2",
    "\N{LEFT SINGLE QUOTATION MARK}": "'",
    "\N{RIGHT SINGLE QUOTATION MARK}": "'",
    "\N{LEFT DOUBLE QUOTATION MARK}": '"',
    "\N{RIGHT DOUBLE QUOTATION MARK}": '"',
}

INSTALL_HINT = (
    "Install a font that has them and clear matplotlib's font cache: on Debian/Ubuntu "
    "`sudo apt install fonts-noto-cjk` (Korean also `fonts-nanum`; Fedora "
    "`google-noto-sans-cjk-fonts`); elsewhere download the 'Noto Sans CJK' fonts "
    "(NotoSansCJK.ttc, https://github.com/notofonts/noto-cjk) — fonts are not pip "
    "packages. Then delete the fontlist-*.json files in matplotlib.get_cachedir() and "
    "restart Python."
)

_GLYPH_WARNING = r"Glyph \d+ .*missing from font"


# ------------------------------------------------------------------ coverage
@functools.lru_cache(maxsize=512)
def _charmap(path: str) -> frozenset[int]:
    """Code points the font file at ``path`` has (empty when it cannot be read)."""
    from matplotlib.ft2font import FT2Font

    try:
        return frozenset(FT2Font(path).get_charmap())
    except Exception:  # an unreadable font simply covers nothing
        return frozenset()


def _font_paths(prop: Any) -> list[str]:
    """Files matplotlib uses for ``prop``: the family list with its fallbacks."""
    from matplotlib import font_manager as fm

    find = getattr(fm.fontManager, "_find_fonts_by_props", None)
    if find is not None:
        try:
            return [str(p) for p in find(prop)]
        except Exception:  # fall back to the single best font
            pass
    return [str(fm.findfont(prop))]


def _coverage(prop: Any) -> frozenset[int]:
    out: set[int] = set()
    for path in _font_paths(prop):
        out |= _charmap(path)
    return frozenset(out)


def _drawable(char: str) -> bool:
    """Characters that need a glyph (not spaces, line breaks or control characters)."""
    return not char.isspace() and not unicodedata.category(char).startswith("C")


def missing_chars(text: str, prop: Any) -> set[str]:
    """Characters of ``text`` that none of the fonts of ``prop`` has."""
    if not text or text.isascii():
        return set()
    cov = _coverage(prop)
    return {c for c in text if _drawable(c) and ord(c) not in cov}


def _installed_fonts() -> list[tuple[str, str]]:
    """(family name, file) of the installed fonts, preferred families first."""
    from matplotlib import font_manager as fm

    preferred = [p.lower() for p in PREFERRED_FAMILIES]
    seen: dict[str, tuple[int, int, str, str]] = {}
    for entry in fm.fontManager.ttflist:
        name = str(entry.name)
        if name.startswith(_EXCLUDED_PREFIXES):
            continue
        low = name.lower()
        rank = next(
            (i for i, p in enumerate(preferred) if low == p),
            next((i for i, p in enumerate(preferred) if low.startswith(p)), len(preferred)),
        )
        # regular upright faces first within a family
        plain = int(str(entry.style) != "normal") + int(str(entry.weight) not in ("400", "normal"))
        key = (rank, plain, name, str(entry.fname))
        if name not in seen or key < seen[name]:
            seen[name] = key
    return [(name, path) for _, _, name, path in sorted(seen.values())]


def find_font(chars: Iterable[str]) -> str | None:
    """Family name of an installed font that has every one of ``chars``, or None."""
    families, left = find_fonts(chars)
    return families[0] if families and not left else None


def find_fonts(chars: Iterable[str]) -> tuple[list[str], set[str]]:
    """Installed fonts for ``chars``: (families, characters none of them has).

    The first font (preferred families first) that has them all; else, one at a
    time, the font that has most of the characters still uncovered.
    """
    need = {ord(c) for c in chars}
    if not need:
        return [], set()
    fonts = [(name, _charmap(path)) for name, path in _installed_fonts()]
    for name, cmap in fonts:
        if need <= cmap:
            return [name], set()
    families: list[str] = []
    while need:
        best = max(fonts, key=lambda f: len(need & f[1]), default=None)
        if best is None or not need & best[1]:
            break
        families.append(best[0])
        need -= best[1]
    return families, {chr(c) for c in need}


# ------------------------------------------------------------------ Axes
class _QuietGlyphs:
    """Replaces one drawing method of an Axes instance: runs the class's method with
    matplotlib's "Glyph ... missing from font(s)" warnings quiet (the chart has
    already said once which font to install)."""

    def __init__(self, ax: Any, method: str) -> None:
        self.ax = ax
        self.method = method

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        draw = getattr(type(self.ax), self.method)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=_GLYPH_WARNING, category=UserWarning)
            return draw(self.ax, *args, **kwargs)


def _quiet_glyphs(ax: Any) -> None:
    for method in ("draw", "get_tightbbox"):
        if not isinstance(ax.__dict__.get(method), _QuietGlyphs):
            setattr(ax, method, _QuietGlyphs(ax, method))


def _hyphen_minus(s: str) -> str:
    """``Formatter.fix_minus`` with ``axes.unicode_minus`` off: keep the ASCII hyphen."""
    return s


def _stand_in(text: str, missing: set[str]) -> str:
    for char in missing & ASCII_STAND_INS.keys():
        text = text.replace(char, ASCII_STAND_INS[char])
    return text


def _other_texts(ax: Any) -> Iterator[Any]:
    """Text objects of ``ax`` other than tick labels (titles, axis labels, legend, notes)."""
    yield ax.title
    yield from (getattr(ax, a, None) for a in ("_left_title", "_right_title"))
    yield ax.xaxis.label
    yield ax.yaxis.label
    yield from ax.texts
    legend = ax.get_legend()
    if legend is not None:
        yield legend.get_title()
        yield from legend.get_texts()


def _families(text: Any) -> list[str]:
    fam = text.get_fontfamily()
    return [fam] if isinstance(fam, str) else list(fam)


def fit_scripts(ax: Any, chart: str) -> Any:
    """Make every label of ``ax`` drawable (see the module docstring); returns ``ax``."""
    unresolved: set[str] = set()
    # titles, axis labels, legend entries, annotations
    for text in _other_texts(ax):
        if text is None:
            continue
        s = text.get_text()
        missing = missing_chars(s, text.get_fontproperties())
        if not missing:
            continue
        if missing & ASCII_STAND_INS.keys():
            text.set_text(_stand_in(s, missing))
            missing -= ASCII_STAND_INS.keys()
        if missing:
            families, left = find_fonts(missing)
            unresolved |= left
            if families:
                text.set_fontfamily([*_families(text), *families])
    # tick labels, one axis at a time (the family goes to the axis, so ticks made
    # later get it too)
    for name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
        labels = [t for t in axis.get_ticklabels() if t.get_text()]
        if not labels:
            continue
        prop = labels[0].get_fontproperties()
        missing = set().union(*(missing_chars(t.get_text(), prop) for t in labels))
        formatter = axis.get_major_formatter()
        seq = getattr(formatter, "seq", None)
        if missing & ASCII_STAND_INS.keys() and isinstance(seq, list | tuple):
            formatter.seq = [_stand_in(str(s), missing) for s in seq]
            missing -= ASCII_STAND_INS.keys()
        missing.discard("\N{MINUS SIGN}")  # a number's minus sign: see fix_minus below
        if missing:
            families, left = find_fonts(missing)
            unresolved |= left
            if families:
                chain = [*_families(labels[0]), *families]
                ax.tick_params(axis=name, which="both", labelfontfamily=chain)
        if hasattr(formatter, "fix_minus") and ord("\N{MINUS SIGN}") not in _coverage(prop):
            # numbers (formatted again at every draw) must not need U+2212
            formatter.fix_minus = _hyphen_minus
    if unresolved:
        _quiet_glyphs(ax)
        sample = "".join(sorted(unresolved)[:12])
        more = f" and {len(unresolved) - 12} more" if len(unresolved) > 12 else ""
        warnings.warn(
            f"{chart}: no installed font has the characters {sample!r}{more} of the chart's "
            f"labels, so they show as empty boxes. {INSTALL_HINT}",
            ServqualWarning,
            stacklevel=3,
        )
    return ax
