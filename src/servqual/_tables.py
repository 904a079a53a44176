"""Paper tables: APA-style number formatting and LaTeX / Markdown rendering.

The building blocks behind ``TableResult.to_latex``,
``to_markdown`` and ``servqual.export_tables``. This module sits below the
results (it imports only pandas and numpy): a result hands in its table, caption,
note and the test that tells which columns hold p-values.

APA conventions followed: integers as integers (thousands separated by commas),
p-values as ``< .001`` or ``.023``, no leading zero for figures that cannot exceed
1 (p-values, correlations, reliabilities, proportions), other figures to two
decimals, a proper minus sign, empty cells as an em dash, no vertical rules.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "Column",
    "adjust_name",
    "adjust_note",
    "apa_number",
    "apa_p",
    "ci_method_name",
    "gap_note",
    "latex_escape",
    "layout",
    "render_latex",
    "render_markdown",
]

MINUS = "\u2212"
DASH = "\u2014"

#: Column names whose values cannot exceed 1 in absolute value: shown without a leading zero.
_BOUNDED_NAMES = frozenset(
    {
        "r",
        "alpha",
        "std_alpha",
        "average_r",
        "lambda6",
        "eta_sq",
        "eta_sq_h",
        "omega_sq",
        "rank_biserial",
        "r_squared",
        "adj_r_squared",
        "omega",
        "omega_total",
        "omega_h",
        "cr",
        "ave",
        "raw_r",
        "smc",
        "sqrt_ave",
        "max_abs_r",
    }
)
_BOUNDED_PREFIXES = ("share_", "prop_", "r_")

#: Count-like names: float columns of whole numbers here are shown as integers.
_COUNT_NAME = re.compile(r"^(n|df|df\d|n_.*|df_.*|count|.*_n|n\d|k|n_items|npar)$")

#: Readable column labels: a tuple of (text, italic) runs.
Label = tuple[tuple[str, bool], ...]


def _it(text: str) -> tuple[str, bool]:
    return (text, True)


def _rm(text: str) -> tuple[str, bool]:
    return (text, False)


_LABELS: dict[str, Label] = {
    "n": (_it("n"),),
    "n_1": (_it("n"), _rm("₁")),
    "n_2": (_it("n"), _rm("₂")),
    "n_items": (_rm("Items"),),
    "n_groups": (_rm("Groups"),),
    "n_nonzero": (_it("n"), _rm(" (non-zero)")),
    "sd": (_it("SD"),),
    "se": (_it("SE"),),
    "sd_diff": (_it("SD"), _rm(" (diff.)")),
    "mean_perception": (_rm("Perception "), _it("M")),
    "mean_reference": (_rm("Reference "), _it("M")),
    "mean_1": (_it("M"), _rm("₁")),
    "mean_2": (_it("M"), _rm("₂")),
    "mean": (_it("M"),),
    "diff": (_rm("Difference"),),
    "gap": (_rm("Gap"),),
    "t": (_it("t"),),
    "z": (_it("z"),),
    "f": (_it("F"),),
    "h": (_it("H"),),
    "v": (_it("V"),),
    "df": (_it("df"),),
    "df1": (_it("df"), _rm("₁")),
    "df2": (_it("df"), _rm("₂")),
    "p": (_it("p"),),
    "p_unc": (_it("p"),),
    "p_value": (_it("p"),),
    "pvalue": (_it("p"),),
    "p_adj": (_it("p"), _rm(" (adj.)")),
    "ci_low": (_rm("CI "), _it("LL")),
    "ci_high": (_rm("CI "), _it("UL")),
    "dz_ci_low": (_it("d"), _rm("z CI "), _it("LL")),
    "dz_ci_high": (_it("d"), _rm("z CI "), _it("UL")),
    "cohen_dz": (_rm("Cohen's "), _it("d"), _rm("z")),
    "cohen_d": (_rm("Cohen's "), _it("d")),
    "hedges_g": (_rm("Hedges' "), _it("g")),
    "r": (_it("r"),),
    "std_beta": (_rm("β"),),
    "coef": (_it("B"),),
    "eta_sq": (_rm("η²"),),
    "eta_sq_h": (_rm("η²"), _it("H")),
    "omega_sq": (_rm("ω²"),),
    "alpha": (_rm("α"),),
    "std_alpha": (_rm("Standardized α"),),
    "average_r": (_rm("Mean inter-item "), _it("r")),
    "lambda6": (_rm("Guttman λ6"),),
    "msa": (_rm("MSA"),),
    "mss": (_rm("MSS"),),
    "est": (_rm("Estimate"),),
    "std_all": (_rm("Std. all"),),
    "std_se": (_rm("Std. "), _it("SE")),
    "lhs": (_rm("Left"),),
    "op": (_rm("Op."),),
    "rhs": (_rm("Right"),),
    "raw_weight": (_rm("Raw weight"),),
    "rescaled_weight": (_rm("Relative weight (%)"),),
    "dominance_pct": (_rm("Dominance (%)"),),
    "cfi": (_rm("CFI"),),
    "tli": (_rm("TLI"),),
    "rmsea": (_rm("RMSEA"),),
    "srmr": (_rm("SRMR"),),
    "ave": (_rm("AVE"),),
    "cr": (_rm("CR"),),
    "nps": (_rm("NPS"),),
    "kpi": (_rm("KPI"),),
    "r2": (_it("R"), _rm("²")),
    "beta": (_rm("β"),),
    "sqrt_ave": (_rm("√AVE"),),
    "max_abs_r": (_rm("Max. |"), _it("r"), _rm("|")),
    "htmt": (_rm("HTMT"),),
    "above_085": (_rm("HTMT > .85"),),
    "above_090": (_rm("HTMT > .90"),),
    "smc": (_rm("SMC"),),
    "r_drop": (_it("r"), _rm(" (item–rest)")),
    "raw_r": (_it("r"), _rm(" (item–total)")),
    "t2": (_it("T"), _rm("²")),
}

_P_ADJUST_NAMES = {
    "holm": "Holm",
    "bonferroni": "Bonferroni",
    "fdr_bh": "Benjamini–Hochberg",
    "fdr_by": "Benjamini–Yekutieli",
    "simes-hochberg": "Hochberg",
    "hommel": "Hommel",
    "sidak": "Šidák",
    "holm-sidak": "Holm–Šidák",
    "fdr_tsbh": "two-stage Benjamini–Hochberg",
    "fdr_tsbky": "two-stage Benjamini–Krieger–Yekutieli",
}


def adjust_name(method: str | None) -> str:
    """Readable name of a p-value adjustment (``"fdr_bh"`` → ``"Benjamini–Hochberg"``)."""
    if method is None or method == "none":
        return "none"
    return _P_ADJUST_NAMES.get(method, method)


def adjust_note(method: str | None) -> str:
    """The note sentence on a p-value adjustment."""
    if method is None or method == "none":
        return "p-values not adjusted for multiple comparisons."
    return f"p (adj.) = p adjusted for multiple comparisons by the {adjust_name(method)} method."


_CI_METHODS = {"feldt": "Feldt", "duhachek": "Duhachek–Iacobucci", "bootstrap": "bootstrap"}


def ci_method_name(method: str) -> str:
    """Readable name of a confidence-interval method (``"feldt"`` → ``"Feldt"``)."""
    return _CI_METHODS.get(method, method)


def gap_note(reference: str, reference_name: str, confidence_level: float, weighted: bool) -> str:
    """The note under a gap table: the gap's definition and sign, the interval."""
    if reference == "sacrifice":
        sign = "Value index = quality − sacrifice; negative values mean the sacrifice outweighs"
        sign += " the quality"
    else:
        sign = f"Gap = perception − {reference_name}; negative values mean perceptions fall short"
    weights = " Gaps weighted by the items' importance." if weighted else ""
    return (
        f"{sign}. CI = {confidence_level:.0%} t confidence interval of the mean; share meeting = "
        f"share of respondents whose perception meets or exceeds the {reference_name}.{weights}"
    )


def _strip_zero(text: str) -> str:
    if text.startswith("0."):
        return text[1:]
    if text.startswith(f"{MINUS}0."):
        return MINUS + text[2:]
    return text


def apa_p(value: float, *, prefix: bool = False) -> str:
    """A p-value in APA style: ``"< .001"``, ``".023"``, ``"1.000"``.

    With ``prefix=True`` the statistic's symbol comes first: ``"p < .001"``,
    ``"p = .023"``. NaN is an em dash.
    """
    if value is None or pd.isna(value):
        return DASH
    if value < 0.001:
        return "p < .001" if prefix else "< .001"
    shown = _strip_zero(f"{value:.3f}")
    return f"p = {shown}" if prefix else shown


def apa_number(value: Any, *, decimals: int = 2, bounded: bool = False) -> str:
    """One figure in APA style: integers with thousands commas, floats to ``decimals``
    places with a proper minus sign, no leading zero when ``bounded`` (the figure cannot
    exceed 1, e.g. a correlation), NaN as an em dash."""
    if value is None:
        return DASH
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        text = f"{int(value):,}"
    elif isinstance(value, float | np.floating):
        if math.isnan(value):
            return DASH
        if math.isinf(value):
            text = "∞"
            return MINUS + text if value < 0 else text
        text = f"{float(value):,.{decimals}f}"
        if float(text.replace(",", "")) == 0:  # no "-0.00"
            text = text.lstrip("-")
    else:
        try:
            if pd.isna(value):
                return DASH
        except (TypeError, ValueError):
            pass
        return str(value)
    text = text.replace("-", MINUS)
    return _strip_zero(text) if bounded else text


@dataclass(frozen=True)
class Column:
    """One column of a paper table: its source name, label, formatted cells and kind."""

    name: str
    label: Label
    cells: list[str]
    kind: str  # "text", "int", "float", "p", "bounded", "bool"
    values: list[Any]


def _label(name: Any, confidence_level: float | None) -> Label:
    key = str(name)
    label = _LABELS.get(key.lower())
    if label is None:
        text = key.replace("_", " ")
        if len(key) > 2 and key.replace("_", "").isalpha():  # a word, not a code like "x1"
            text = text[:1].upper() + text[1:]
        label = (_rm(text),)
    if confidence_level is not None and key in ("ci_low", "ci_high"):
        label = (_rm(f"{confidence_level:.0%} "), *label)
    return label


def label_text(label: Label) -> str:
    """The plain text of a label."""
    return "".join(text for text, _ in label)


def _kind(name: str, series: pd.Series, is_p: Callable[[Any], bool]) -> str:
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_integer_dtype(dtype):
        return "int"
    if not pd.api.types.is_numeric_dtype(dtype):
        return "text"
    if is_p(name):
        return "p"
    low = name.lower()
    if low in _BOUNDED_NAMES or low.startswith(_BOUNDED_PREFIXES):
        return "bounded"
    values = series.to_numpy(dtype=float, na_value=np.nan)
    finite = values[np.isfinite(values)]
    if _COUNT_NAME.match(low) and len(finite) and np.all(finite == np.round(finite)):
        return "int"
    return "float"


def _cell(value: Any, kind: str, decimals: int) -> str:
    if kind == "p":
        return apa_p(value)
    if kind == "int" and isinstance(value, float | np.floating) and not math.isnan(value):
        value = round(float(value))
        return apa_number(int(value))
    if kind == "bounded":
        return apa_number(value, decimals=decimals, bounded=True)
    return apa_number(value, decimals=decimals)


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value


def layout(
    table: pd.DataFrame,
    *,
    is_p: Callable[[Any], bool],
    decimals: int = 2,
    confidence_level: float | None = None,
    bounded: Sequence[str] = (),
    sparsify: bool = True,
) -> list[Column]:
    """The table's index levels and columns as formatted ``Column`` objects (index first).

    ``bounded`` names further columns shown without a leading zero; ``sparsify``
    blanks repeated labels of the outer index levels (as a printed table does).
    """
    out: list[Column] = []
    index = table.index
    levels = index.nlevels
    has_index = not (levels == 1 and index.name is None and isinstance(index, pd.RangeIndex))
    if has_index:
        frame = index.to_frame(index=False)
        for pos in range(levels):
            raw = [_plain(v) for v in frame.iloc[:, pos]]
            cells = [apa_number(v, decimals=decimals) for v in raw]
            if sparsify and pos < levels - 1:
                prefix_prev: tuple[Any, ...] | None = None
                for row in range(len(cells)):
                    prefix = tuple(frame.iloc[row, : pos + 1])
                    if prefix == prefix_prev:
                        cells[row] = ""
                    prefix_prev = prefix
            name = index.names[pos]
            label = _label(name, None) if name is not None else ((("", False)),)
            out.append(Column(str(name or ""), label, cells, "text", raw))
    for col in table.columns:
        name = " ".join(map(str, col)) if isinstance(col, tuple) else str(col)
        series = table[col]
        kind = _kind(name, series, is_p)
        if name in bounded and kind == "float":
            kind = "bounded"
        raw = [_plain(v) for v in series.tolist()]
        cells = [_cell(v, kind, decimals) for v in raw]
        out.append(Column(name, _label(name, confidence_level), cells, kind, raw))
    return out


# --------------------------------------------------------------------------- LaTeX
_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "|": r"\textbar{}",
    "^": r"\textasciicircum{}",
    MINUS: "$-$",
    "≤": r"$\leq$",
    "≥": r"$\geq$",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "·": r"$\cdot$",
    "×": r"$\times$",
    "±": r"$\pm$",
    "²": r"\textsuperscript{2}",
    "₁": r"\textsubscript{1}",
    "₂": r"\textsubscript{2}",
    "α": r"$\alpha$",
    "β": r"$\beta$",
    "χ": r"$\chi$",
    "η": r"$\eta$",
    "λ": r"$\lambda$",
    "ω": r"$\omega$",
    "Φ": r"$\Phi$",
    "∞": r"$\infty$",
    "√": r"$\surd$",
    "–": "--",
    DASH: "---",
}
_LATEX_RE = re.compile("|".join(re.escape(k) for k in _LATEX_SPECIALS))


def latex_escape(text: str) -> str:
    """Escape LaTeX's special characters (``& % $ # _ { } ~ ^ \\``) and write the
    Unicode symbols servqual uses (−, ≤, ·, ², α, β, η, ω, ...) as LaTeX."""
    return _LATEX_RE.sub(lambda m: _LATEX_SPECIALS[m.group(0)], str(text))


def _latex_label(label: Label) -> str:
    return "".join(
        rf"\textit{{{latex_escape(t)}}}" if italic else latex_escape(t) for t, italic in label
    )


def render_latex(
    columns: list[Column], caption: str, note: str | None, *, label: str | None = None
) -> str:
    """A booktabs ``table`` environment (no vertical rules) with the caption above and
    an APA note line below."""
    spec = "".join("l" if c.kind == "text" else "r" for c in columns)
    lines = [
        r"\begin{table}[htbp]",
        r"\centering",
        rf"\caption{{{latex_escape(caption)}}}",
    ]
    if label:
        lines.append(rf"\label{{{label}}}")
    lines += [rf"\begin{{tabular}}{{{spec}}}", r"\toprule"]
    lines.append(" & ".join(_latex_label(c.label) for c in columns) + r" \\")
    lines.append(r"\midrule")
    n_rows = len(columns[0].cells) if columns else 0
    for row in range(n_rows):
        lines.append(" & ".join(latex_escape(c.cells[row]) for c in columns) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}"]
    if note:
        lines.append(
            r"\par\smallskip\parbox{\linewidth}{\footnotesize\textit{Note.} "
            + latex_escape(note)
            + "}"
        )
    lines.append(r"\end{table}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- Markdown
_MD_RE = re.compile(r"([\\`*_|\[\]]|<(?=[A-Za-z/!?]))")


def markdown_escape(text: str) -> str:
    """Escape the characters that Markdown (and a pipe table) would interpret."""
    return _MD_RE.sub(lambda m: "\\" + m.group(0), str(text)).replace("\n", " ")


def _md_label(label: Label) -> str:
    return "".join(
        f"*{markdown_escape(t)}*" if italic and t.strip() else markdown_escape(t)
        for t, italic in label
    )


def render_markdown(columns: list[Column], caption: str, note: str | None) -> str:
    """A pipe table with the caption in italics above and an APA note line below."""
    lines = [f"*{markdown_escape(caption)}*", ""]
    lines.append("| " + " | ".join(_md_label(c.label) for c in columns) + " |")
    lines.append("|" + "|".join(":---" if c.kind == "text" else "---:" for c in columns) + "|")
    n_rows = len(columns[0].cells) if columns else 0
    for row in range(n_rows):
        lines.append("| " + " | ".join(markdown_escape(c.cells[row]) for c in columns) + " |")
    if note:
        lines += ["", f"*Note.* {markdown_escape(note)}"]
    return "\n".join(lines) + "\n"
