"""A self-contained HTML report of a survey: findings first, then tables and charts.

:func:`report` composes the results of the analysis modules (gap scores, zone of
tolerance, reliability, paired tests, key drivers ...) into one HTML file with
inline CSS and figures embedded as base64 PNG, so it can be e-mailed, archived or
printed to PDF as is. It computes nothing of its own: every number comes from a
public servqual function. The executive summary at the top turns those results
into sentences; a section whose statistic cannot be computed for this survey
shows that function's error message instead, and a segment group that is empty or
too small is left out of its segment's analyses with a note.
"""

from __future__ import annotations

import base64
import copy
import datetime as _dt
import functools
import html
import os
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import matplotlib
import numpy as np
import pandas as pd
from matplotlib import font_manager

from . import _labels, plotting
from ._progress import Progress
from ._results import display_frame, format_number, format_p
from ._version import __version__
from .cfa import cfa as _cfa
from .drivers import importance_performance, key_drivers
from .exceptions import (
    ConvergenceError,
    DataError,
    InstrumentError,
    MissingColumnError,
    ServqualError,
    ServqualWarning,
)
from .factor import bartlett_sphericity, efa, kmo, parallel_analysis
from .gaps import gap_scores, respondent_scores, tolerance_zone
from .groups import compare_groups
from .inference import paired_tests
from .invariance import InvarianceResult, measurement_invariance
from .likert import likert_distribution
from .models import SEMResult
from .models import sem as _sem
from .plotting._export import render_png
from .reliability import cronbach_alpha, difference_reliability
from .survey import Survey
from .validity import discriminant_validity, htmt

__all__ = ["report"]

#: Fewest respondents a segment group needs in every unit to be analysed: a gap
#: with a confidence interval and the Welch tests need a variance.
MIN_GROUP_N = 2

_CSS = """
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,"Noto Sans CJK KR","Malgun Gothic",
sans-serif;max-width:1100px;margin:2em auto;padding:0 1.2em;color:#222;line-height:1.45}
h1{border-bottom:3px solid #0072B2;padding-bottom:.3em}
h2{margin-top:2.2em;border-bottom:1px solid #ccc;padding-bottom:.2em;color:#0b4f7c}
h3{margin-top:1.5em;color:#333}
table.sq{border-collapse:collapse;font-size:.85em;margin:.6em 0 1.2em}
table.sq th,table.sq td{padding:.25em .6em;border-bottom:1px solid #e3e3e3;text-align:right}
table.sq td{white-space:nowrap}
table.sq th{background:#f3f6f9;text-align:left;vertical-align:bottom}
table.sq td.key{text-align:left}
table.sq td.rep{color:transparent}
table.sq tbody tr:hover{background:#fafcff}
.scroll table.sq thead th{position:sticky;top:0}
.meta{color:#555;font-size:.9em}
.error{background:#fff4f0;border-left:4px solid #D55E00;padding:.6em 1em;margin:.8em 0}
.note{color:#555;font-size:.88em}
.summary{background:#f3f8fc;border-left:4px solid #0072B2;padding:.6em 1.2em .6em 2.2em}
.summary li{margin:.35em 0}
figure{margin:1em 0}
figure img{max-width:100%;height:auto}
figcaption{font-size:.85em;color:#555}
nav ul{columns:2;font-size:.92em}
.scroll{max-height:32em;overflow:auto}
dl.glossary{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1.2em;font-size:.9em}
dl.glossary dt{font-weight:600}
dl.glossary dd{margin:0}
@page{size:A4;margin:1.6cm 1.4cm}
@media print{
body{max-width:none;margin:0;padding:0;font-size:10pt}
nav{display:none}
.scroll{max-height:none;overflow:visible}
.scroll table.sq thead th{position:static}
table.sq{page-break-inside:auto}
table.sq tr,table.sq td,table.sq th{break-inside:avoid;page-break-inside:avoid}
thead{display:table-header-group}
tfoot{display:table-footer-group}
figure,figure img,.summary li,.error,.note,dl.glossary div{break-inside:avoid;page-break-inside:avoid}
figure img{max-height:23cm;width:auto}
h2,h3,p.meta{break-after:avoid;page-break-after:avoid}
table.sq tbody tr:hover{background:none}
table.sq td.rep{color:#999}
a{color:inherit;text-decoration:none}
}
"""

# --------------------------------------------------------------------------- labels
#: column name → (label shown in the table head, meaning in the glossary)
_LABELS: dict[str, tuple[str, str]] = {
    "perception": ("P (perception)", "mean perception rating of the delivered service"),
    "reference": ("reference", "mean of the reference the perception is compared with"),
    "gap": ("gap", "perception − reference; negative = below the reference"),
    "sd": ("SD", "standard deviation"),
    "se": ("SE", "standard error of the mean"),
    "n": ("n", "respondents with the answers the row needs"),
    "ci_low": ("CI low", "lower bound of the confidence interval"),
    "ci_high": ("CI high", "upper bound of the confidence interval"),
    "share_meeting": ("share ≥ reference", "share of respondents whose gap is 0 or more"),
    "share_ci_low": ("share CI low", "lower bound of the share's Wilson interval"),
    "share_ci_high": ("share CI high", "upper bound of the share's Wilson interval"),
    "mean": ("mean", "mean rating"),
    "min": ("min", "lowest rating"),
    "max": ("max", "highest rating"),
    "alpha": ("α", "Cronbach's alpha (≥ .70 acceptable, ≥ .80 good)"),
    "std_alpha": ("α (standardized)", "alpha from the item correlations"),
    "average_r": ("mean r", "mean inter-item correlation"),
    "lambda6": ("λ6", "Guttman's lambda 6"),
    "n_items": ("items", "number of items"),
    "alpha_p": ("α (P)", "alpha of the perceptions"),
    "alpha_ref": ("α (reference)", "alpha of the reference ratings"),
    "var_p": ("var (P)", "variance of the perception score"),
    "var_ref": ("var (reference)", "variance of the reference score"),
    "r_p_ref": ("r (P, reference)", "correlation of perception and reference scores"),
    "r_diff": ("r (difference)", "reliability of the difference score (Lord)"),
    "alpha_gap": ("α (gap)", "alpha of the item gaps"),
    "var_gap": ("var (gap)", "variance of the gap score"),
    "mean_perception": ("mean P", "mean perception"),
    "mean_reference": ("mean reference", "mean reference rating"),
    "diff": ("difference", "mean difference"),
    "sd_diff": ("SD (difference)", "standard deviation of the differences"),
    "t": ("t", "t statistic"),
    "df": ("df", "degrees of freedom"),
    "df1": ("df (between)", "numerator degrees of freedom"),
    "df2": ("df (within)", "denominator degrees of freedom"),
    "p_unc": ("p", "p-value, not adjusted for multiple tests"),
    "p_adj": ("p (adjusted)", "p-value adjusted for the tests of the table (Holm)"),
    "cohen_dz": ("dz", "Cohen's dz: mean difference / SD of the differences"),
    "dz_ci_low": ("dz CI low", "lower bound of dz's interval"),
    "dz_ci_high": ("dz CI high", "upper bound of dz's interval"),
    "f": ("F", "F statistic"),
    "h": ("H", "Kruskal–Wallis H statistic"),
    "eta_sq": ("η²", "share of variance between groups"),
    "eta_sq_h": ("η² (H)", "eta squared from H"),
    "omega_sq": ("ω²", "omega squared, less biased than η²"),
    "n_groups": ("groups", "number of groups compared"),
    "group_1": ("group 1", "first group of the comparison"),
    "group_2": ("group 2", "second group of the comparison"),
    "mean_1": ("mean 1", "mean of group 1"),
    "mean_2": ("mean 2", "mean of group 2"),
    "n_1": ("n 1", "respondents in group 1"),
    "n_2": ("n 2", "respondents in group 2"),
    "cohen_d": ("d", "Cohen's d (pooled SD)"),
    "hedges_g": ("g", "Hedges' g (small-sample corrected d)"),
    "coef": ("b", "regression coefficient"),
    "std_beta": ("β", "standardized coefficient"),
    "r": ("r", "correlation with the outcome"),
    "raw_weight": ("relative weight", "Johnson's relative weight (share of R²)"),
    "rescaled_weight": ("relative weight %", "relative weight as % of R²"),
    "dominance": ("dominance", "general dominance weight"),
    "dominance_pct": ("dominance %", "general dominance as % of R²"),
    "importance": ("importance", "stated or derived importance"),
    "performance": ("performance", "mean perception"),
    "quadrant": ("quadrant", "importance–performance quadrant"),
    "statistic": ("χ²", "chi-square statistic"),
    "pc_observed": ("PC observed", "eigenvalue of the observed correlations"),
    "pc_simulated": ("PC simulated", "quantile of the simulated eigenvalues"),
    "fa_observed": ("FA observed", "eigenvalue of the reduced correlations"),
    "fa_simulated": ("FA simulated", "quantile of the simulated reduced eigenvalues"),
    "pc_simulated_mean": ("PC simulated mean", "mean simulated eigenvalue"),
    "fa_simulated_mean": ("FA simulated mean", "mean simulated reduced eigenvalue"),
    "number": ("#", "component / factor number"),
    "communality": ("h²", "communality: variance explained by the factors"),
    "uniqueness": ("u²", "uniqueness: 1 − communality"),
    "complexity": ("complexity", "Hofmann's item complexity"),
    "cr": ("CR", "composite reliability"),
    "ave": ("AVE", "average variance extracted (≥ .50)"),
    "sqrt_ave": ("√AVE", "square root of AVE"),
    "max_abs_r": ("max |r|", "largest correlation with another factor"),
    "fornell_larcker": ("Fornell–Larcker", "√AVE exceeds every correlation"),
    "max_htmt": ("max HTMT", "largest heterotrait–monotrait ratio"),
    "htmt_ok": ("HTMT ok", "every HTMT below the threshold"),
    "htmt": ("HTMT", "heterotrait–monotrait ratio"),
    "above_085": ("> .85", "above the .85 threshold"),
    "above_090": ("> .90", "above the .90 threshold"),
    "factor_1": ("factor 1", ""),
    "factor_2": ("factor 2", ""),
    "adequate": ("A (adequate)", "mean adequate service level"),
    "desired": ("D (desired)", "mean desired service level"),
    "perceived": ("P (perceived)", "mean perception"),
    "mss": ("MSS (P − D)", "measure of service superiority"),
    "zone_width": ("zone width", "D − A"),
    "position": ("position", "perception below, within or above the zone"),
    "n_below": ("n below", "respondents below the zone"),
    "n_within": ("n within", "respondents within the zone"),
    "n_above": ("n above", "respondents above the zone"),
    "n_inverted": ("n inverted", "respondents with A > D"),
    "share_below": ("share below", ""),
    "share_within": ("share within", ""),
    "share_above": ("share above", ""),
    "share_inverted": ("share inverted", ""),
    "value": ("value", ""),
}
#: labels that depend on the table (the same name means different things)
_TABLE_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "kmo": {"msa": ("MSA (KMO)", "Kaiser–Meyer–Olkin measure of sampling adequacy")},
    "tolerance": {"msa": ("MSA (P − A)", "measure of service adequacy")},
    "alpha": {"ci_low": ("α CI low", "lower bound of alpha's interval (Feldt)")},
    "sem": {
        "chisq": ("χ² (model)", "chi-square test of exact fit of the structural model"),
        "df": ("df", "degrees of freedom"),
        "pvalue": ("p (χ²)", "p-value of the model χ²; small = the model misfits exactly"),
        "cfi": ("CFI", "comparative fit index (≥ .95 good; Hu & Bentler 1999)"),
        "tli": ("TLI", "Tucker–Lewis index (≥ .95 good)"),
        "rmsea": ("RMSEA", "root mean square error of approximation (≤ .06 good)"),
        "rmsea_ci_lower": ("RMSEA CI low", "lower bound of RMSEA's 90% interval"),
        "rmsea_ci_upper": ("RMSEA CI high", "upper bound of RMSEA's 90% interval"),
        "srmr": ("SRMR", "standardized root mean square residual (≤ .08 good)"),
        "est": ("b", "unstandardized path coefficient"),
        "se": ("SE", "standard error of the coefficient"),
        "z": ("z", "coefficient / SE"),
        "p_value": ("p", "p-value of the path (z test of b = 0)"),
        "ci_low": ("b CI low", "lower bound of b's 95% Wald interval"),
        "ci_high": ("b CI high", "upper bound of b's 95% Wald interval"),
        "std_all": ("β", "standardized path coefficient (std.all)"),
    },
}
_TABLE_LABELS["invariance"] = {
    "chisq": ("χ²", "chi-square test of exact fit of the multi-group model"),
    "df": ("df", "degrees of freedom"),
    "cfi": ("CFI", "comparative fit index"),
    "tli": ("TLI", "Tucker–Lewis index"),
    "rmsea": ("RMSEA", "root mean square error of approximation"),
    "srmr": ("SRMR", "standardized root mean square residual"),
    "bic": ("BIC", "Bayesian information criterion (smaller = better)"),
    "reference": ("compared with", "the step this one is tested against"),
    "chisq_diff": ("Δχ²", "chi-square difference to the step compared with"),
    "df_diff": ("Δdf", "degrees of freedom of the difference test"),
    "p_value": ("p (Δχ²)", "p-value of the chi-square difference test"),
    "delta_cfi": ("ΔCFI", "change in CFI from the step compared with (holds if > −.010)"),
    "delta_rmsea": ("ΔRMSEA", "change in RMSEA from the step compared with (holds if < .015)"),
    "decision": ("decision", "whether the step holds by the ΔCFI/ΔRMSEA rule"),
    "freed": ("freed", "parameters left free across groups (partial invariance)"),
    "X2": ("score χ²", "score test of releasing the parameter's equality constraints"),
    "released": ("released", "freed in the partial-invariance model"),
}
_GLOSSARY_EXTRA = {
    "CI": "95% confidence interval unless the caption says otherwise",
    "p-values": "shown with three decimals; < .001 below that",
}


def _label(column: Any, table_id: str) -> tuple[str, str]:
    name = str(column)
    for prefix, labels in _TABLE_LABELS.items():
        if table_id.startswith(prefix) and name in labels:
            return labels[name]
    return _LABELS.get(name, (name.replace("_", " "), ""))


# --------------------------------------------------------------------------- HTML pieces
def _table_html(
    frame: pd.DataFrame, table_id: str, glossary: dict[str, str], *, scroll: bool = False
) -> str:
    """A result table as HTML with readable column labels; rounding happens only here
    (:func:`servqual._results.display_frame`, the notebook display's formatter)."""
    index_names = [str(n) if n is not None else "" for n in frame.index.names]
    keys = frame.index.to_frame(index=False)
    keys = display_frame(keys, 3, as_text=True)
    body = display_frame(frame.reset_index(drop=True), 3, p_style="apa", as_text=True)
    heads = []
    for name in index_names:
        label, meaning = _label(name, table_id) if name else ("", "")
        heads.append(f"<th scope='col'>{html.escape(label)}</th>")
    for col in frame.columns:
        label, meaning = _label(col, table_id)
        if meaning:
            glossary.setdefault(label, meaning)
        title = f" title='{html.escape(meaning, quote=True)}'" if meaning else ""
        heads.append(f"<th scope='col'{title}>{html.escape(label)}</th>")
    text_columns = [
        not pd.api.types.is_numeric_dtype(frame[c].dtype)
        or pd.api.types.is_bool_dtype(frame[c].dtype)
        for c in frame.columns
    ]
    rows = []
    previous: list[str] = []
    n_keys = keys.shape[1]
    for i in range(len(frame)):
        key = [str(v) for v in keys.iloc[i]]
        # a segment label repeated from the row above is hidden on screen and shown
        # faintly in print, where a page break may fall inside the block
        repeated = [j < n_keys - 1 and previous[: j + 1] == key[: j + 1] for j in range(n_keys)]
        previous = key
        cells = "".join(
            f"<td class='key{' rep' if rep else ''}'>{html.escape(k)}</td>"
            for k, rep in zip(key, repeated, strict=True)
        )
        cells += "".join(
            f"<td class='key'>{html.escape(str(v))}</td>"
            if is_text
            else f"<td>{html.escape(str(v))}</td>"
            for v, is_text in zip(body.iloc[i], text_columns, strict=True)
        )
        rows.append(f"<tr>{cells}</tr>")
    out = (
        f"<table class='sq' id='{html.escape(table_id)}'><thead><tr>{''.join(heads)}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    return f"<div class='scroll'>{out}</div>" if scroll else out


def _figure_html(png: bytes, caption: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(caption)}">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def _error_html(exc: Exception) -> str:
    return (
        f'<div class="error"><b>Not available:</b> {html.escape(str(exc))} '
        f"<span class='note'>({type(exc).__name__})</span></div>"
    )


def _note(text: str) -> str:
    return f"<p class='note'>{html.escape(text)}</p>"


def _meta(result: Any, frame: pd.DataFrame | None = None, total: int | None = None) -> str:
    """The result's header, and what n means in its rows when they count fewer."""
    text = html.escape(result.header)
    if frame is not None and total is not None and "n" in frame.columns:
        ns = pd.to_numeric(frame["n"], errors="coerce").dropna()
        if len(ns) and (ns.min() != total or ns.max() != total):
            lo, hi = int(ns.min()), int(ns.max())
            span = f"{lo}" if lo == hi else f"{lo}–{hi}"
            text += (
                f"<br>n in the rows: {span} of the {total} respondents (those with the "
                "answers the row needs)."
            )
    return f"<p class='meta'>{text}</p>"


def _warning_notes(caught: list[warnings.WarningMessage]) -> list[str]:
    """servqual warnings of a section as notes in it; other warnings are re-issued."""
    notes: list[str] = []
    for w in caught:
        if issubclass(w.category, ServqualWarning):
            text = html.escape(str(w.message))
            if text not in notes:
                notes.append(text)
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return [f"<p class='note'>⚠ {n}</p>" for n in notes]


def _slug(text: str) -> str:
    keep = [c.lower() if c.isalnum() else "-" for c in text]
    return "-".join(filter(None, "".join(keep).split("-")))


def _num(value: float, decimals: int = 2) -> str:
    return format_number(float(value), decimals)


def _p(value: float) -> str:
    shown = format_p(float(value), style="apa")
    return f"p {shown}" if shown.startswith("<") else f"p = {shown}"


#: fonts with Hangul, kana and Han glyphs, used as fallbacks for segment and item
#: labels in the charts when one of them is installed
_CJK_FONTS = (
    "Noto Sans CJK KR",
    "Noto Sans CJK JP",
    "Noto Sans CJK SC",
    "Source Han Sans K",
    "NanumGothic",
    "Malgun Gothic",
    "Apple SD Gothic Neo",
    "AppleGothic",
    "Microsoft YaHei",
    "MS Gothic",
)


def _chart_fonts() -> dict[str, Any]:
    """matplotlib settings that add installed CJK fonts after the font family in use
    (matplotlib falls back glyph by glyph), so Korean labels are not boxes."""
    have = {f.name for f in font_manager.fontManager.ttflist}
    extra = [f for f in _CJK_FONTS if f in have]
    if not extra:
        return {}
    current = list(matplotlib.rcParams["font.family"])
    return {"font.family": [*current, *(f for f in extra if f not in current)]}


# --------------------------------------------------------------------------- context
@dataclass
class _Segment:
    """One segment as analysed: the survey whose segment keeps only the groups with
    enough respondents (in the order asked for), and what was left out."""

    name: str
    survey: Survey | None
    kept: list[str]
    empty: list[str]
    small: list[tuple[str, int]]
    unlisted: list[str]

    def notes(self) -> list[str]:
        out = []
        if self.empty:
            out.append(
                f"Left out: {', '.join(repr(g) for g in self.empty)} (no respondent with "
                "the answers needed)."
            )
        if self.small:
            groups = ", ".join(f"{g!r} (n={n})" for g, n in self.small)
            out.append(
                f"Below the minimum of {MIN_GROUP_N} respondents per group, reported "
                f"here and left out of the tables and tests: {groups}."
            )
        if self.unlisted:
            out.append(f"Not in by=: {', '.join(repr(g) for g in self.unlisted)}.")
        return [_note(t) for t in out]


#: charts whose ticks name items or dimensions (they take ``labels=`` and ``instrument=``)
_LABELLED_CHARTS = frozenset(
    {
        "plot_gaps",
        "plot_snake",
        "plot_radar",
        "plot_tolerance",
        "plot_likert",
        "plot_ipa",
        "plot_drivers",
        "plot_loadings",
    }
)


@dataclass
class _Context:
    survey: Survey
    level: Literal["dimension", "item"]
    sort: bool
    dpi: int
    by: dict[str, list[str] | None]
    outcome: str | None
    score: str
    model: Mapping[str, Sequence[str]] | None
    labels: str = "code"
    check_invariance: bool = True
    glossary: dict[str, str] = field(default_factory=dict)
    _cache: dict[Any, tuple[Any, ServqualError | None, list[Any]]] = field(default_factory=dict)

    def get(self, key: Any, compute: Callable[[], Any]) -> Any:
        """A result computed once per report; its warnings replayed wherever it is used."""
        if key not in self._cache:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                error: ServqualError | None = None
                try:
                    value = compute()
                except ServqualError as exc:
                    value, error = None, exc
            self._cache[key] = (value, error, list(caught))
        value, error, caught = self._cache[key]
        for w in caught:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        if error is not None:
            raise error
        return value

    def table(self, frame: pd.DataFrame, table_id: str, *, scroll: bool = False) -> str:
        return _table_html(self.named(frame), table_id, self.glossary, scroll=scroll)

    def named(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` with items and dimensions in its index named as ``labels=`` asks."""
        return _labels.relabel_index(
            frame, labels=self.labels, result=None, instrument=self.survey.instrument,
            what="report",
        )  # fmt: skip

    def chart(self, plot_name: str, result: Any, caption: str, **kwargs: Any) -> str:
        kwargs["dpi"] = self.dpi
        if self.labels != "code" and plot_name in _LABELLED_CHARTS:
            kwargs.setdefault("labels", self.labels)
            kwargs.setdefault("instrument", self.survey.instrument)
        draw = getattr(plotting, plot_name)
        fonts: Any = _chart_fonts()
        with matplotlib.rc_context(fonts):
            png = render_png(draw, result, **kwargs)
        return _figure_html(png, caption)

    # shared results ------------------------------------------------------------
    def gaps(self, level: Literal["dimension", "item", "overall"]) -> Any:
        return self.get(("gaps", level), lambda: gap_scores(self.survey, level=level))

    def alpha(self, score: str) -> Any:
        return self.get(
            ("alpha", score),
            lambda: cronbach_alpha(self.survey, score=score, level="dimension"),
        )

    def driver_unit(self) -> Literal["dimension", "item"]:
        # with fewer than three quality dimensions (e.g. the value instrument) a
        # ranking or quadrant map of dimensions says nothing: use the items instead
        return "dimension" if len(self.survey.instrument.quality_dimensions) >= 3 else "item"

    def drivers(self) -> Any:
        if self.outcome is None:
            raise InstrumentError(
                "The survey has no outcome ratings (Survey(outcomes=...)); key-driver "
                "analysis needs an overall rating to explain."
            )
        outcome = self.outcome
        return self.get(
            ("drivers", outcome),
            lambda: key_drivers(self.survey, outcome=outcome, level=self.driver_unit()),
        )

    def structural(self) -> SEMResult:
        """``sem(survey, outcome=..., score=...)``: each quality dimension a latent
        factor of its items, the outcome regressed on them."""
        if self.outcome is None:
            raise InstrumentError(
                "The survey has no outcome ratings (Survey(outcomes=...)); the structural "
                "model needs an outcome for the dimensions to explain."
            )
        outcome, score = self.outcome, self.score

        def fit() -> SEMResult:
            try:
                return _sem(self.survey, outcome=outcome, score=score)
            except (np.linalg.LinAlgError, FloatingPointError, ValueError) as exc:
                if isinstance(exc, ServqualError):
                    raise
                raise ConvergenceError(
                    f"The structural model could not be estimated for these data: {exc}"
                ) from exc

        return self.get(("sem", outcome, score), fit)

    def segment(self, name: str, level: Literal["dimension", "item"]) -> _Segment:
        return self.get(("segment", name, level), lambda: self._plan_segment(name, level))

    def comparison(self, name: str) -> Any:
        seg = self.segment(name, "dimension")
        inv = self.invariance_note_source(name)

        def run() -> Any:
            if seg.survey is None:
                return None
            return compare_groups(seg.survey, by=name, level="dimension", invariance=inv)

        return self.get(("compare", name), run)

    def invariance_model(self) -> str | None:
        """The measurement model of the invariance test in lavaan syntax: ``model=`` when
        given, else ``None`` (the instrument's dimensions, as :func:`servqual.sem`)."""
        if self.model is None:
            return None
        return "\n".join(f"{f} =~ " + " + ".join(items) for f, items in self.model.items())

    def invariance(self, name: str) -> InvarianceResult | None:
        """``measurement_invariance`` of the ``score`` items across the analysed groups of
        segment ``name`` (``None`` with fewer than two). It runs on the segment's own
        survey copy, so the result is recorded there (``survey.invariance``) and the
        caller's survey is left alone."""
        seg = self.segment(name, "dimension")
        score, model = self.score, self.invariance_model()

        def run() -> InvarianceResult | None:
            if seg.survey is None or len(seg.kept) < 2:
                return None
            try:
                return measurement_invariance(seg.survey, model, by=name, score=score)
            except (np.linalg.LinAlgError, FloatingPointError, ValueError) as exc:
                if isinstance(exc, ServqualError):
                    raise
                raise ConvergenceError(
                    f"The multi-group factor models by {name} could not be estimated for "
                    f"these data: {exc}"
                ) from exc

        return self.get(("invariance", name), run)

    def invariance_note_source(self, name: str) -> InvarianceResult | None:
        """The invariance result the segment's comparisons cite: ``None`` when the
        check is switched off or failed (its section shows why); its warnings are
        told in the invariance section, not again in every section citing it."""
        if not self.check_invariance:
            return None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                return self.invariance(name)
            except ServqualError:
                return None

    def _plan_segment(self, name: str, level: Literal["dimension", "item"]) -> _Segment:
        """Split the groups of a segment into analysed, empty and too small ones.

        A group counts by its fewest respondents over the units (dimensions or
        items) of ``level`` with a gap score, the number the gap table and the
        tests use.
        """
        survey = self.survey
        seg = survey.segment(name)
        present = [str(c) for c in seg.cat.categories]
        wanted = self.by.get(name)
        order = list(wanted) if wanted is not None else present
        unlisted = [g for g in present if g not in order] if wanted is not None else []
        scores = respondent_scores(survey, level=level, score="gap")
        answered = scores.notna().to_numpy()
        labels = seg.astype(str).where(seg.notna(), None).to_numpy()
        kept, empty, small = [], [], []
        for group in order:
            rows = labels == group
            counts = answered[rows].sum(axis=0) if rows.any() else np.zeros(answered.shape[1])
            if counts.max(initial=0) == 0:
                empty.append(group)
            elif counts.min() < MIN_GROUP_N:
                small.append((group, int(counts.min())))
            else:
                kept.append(group)
        analysed: Survey | None = None
        if kept:
            text = seg.astype(str).where(seg.notna(), None)
            values = pd.Categorical(text.where(text.isin(kept), None), categories=kept)
            analysed = _with_segment(survey, name, pd.Series(values, index=seg.index, name=name))
        return _Segment(name, analysed, kept, empty, small, unlisted)


def _with_segment(survey: Survey, name: str, values: pd.Series) -> Survey:
    """A shallow copy of ``survey`` whose segment ``name`` is ``values`` (the ratings,
    weights and everything else are shared, read-only arrays)."""
    segments = survey.segments
    assert segments is not None
    segments[name] = values
    out = copy.copy(survey)
    out._segments = segments  # same package: the report's own view
    # invariance results recorded on the copy stay on the copy (the caller's survey is
    # not changed); those the caller recorded are seen by the copy too
    out.__dict__["_invariance"] = dict(survey.__dict__.get("_invariance", {}))
    return out


def _exclude_items(survey: Survey, exclude: Sequence[str]) -> Survey:
    """The survey without the items ``exclude`` (by item code).

    Dimensions left without items are dropped (with their importance points,
    the remaining points rescaled to 100). Ratings are already reverse-keyed in the
    survey, so the reduced instrument marks no item reversed.
    """
    inst = survey.instrument
    codes = set(inst.item_codes)
    unknown = [c for c in exclude if c not in codes]
    if unknown:
        raise MissingColumnError(
            f"exclude names item(s) {unknown} that {inst.name!r} does not have; its items "
            f"are {list(inst.item_codes)}."
        )
    drop = set(exclude)
    dims = []
    for d in inst.dimensions:
        items = tuple(replace(i, reverse=False) for i in d.items if i.code not in drop)
        if items:
            dims.append(replace(d, items=items))
    kept_names = [d.name for d in dims]
    weights = None
    if inst.weights is not None:
        w = {k: v for k, v in inst.weights.items() if k in kept_names}
        total = sum(w.values())
        if total <= 0:
            raise DataError("exclude leaves no dimension with an importance weight.")
        weights = {k: 100.0 * v / total for k, v in w.items()}
    try:
        reduced = replace(inst, dimensions=tuple(dims), weights=weights)
    except InstrumentError as exc:
        raise InstrumentError(
            f"exclude={list(exclude)} leaves no valid instrument: {exc}"
        ) from None
    keep = [i.code for i in reduced.items]
    frame: dict[str, Any] = {}
    columns: dict[str, list[str]] = {}
    for letter in inst.ratings:
        ratings = survey.ratings(letter)[keep]
        cols = [f"__{letter}_{c}" for c in keep]
        columns[letter] = cols
        frame.update({c: ratings[code].to_numpy() for c, code in zip(cols, keep, strict=True)})
    data = pd.DataFrame(frame, index=survey.index)
    segments = survey.segments
    importance = survey.importance
    if importance is not None:
        quality = [d.name for d in reduced.quality_dimensions]
        importance = importance[[c for c in importance.columns if c in quality]]
    outcomes = survey.outcomes
    outcome_columns: dict[str, str] = {}
    if outcomes is not None:
        for name in outcomes.columns:
            outcome_columns[str(name)] = f"__outcome_{name}"
            data[f"__outcome_{name}"] = outcomes[name].to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # said once already when the survey was read
        return Survey(
            data,
            reduced,
            columns=columns,
            segments=None if segments is None else {c: segments[c] for c in segments.columns},
            importance=importance,
            weights=survey.weights,
            outcomes=outcome_columns or None,
            nan_policy=survey.nan_policy if survey.nan_policy != "raise" else "pairwise",
            importance_sum="rescale",
        )


# --------------------------------------------------------------------------- summary
_MEANING = {
    "E": "customers rated the service below what they expected",
    "A": "the service fell below the minimum customers find adequate",
    "D": "the service fell short of the level customers desire",
    "C": "the service was rated below the best competitor",
    "spec": "the service fell short of its specification",
    "max": "the service was rated below the top of the scale",
    "sacrifice": "customers felt they gave up more than they got",
}


def _named(unit: str, ctx: _Context, level: str) -> str:
    if level != "item":
        return unit
    text = ctx.survey.instrument.item(unit).text
    short = text if len(text) <= 60 else text[:57].rstrip() + "…"
    return f"{unit} “{short}”" if short else unit


def _gap_phrase(name: str, row: pd.Series, conf: float) -> str:
    return (
        f"{name} (gap {_num(row['gap'])}, {conf:.0%} CI {_num(row['ci_low'])} to "
        f"{_num(row['ci_high'])})"
    )


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _summary_gaps(ctx: _Context) -> list[str]:
    out = []
    dim = ctx.gaps("dimension")
    item = ctx.gaps("item")
    conf = dim.confidence_level
    d = dim.to_frame().sort_values("gap")
    it = item.to_frame().sort_values("gap")
    short_d = d[d["gap"] < 0].head(2)
    short_i = it[it["gap"] < 0].head(3)
    if len(short_d):
        text = "The largest shortfalls are in " + _join(
            [_gap_phrase(str(k), r, conf) for k, r in short_d.iterrows()]
        )
        if len(short_i):
            text += "; among the items, " + _join(
                [_gap_phrase(_named(str(k), ctx, "item"), r, conf) for k, r in short_i.iterrows()]
            )
        out.append(text + ".")
    else:
        out.append("No dimension falls short of the reference on average.")
    strong_d = d.iloc[::-1].head(1)
    strong_i = it.iloc[::-1].head(2)
    best = _gap_phrase(str(strong_d.index[0]), strong_d.iloc[0], conf)
    items = _join(
        [_gap_phrase(_named(str(k), ctx, "item"), r, conf) for k, r in strong_i.iterrows()]
    )
    above = "furthest above" if strong_i["gap"].iloc[0] >= 0 else "closest to"
    if strong_d.iloc[0]["gap"] >= 0:
        out.append(f"The main strength is {best}; the items {above} the reference are {items}.")
    else:
        out.append(
            f"The relative strength is {best}, the smallest shortfall; the items closest to "
            f"the reference are {items}."
        )
    ref = dim.reference
    meaning = _MEANING.get(ref, f"perceptions fell below the {dim.reference_name}")
    out.append(
        f"A negative gap (P − {ref}) means {meaning}; zero means it was just met and a "
        "positive gap that it was exceeded."
    )
    return out


def _summary_reliability(ctx: _Context) -> str:
    res = ctx.alpha("perception")
    table = res.to_frame()["alpha"].dropna()
    lo_name, lo = str(table.idxmin()), float(table.min())
    hi_name, hi = str(table.idxmax()), float(table.max())
    span = f"Cronbach's alpha of the perception scales ranges from {_num(lo)} ({lo_name}) to {_num(hi)} ({hi_name})"
    weak = [str(k) for k, v in table.items() if v < 0.70]
    fair = [str(k) for k, v in table.items() if 0.70 <= v < 0.80]
    if not weak and not fair:
        return f"The scales are reliable: {span}, all at .80 or above."
    if not weak:
        return f"The scales are acceptably reliable: {span}; {_join(fair)} below .80 but above .70."
    return (
        f"Not every scale is reliable: {span}; {_join(weak)} below .70, so "
        "read their dimension scores with care."
    )


def _summary_segment(ctx: _Context, name: str) -> str | None:
    res = ctx.comparison(name)
    if res is None:
        return None
    seg = ctx.segment(name, "dimension")
    left_out = [*seg.empty, *(f"{g} (n={n})" for g, n in seg.small)]
    aside = f" ({_join(left_out)} left out: too few answers)" if left_out else ""
    table = res.to_frame()
    stat = "t" if "t" in table.columns else ("h" if "h" in table.columns else "f")
    symbol = {"t": "t", "h": "H", "f": "F"}[stat]
    best = table["p_adj"].idxmin()
    row = table.loc[best]
    desc = res.descriptives.xs(best, level=0)["mean"]
    low_g, high_g = str(desc.idxmin()), str(desc.idxmax())
    spread = f"mean gap {_num(desc.min())} for {low_g} vs {_num(desc.max())} for {high_g}"
    test = f"{symbol} = {_num(row[stat])}, {_p(row['p_adj'])} (adjusted)"
    if row["p_adj"] < 0.05:
        sig = [str(k) for k, v in table["p_adj"].items() if v < 0.05]
        return f"The {name} groups{aside} differ on {_join(sig)}: most clearly on {best} ({test}; {spread})."
    return (
        f"The {name} groups{aside} do not differ significantly on any dimension (smallest "
        f"difference test on {best}: {test}; {spread})."
    )


def _summary_invariance(ctx: _Context, name: str) -> str | None:
    res = ctx.invariance(name)
    if res is None:
        return None
    held = "holds" if res.scalar_established else "fails"
    level = res.established + (" (partial)" if res.freed else "")
    if res.scalar_established:
        then = (
            f"differences between the {name} groups' gap scores can be read as differences "
            "in the service, not in how the items were read"
        )
    else:
        then = (
            f"differences between the {name} groups may reflect how they read the items, "
            "so read those comparisons with care"
        )
    return (
        f"Scalar measurement invariance across {name} {held} for the {res.score or ctx.score} "
        f"items (highest level: {level}; ΔCFI/ΔRMSEA rule): {then}."
    )


def _summary_driver(ctx: _Context) -> str:
    res = ctx.drivers()
    table = res.to_frame()
    weight = "dominance_pct" if "dominance_pct" in table.columns else "rescaled_weight"
    top = table[weight].idxmax()
    row = table.loc[top]
    unit = _named(str(top), ctx, ctx.driver_unit())
    return (
        f"The top key driver of {res.outcome} is {unit}: {_num(row[weight], 1)}% of the "
        f"explained variance (b = {_num(row['coef'])}, {_p(row['p_unc'])}); together the "
        f"{ctx.driver_unit()}s explain R² = {_num(res.r_squared)} (n = {res.n})."
    )


def _summary_sem(ctx: _Context) -> str | None:
    res = ctx.structural()
    outcome = ctx.outcome
    if res.improper or outcome is None:
        return None  # the section says why the solution is not to be read
    paths = _sem_paths(res, outcome)
    if paths.empty or not paths["std_all"].notna().any():
        return None
    top = paths["std_all"].abs().idxmax()
    row = paths.loc[top]
    fm = res.fit_measures()
    misses, unknown = _fit_misses(fm)
    if unknown or float(fm["df"]) == 0:
        model = f"In the structural model ({_fit_values(fm)})"
    else:
        judged = "fits well" if not misses else "falls short of the usual fit cut-offs"
        model = f"In the structural model, which {judged} ({_fit_values(fm)})"
    return (
        f"{model}, the strongest standardized path to {outcome} is "
        f"from {top} (β = {_num(row['std_all'])}, {_p(row['p_value'])}); together the "
        f"dimensions explain R² = {_num(res.r_squared()[outcome])} of {outcome} (n = {res.n})."
    )


def _summary_section(
    ctx: _Context, has_reference: bool, drivers: bool, sem: bool = False
) -> list[str]:
    survey = ctx.survey
    inst = survey.instrument
    sentences: list[str] = [
        f"{survey.n_respondents} respondents rated {inst.n_items} items in "
        f"{len(inst.dimensions)} dimensions of {inst.name}."
    ]
    parts: list[Callable[[], Any]] = []
    if has_reference:
        parts.append(lambda: _summary_gaps(ctx))
    parts.append(lambda: [_summary_reliability(ctx)])
    if has_reference:
        for name in ctx.by:
            parts.append(functools.partial(lambda n: [_summary_segment(ctx, n)], name))
    if ctx.check_invariance:
        for name in ctx.by:
            parts.append(functools.partial(lambda n: [_summary_invariance(ctx, n)], name))
    if drivers and ctx.outcome is not None:
        parts.append(lambda: [_summary_driver(ctx)])
    if sem and ctx.outcome is not None:
        parts.append(lambda: [_summary_sem(ctx)])
    for part in parts:
        try:
            sentences += [s for s in part() if s]
        except ServqualError:
            continue  # the section itself shows why
    items = "".join(f"<li>{html.escape(s)}</li>" for s in sentences)
    return [f"<ul class='summary'>{items}</ul>"]


# --------------------------------------------------------------------------- sections
def _sample_section(ctx: _Context, original: Survey, excluded: Sequence[str]) -> list[str]:
    survey = ctx.survey
    inst = survey.instrument
    dims = ", ".join(f"{d.name} ({len(d.items)})" for d in inst.dimensions)
    facts = pd.DataFrame(
        {
            "value": [
                inst.name,
                inst.perspective,
                str(inst.scale),
                ", ".join(inst.ratings),
                dims,
                ", ".join(excluded) if excluded else "none",
                original.n_respondents,
                original.n_incomplete,
                original.nan_policy,
                len(original.dropped_rows),
                "yes" if survey.weights is not None else "no",
            ]
        },
        index=pd.Index(
            [
                "instrument",
                "perspective",
                "scale",
                "ratings",
                "dimensions (items)",
                "items left out",
                "respondents",
                "incomplete respondents",
                "missing-data policy",
                "rows dropped",
                "survey weights",
            ],
            name="",
        ),
    )
    parts = [ctx.table(facts, "sample-facts")]
    if ctx.by:
        parts.append("<h3>Segments</h3>")
        for name in ctx.by:
            counts = survey.segment(name).value_counts(sort=False, dropna=False)
            frame = counts.rename("n").to_frame()
            frame.index = frame.index.astype(str).rename(str(name))
            order = ctx.by[name]
            if order is not None:
                frame = frame.reindex([*order, *[g for g in frame.index if g not in order]])
                frame["n"] = frame["n"].fillna(0).astype(int)
            parts.append(ctx.table(frame, f"segment-{_slug(str(name))}"))
    parts.append("<h3>Item ratings</h3>")
    parts.append(ctx.table(survey.describe(), "describe", scroll=True))
    return parts


def _gap_section(ctx: _Context) -> list[str]:
    survey = ctx.survey
    total = survey.n_respondents
    parts: list[str] = []
    dim = ctx.gaps("dimension")
    dframe = dim.to_frame()
    parts.append(_meta(dim, dframe, total))
    parts.append("<h3>Dimension level</h3>")
    parts.append(ctx.table(dframe, "gaps-dimension"))
    parts.append(
        ctx.chart(
            "plot_gaps",
            dim,
            "Dimension gaps with confidence intervals",
            sort=ctx.sort,
            figsize=(7.0, 3.6),
        )
    )
    if survey.instrument.perspective != "value":
        parts.append(
            ctx.chart(
                "plot_radar",
                dim,
                "Perception and reference per dimension",
                polar=True,
                figsize=(6.5, 5.0),
            )
        )
    overall = ctx.gaps("overall")
    parts.append("<h3>Overall</h3>")
    parts.append(ctx.table(overall.to_frame(), "gaps-overall"))
    if survey.importance is not None or survey.instrument.weights is not None:
        try:
            weighted = gap_scores(survey, level="overall", weighted=True)
            parts.append("<p>Importance-weighted overall score:</p>")
            parts.append(ctx.table(weighted.to_frame(), "gaps-overall-weighted"))
        except ServqualError as exc:
            parts.append(_error_html(exc))
    item = ctx.gaps("item")
    iframe = item.to_frame()
    parts.append("<h3>Item level</h3>")
    parts.append(_meta(item, iframe, total))
    parts.append(ctx.table(iframe, "gaps-item", scroll=True))
    h = max(3.0, 0.28 * len(iframe) + 1.0)
    parts.append(
        ctx.chart(
            "plot_gaps",
            item,
            "Item gaps with confidence intervals",
            sort=ctx.sort,
            figsize=(7.0, h),
        )
    )
    parts.append(
        ctx.chart(
            "plot_snake", item, "Snake plot: perception and reference per item", figsize=(9.0, 4.0)
        )
    )
    for name in ctx.by:
        parts.append(f"<h3>By {html.escape(str(name))}</h3>")
        try:
            seg = ctx.segment(name, ctx.level)
            parts += seg.notes()
            if seg.survey is None:
                parts.append(_note(f"No {name} group has enough respondents for gap scores."))
                continue
            res = gap_scores(
                seg.survey, level=ctx.level, by=name, invariance=ctx.invariance_note_source(name)
            )
        except ServqualError as exc:
            parts.append(_error_html(exc))
            continue
        frame = res.to_frame()
        if res.invariance_note:
            parts.append(f"<p class='meta'>{html.escape(res.invariance_note)}</p>")
        parts.append(ctx.table(frame, f"gaps-by-{_slug(str(name))}", scroll=True))
        h = max(3.5, 0.22 * len(frame) + 1.2)
        parts.append(ctx.chart("plot_gaps", res, f"Gaps by {name}", figsize=(7.5, h)))
    return parts


def _tolerance_section(ctx: _Context) -> list[str]:
    parts = []
    for lev in ("dimension", "item"):
        res = tolerance_zone(ctx.survey, level=lev)
        parts.append(f"<h3>{lev.capitalize()} level</h3>")
        parts.append(ctx.table(res.to_frame(), f"tolerance-{lev}", scroll=lev == "item"))
        h = max(3.0, 0.3 * len(res.index) + 1.2)
        parts.append(
            ctx.chart("plot_tolerance", res, f"Zone of tolerance ({lev} level)", figsize=(7.0, h))
        )
    return parts


_SCORE_TITLES = {
    "perception": "Perception scores",
    "expectation": "Expectation scores",
    "gap": "Gap scores (P − E)",
    "msa": "Adequacy gap scores (MSA = P − A)",
    "mss": "Superiority gap scores (MSS = P − D)",
}


def _reliability_section(ctx: _Context) -> list[str]:
    survey = ctx.survey
    parts = ["<p>Cronbach's alpha of each dimension's items, with a 95% confidence interval.</p>"]
    scores = ["perception"]
    if survey.has_rating("E"):
        scores += ["expectation", "gap"]
    elif survey.has_rating("A") and survey.has_rating("D"):
        scores += ["msa", "mss"]  # the two gaps of the three-column format
    for score in scores:
        parts.append(f"<h3>{html.escape(_SCORE_TITLES[score])}</h3>")
        try:
            res = ctx.alpha(score)
        except ServqualError as exc:
            parts.append(_error_html(exc))
            continue
        frame = res.to_frame()
        parts.append(_meta(res, frame, survey.n_respondents))
        parts.append(ctx.table(frame, f"alpha-{score}"))
    if survey.has_rating("E"):
        parts.append("<h3>Reliability of the difference score</h3>")
        try:
            dres = difference_reliability(survey)
            frame = dres.to_frame()
            parts.append(_meta(dres, frame, survey.n_respondents))
            parts.append(ctx.table(frame, "difference-reliability"))
        except ServqualError as exc:
            parts.append(_error_html(exc))
    return parts


def _tests_section(ctx: _Context) -> list[str]:
    survey = ctx.survey
    res = paired_tests(survey, level=ctx.level, p_adjust="holm")
    frame = res.to_frame()
    parts = [
        _meta(res, frame, survey.n_respondents),
        ctx.table(frame, f"tests-{ctx.level}", scroll=True),
    ]
    for name in ctx.by:
        parts.append(f"<h3>Differences between {html.escape(str(name))} groups</h3>")
        try:
            seg = ctx.segment(name, "dimension")
            parts += seg.notes()
            if len(seg.kept) < 2:
                parts.append(
                    _note(
                        f"Fewer than two {name} groups have {MIN_GROUP_N} or more respondents "
                        f"({', '.join(seg.kept) or 'none'}): there is nothing to compare."
                    )
                )
                continue
            cg = ctx.comparison(name)
        except ServqualError as exc:
            parts.append(_error_html(exc))
            continue
        cframe = cg.to_frame()
        parts.append(_meta(cg, cframe, survey.n_respondents))
        parts.append(ctx.table(cframe, f"compare-{_slug(str(name))}", scroll=True))
        desc = cg.descriptives
        parts.append(ctx.table(desc, f"compare-{_slug(str(name))}-groups", scroll=True))
    return parts


INVARIANCE_TITLE = "Measurement invariance"

#: the columns of the invariance table shown in the report, in this order
_INVARIANCE_COLUMNS = (
    "chisq",
    "df",
    "cfi",
    "tli",
    "rmsea",
    "srmr",
    "bic",
    "reference",
    "chisq_diff",
    "df_diff",
    "p_value",
    "delta_cfi",
    "delta_rmsea",
    "decision",
    "freed",
)


def _invariance_consequence(res: InvarianceResult, name: str, score: str) -> str:
    """What the established level means for the report's comparisons of ``name``."""
    where = (
        f"the gap scores by {name} and the differences between {name} groups (Significance tests)"
    )
    if res.scalar_established:
        partial = (
            f" Invariance is partial ({', '.join(res.freed)} free across groups): the "
            "dimension scores still contain those items, so a difference that rests on "
            "them is the least secure."
            if res.freed
            else ""
        )
        text = (
            f"Consequence: the {name} groups read the {score} items alike up to their "
            f"intercepts, so {where} can be read as differences in the service rather than "
            f"in the way the questionnaire was understood.{partial}"
        )
    elif res.established == "metric":
        text = (
            f"Consequence: loadings are equal but intercepts are not, so relationships "
            f"(correlations, driver weights) are comparable across the {name} groups, but "
            f"{where} may partly reflect how the groups use the items; those tables carry "
            "a warning."
        )
    else:
        text = (
            f"Consequence: the {name} groups do not share the measurement model beyond "
            f"its form, so {where} may reflect how the groups read the questionnaire "
            "rather than the service; those tables carry a warning."
        )
    if score == "perception":
        text += (
            " The test concerns the perception items; a gap score also rests on the "
            "reference ratings (expectations), whose invariance is not tested here."
        )
    return text


def _invariance_section(ctx: _Context) -> list[str]:
    score = ctx.score
    model = "the model given" if ctx.model is not None else "the instrument's dimensions"
    parts = [
        "<p>Are differences between segment groups real, or do the groups read the "
        "questionnaire differently? Multi-group confirmatory factor models of "
        f"{model} ({html.escape(score)} items, maximum likelihood) are fitted with "
        "increasingly equal parameters across the groups: configural (the same form), "
        "metric (equal loadings), scalar (also equal intercepts) and strict (also equal "
        "residual variances; Meredith, 1993). Means and gap scores can be compared "
        "only when scalar invariance holds. Where a step fails, the constraints whose "
        "release helps most (score tests) are freed one by one for a partial-invariance "
        "model (Byrne, Shavelson &amp; Muthén, 1989).</p>"
    ]
    for name in ctx.by:
        parts.append(f"<h3>By {html.escape(str(name))}</h3>")
        try:
            seg = ctx.segment(name, "dimension")
            parts += seg.notes()
            if len(seg.kept) < 2:
                parts.append(
                    _note(
                        f"Fewer than two {name} groups have {MIN_GROUP_N} or more respondents "
                        f"({', '.join(seg.kept) or 'none'}): there is nothing to compare."
                    )
                )
                continue
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                res = ctx.invariance(name)
        except ServqualError as exc:
            parts.append(_error_html(exc))
            continue
        if res is None:  # pragma: no cover - kept >= 2 always fits
            continue
        slug = _slug(str(name))
        frame = res.to_frame()
        table = frame[[c for c in _INVARIANCE_COLUMNS if c in frame.columns]].copy()
        table["df"] = table["df"].astype(int)
        table["df_diff"] = table["df_diff"].astype("Int64")
        head = res.header.split("\n")[0]
        parts.append(f"<p class='meta'>{html.escape(head)}</p>")
        parts.append(ctx.table(table, f"invariance-{slug}", scroll=True))
        parts.append(
            ctx.chart(
                "plot_invariance",
                res,
                f"Fit of each invariance step by {name} (filled: holds, cross: fails; "
                "labels: the change against the step compared with)",
                figsize=(6.5, 3.4),
            )
        )
        parts.append(f"<p><b>{html.escape(res.verdict)}</b></p>")
        releases = res.releases
        if releases is not None and not releases.empty:
            failed = next(
                (str(k) for k, v in frame["decision"].items() if v == "fails"), "the step"
            )
            freed = [str(p) for p in releases.index[releases["released"].to_numpy(bool)]]
            parts.append(
                f"<p>The {html.escape(failed)} step failed. Score tests of its equality "
                "constraints (lavaan's lavTestScore; the largest univariate statistic of each "
                "parameter's constraints) rank the parameters whose release improves the fit "
                "most; "
                + (
                    f"freed in the partial model: {html.escape(', '.join(freed))}."
                    if freed
                    else "none could be freed (every factor keeps two invariant indicators)."
                )
                + "</p>"
            )
            cols = [c for c in ("X2", "df", "p_value", "released") if c in releases.columns]
            parts.append(ctx.table(releases[cols], f"invariance-{slug}-releases", scroll=True))
        parts.append(_note(res.rule))
        parts.append(f"<p>{html.escape(_invariance_consequence(res, str(name), score))}</p>")
        parts += _warning_notes(caught)
    return parts


def _drivers_section(ctx: _Context) -> list[str]:
    survey = ctx.survey
    res = ctx.drivers()
    outcome = res.outcome
    unit = ctx.driver_unit()
    parts = []
    if unit == "item":
        parts.append(
            "<p class='note'>The instrument has fewer than three quality dimensions, "
            "so drivers and the importance–performance map are given per item.</p>"
        )
    parts += [
        f"<p class='meta'>{html.escape(res.header)}</p>",
        ctx.table(res.to_frame(), "key-drivers"),
    ]
    h = max(3.0, 0.3 * len(res.index) + 1.2)
    parts.append(ctx.chart("plot_drivers", res, f"Key drivers of {outcome}", figsize=(7.0, h)))
    try:
        kind: Literal["stated", "derived"] = (
            "stated" if survey.importance is not None and unit == "dimension" else "derived"
        )
        ip = importance_performance(survey, importance=kind, outcome=outcome, level=unit)
        parts.append("<h3>Importance–performance</h3>")
        parts.append(ctx.table(ip.to_frame(), "ipa"))
        parts.append(ctx.chart("plot_ipa", ip, "Importance–performance map", figsize=(6.5, 5.0)))
    except ServqualError as exc:
        parts.append(_error_html(exc))
    return parts


SEM_TITLE = "From quality to outcomes (structural model)"

#: Hu & Bentler's (1999) cut-offs: (fit measure, label, good when at least/at most, bound)
_FIT_CUTOFFS: tuple[tuple[str, str, str, float], ...] = (
    ("cfi", "CFI", "≥", 0.95),
    ("rmsea", "RMSEA", "≤", 0.06),
    ("srmr", "SRMR", "≤", 0.08),
)
_CUTOFF_TEXT = "CFI ≥ .95, RMSEA ≤ .06, SRMR ≤ .08; Hu & Bentler, 1999"


def _fit_misses(fm: pd.Series) -> tuple[list[str], list[str]]:
    """The fit measures beyond their cut-off, and those that cannot be judged (NaN)."""
    misses, unknown = [], []
    for key, label, side, bound in _FIT_CUTOFFS:
        value = float(fm[key])
        if not np.isfinite(value):
            unknown.append(label)
        elif (value < bound) if side == "≥" else (value > bound):
            misses.append(f"{label} = {_num(value, 3)}")
    return misses, unknown


def _fit_values(fm: pd.Series) -> str:
    return ", ".join(f"{label} = {_num(fm[key], 3)}" for key, label, _, _ in _FIT_CUTOFFS)


def _fit_verdict(fm: pd.Series) -> str:
    """One sentence judging the fit by the usual cut-offs."""
    if float(fm["df"]) == 0:
        return (
            "The model is saturated (df = 0): it reproduces the covariances exactly, so its "
            "fit cannot be tested."
        )
    misses, unknown = _fit_misses(fm)
    if unknown:
        return (
            f"The fit cannot be fully judged: {_join(unknown)} could not be computed "
            f"({_fit_values(fm)}; usual cut-offs {_CUTOFF_TEXT})."
        )
    if not misses:
        return f"The model fits well by the usual cut-offs ({_CUTOFF_TEXT}): {_fit_values(fm)}."
    return (
        f"The model falls short of the usual cut-offs ({_CUTOFF_TEXT}) on {_join(misses)}; "
        "read its paths with care."
    )


def _sem_paths(res: SEMResult, outcome: str) -> pd.DataFrame:
    """The regressions of the outcome on the dimensions, one row per dimension."""
    paths = res.estimates("~")
    paths = paths[paths["lhs"] == outcome]
    frame = paths[["est", "se", "z", "p_value", "ci_low", "ci_high", "std_all"]].copy()
    frame.index = pd.Index(paths["rhs"].astype(str), name="dimension")
    return frame


def _sem_section(ctx: _Context) -> list[str]:
    outcome = ctx.outcome
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = ctx.structural()
    assert outcome is not None  # structural() raised otherwise
    fm = res.fit_measures()
    parts = [
        "<p>Structural equation model (maximum likelihood, <code>servqual.sem</code>): each "
        f"quality dimension is a latent factor of its {html.escape(ctx.score)} items, and "
        f"{html.escape(outcome)} is regressed on the dimensions.</p>",
        f"<p class='meta'>{html.escape(res.estimator.upper())} · {len(res.latent)} latent "
        f"factors · {len(res.observed)} observed variables · {res.npar} free parameters · "
        f"n = {res.n} (complete rows)</p>",
        *_warning_notes(caught),
    ]
    if res.improper:
        parts.append(
            _note(
                "The solution is improper, so the numbers below are shown for diagnosis, "
                "not for interpretation."
            )
        )
    parts.append("<h3>Model fit</h3>")
    parts.append(f"<p>{html.escape(_fit_verdict(fm))}</p>")
    keys = [
        "chisq",
        "df",
        "pvalue",
        "cfi",
        "tli",
        "rmsea",
        "rmsea_ci_lower",
        "rmsea_ci_upper",
        "srmr",
    ]
    fit = pd.DataFrame([fm[keys].to_numpy()], columns=keys, index=pd.Index(["model"], name=""))
    fit["df"] = fit["df"].astype(int)
    parts.append(ctx.table(fit, "sem-fit"))
    parts.append("<h3>Structural paths</h3>")
    r2 = float(res.r_squared().get(outcome, np.nan))
    parts.append(
        f"<p class='meta'>Paths from each dimension to {html.escape(outcome)}; "
        f"R² of {html.escape(outcome)} = {_num(r2, 3)} (the dimensions together explain "
        f"{_num(100 * r2, 1)}% of its variance). β is the completely standardized path "
        "(std.all); SE, z, p and the interval are those of the unstandardized b.</p>"
    )
    parts.append(ctx.table(_sem_paths(res, outcome), "sem-paths"))
    n_boxes = max(len(res.observed), 2 * len(res.latent))
    h = min(12.0, max(4.5, 0.3 * n_boxes + 1.0))
    parts.append(
        ctx.chart(
            "plot_sem",
            res,
            f"Path diagram of the structural model (standardized estimates): dimensions → "
            f"{outcome}",
            figsize=(6.5, h),
        )
    )
    return parts


def _factor_section(ctx: _Context) -> list[str]:
    survey, score = ctx.survey, ctx.score
    parts = [f"<p>Exploratory analysis of the {html.escape(score)} items.</p>"]
    for func, label, table_id in (
        (kmo, "Sampling adequacy", "kmo"),
        (bartlett_sphericity, "Sphericity", "bartlett"),
    ):
        try:
            test = func(survey, score=score)
            parts.append(f"<h3>{label}</h3><p class='meta'>{html.escape(test.header)}</p>")
            parts.append(ctx.table(test.to_frame(), table_id, scroll=True))
        except ServqualError as exc:
            parts.append(_error_html(exc))
    n_factors = len(survey.instrument.quality_dimensions)
    parts.append("<h3>Parallel analysis</h3>")
    try:
        pa = parallel_analysis(survey, rng=0, score=score)
        n_factors = max(1, int(pa.n_factors))
        parts.append(f"<p class='meta'>{html.escape(pa.header)}</p>")
        parts.append(ctx.table(pa.to_frame(), "parallel-analysis", scroll=True))
        parts.append(ctx.chart("plot_scree", pa, "Scree plot and parallel analysis"))
    except ServqualError as exc:
        parts.append(_error_html(exc))
    parts.append("<h3>Exploratory factor analysis</h3>")
    try:
        fa = efa(survey, n_factors=n_factors, score=score)
        parts.append(f"<p class='meta'>{html.escape(fa.header)}</p>")
        parts.append(ctx.table(fa.to_frame(), "efa-loadings", scroll=True))
        h = max(4.0, 0.3 * len(fa.index) + 1.0)
        parts.append(ctx.chart("plot_loadings", fa, "Factor loadings", figsize=(6.5, h)))
    except ServqualError as exc:
        parts.append(_error_html(exc))
    return parts


def _validity_section(ctx: _Context) -> list[str]:
    survey, score = ctx.survey, ctx.score
    fit = _cfa(survey, ctx.model, score=score)
    model = "the model given" if ctx.model is not None else "the instrument's dimensions"
    parts = [
        f"<p>Confirmatory factor analysis of {model} ({html.escape(score)} items).</p>",
        f"<p class='meta'>{html.escape(fit.header)}</p>",
        ctx.table(fit.fit_measures().rename("value").to_frame(), "cfa-fit"),
    ]
    try:
        res = discriminant_validity(fit)
        parts.append("<h3>Convergent and discriminant validity</h3>")
        parts.append(f"<p class='meta'>{html.escape(res.header)}</p>")
        parts.append(ctx.table(res.to_frame(), "validity"))
    except ServqualError as exc:
        parts.append(_error_html(exc))
    try:
        ratios = htmt(survey, ctx.model, score=score)
        parts.append("<h3>Heterotrait–monotrait ratio</h3>")
        parts.append(f"<p class='meta'>{html.escape(ratios.header)}</p>")
        parts.append(ctx.table(ratios.to_frame(), "htmt", scroll=True))
    except ServqualError as exc:
        parts.append(_error_html(exc))
    return parts


def _likert_section(ctx: _Context) -> list[str]:
    lev = ctx.level
    parts = []
    for letter in ctx.survey.instrument.ratings:
        if letter not in ("P", "E", "A", "D"):
            continue
        res = likert_distribution(ctx.survey, rating=letter, level=lev)
        h = max(3.0, 0.3 * len(res.index) + 1.6)
        parts.append(
            ctx.chart(
                "plot_likert",
                res,
                f"Answer distribution: {res.rating_name} ({lev} level)",
                figsize=(8.0, h),
            )
        )
    return parts


def _glossary_section(ctx: _Context) -> list[str]:
    entries = {**ctx.glossary, **_GLOSSARY_EXTRA}
    rows = "".join(
        f"<div><dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd></div>" for k, v in entries.items()
    )
    return [
        "<p>What the column labels of the tables mean (hover a column head for the same).</p>",
        f"<dl class='glossary'>{rows}</dl>",
    ]


@dataclass
class _Section:
    title: str
    build: Callable[[], list[str]]
    parts: list[str] = field(default_factory=list)
    notes: bool = True


def _check_by(survey: Survey, by: Any) -> dict[str, list[str] | None]:
    """``by=`` as {segment: levels in order, or None for the survey's order}."""
    if by is None:
        segs = survey.segments
        return {} if segs is None else {str(c): None for c in segs.columns}
    if isinstance(by, str):
        by = [by]
    if isinstance(by, Mapping):
        spec = {str(k): (None if v is None else [str(x) for x in v]) for k, v in by.items()}
    elif isinstance(by, Sequence):
        spec = {str(k): None for k in by}
    else:
        raise DataError(
            f"by must be a segment name, a list of them or a mapping segment → levels; "
            f"got {type(by).__name__}."
        )
    for name, levels in spec.items():
        seg = survey.segment(name)  # MissingColumnError for an unknown segment
        if levels is not None:
            have = [str(c) for c in seg.cat.categories]
            unknown = [g for g in levels if g not in have]
            if unknown:
                raise DataError(
                    f"by: segment {name!r} has no level(s) {unknown}; its levels are {have}."
                )
    return spec


# --------------------------------------------------------------------------- report
def report(
    survey: Survey,
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
    by: str | Sequence[str] | Mapping[str, Sequence[str] | None] | None = None,
    outcome: str | None = None,
    score: str = "perception",
    model: Mapping[str, Sequence[str]] | None = None,
    exclude: Sequence[str] = (),
    level: Literal["dimension", "item"] = "dimension",
    summary: bool = True,
    tolerance: bool = True,
    reliability: bool = True,
    tests: bool = True,
    drivers: bool = True,
    factor: bool = True,
    validity: bool = True,
    likert: bool = True,
    sem: bool = True,
    invariance: bool = True,
    labels: Literal["code", "label", "text"] = "code",
    sort: bool = False,
    dpi: int = 100,
    progress: bool | None = None,
) -> Path:
    """Write a self-contained HTML report of a survey and return its path.

    The report opens with an executive summary — the largest shortfalls and
    strengths with their confidence intervals, what a negative gap means, whether
    the scales are reliable, which segment differs, whether the segments can be
    compared (scalar invariance), the top key driver and the strongest path of the
    structural model, each a sentence with the numbers — followed by the sample, gap
    tables and charts at dimension and item level (and by each segment), the zone of
    tolerance for three-column instruments, reliability, measurement invariance
    across the segments, paired tests and segment comparisons, key drivers, factor
    structure, the measurement model, the structural model from the quality
    dimensions to the outcome, answer distributions and a glossary of the column
    labels. Figures are embedded as base64 PNG and the CSS is inline, so the single file opens anywhere without network access; its print
    style sheet keeps table rows and figures whole and repeats table heads, so the
    browser's *Print → PDF* gives a complete document.

    Parameters
    ----------
    survey : Survey
        Validated responses.
    path : str or path-like
        Output file (``.html``); parent folders are created.
    title : str, optional
        Page title (default: the instrument name).
    by : str, list of str or mapping, optional
        Segments to analyse, in this order (default: every segment of the survey).
        A mapping ``{segment: [level, ...]}`` also orders the segment's groups;
        groups it does not list are left out (with a note), ``None`` keeps them all.
    outcome : str, optional
        Outcome rating explained by the key drivers and the structural model
        (default: the survey's first).
    score : str, default "perception"
        Item score analysed by the factor-structure, measurement-model and
        structural-model sections (``"perception"``, ``"expectation"``, ``"gap"`` ...).
    model : mapping of str to list of str, optional
        Measurement model of the CFA and HTMT (factor → item codes; default: the
        instrument's quality dimensions).
    exclude : sequence of str
        Item codes to leave out of every analysis (a dimension left without items
        is dropped).
    level : {"dimension", "item"}
        Level of the by-segment gaps, the paired tests and the answer
        distributions (gap tables are always given at both levels).
    summary : bool
        Start with the executive summary.
    tolerance, reliability, tests, drivers, factor, validity, likert : bool
        Include the zone-of-tolerance (three-column instruments only),
        reliability, paired-test, key-driver (surveys with outcomes), factor
        analysis (KMO, Bartlett, parallel analysis, EFA), measurement-model (CFA,
        composite reliability, AVE, Fornell–Larcker, HTMT) and
        answer-distribution sections.
    sem : bool
        Include the structural model "From quality to outcomes" (surveys with
        outcomes): :func:`servqual.sem` with each quality dimension a latent factor
        of its ``score`` items and ``outcome`` regressed on them; its fit measures
        with a verdict by Hu & Bentler's (1999) cut-offs (CFI ≥ .95, RMSEA ≤ .06,
        SRMR ≤ .08), the standardized paths with R² of the outcome and the path
        diagram.
    invariance : bool, default True
        Include the "Measurement invariance" section when the survey has segments: for
        each segment of ``by`` with at least two analysed groups,
        :func:`servqual.measurement_invariance` of the ``score`` items (ML, the
        instrument's dimensions or ``model``) across those groups — the step table
        (configural, metric, scalar, strict: fit measures, χ² difference tests, ΔCFI,
        ΔRMSEA, decision), the verdict, the score tests and freed parameters when a step
        failed, the decision rule (ΔCFI > −.010, Cheung & Rensvold, 2002; ΔRMSEA < .015,
        Chen, 2007) and what it means for the segment comparisons. The gaps by segment
        and the comparisons between segment groups then say in their caption whether
        scalar invariance was established (and warn when it was not), and the summary
        gains one sentence per segment. The fits take a few seconds per segment (about
        6 s for the 22 items of the retail bank example in three groups on an idle
        2-core machine); switch them
        off with ``invariance=False`` (CLI ``--no-invariance``). A group with fewer
        complete answers than the model has items + 1, or a fit that fails, shows the
        message in the section and leaves the comparisons without the note.
    labels : {"code", "label", "text"}
        How tables and charts name items and dimensions: their codes (``TAN1``,
        ``tangibles``), the instrument's labels, or the item wording.
    sort : bool
        Sort gap charts by gap instead of the instrument order.
    dpi : int
        Resolution of the embedded figures.
    progress : bool, optional
        Show a progress bar (default: only on a terminal or in a notebook).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    InstrumentError
        ``survey`` is not a Survey, or ``level`` is not "dimension" or "item".
    MissingColumnError
        ``by`` names a segment, ``outcome`` an outcome or ``exclude`` an item the
        survey does not have.
    DataError
        ``by`` names a level its segment does not have, or ``score`` is unknown.

    Notes
    -----
    The report composes results of :func:`servqual.gap_scores`,
    :func:`servqual.tolerance_zone`, :func:`servqual.cronbach_alpha`,
    :func:`servqual.paired_tests`, :func:`servqual.compare_groups`,
    :func:`servqual.key_drivers`, :func:`servqual.importance_performance`,
    :func:`servqual.kmo`, :func:`servqual.bartlett_sphericity`,
    :func:`servqual.parallel_analysis`, :func:`servqual.efa`, :func:`servqual.cfa`,
    :func:`servqual.discriminant_validity`, :func:`servqual.htmt`, :func:`servqual.sem`,
    :func:`servqual.measurement_invariance`, :func:`servqual.likert_distribution` and the
    matching ``plot_*`` functions.
    Reliability is given for perceptions and, where the ratings exist, for
    expectations and P − E gaps (two-column format) or MSA and MSS (three-column
    format). Key drivers and the importance–performance map use the dimensions,
    or the items when the instrument has fewer than three quality dimensions
    (the value instrument).

    Segments: a group none of whose respondents has the gap scores (a "never
    used" group that skipped the ratings) is left out of its segment's tables and
    tests with a note; a group with fewer than 2 respondents in some unit is listed
    with its n and left out too (a gap interval and the Welch tests need a
    variance); the other groups are analysed. A section whose statistic raises a
    :class:`~servqual.ServqualError` for this survey shows the message instead of
    stopping the report. Tables show numbers rounded to three decimals and
    p-values as ``.012`` or ``< .001`` (the formatter of the notebook display, with
    APA p-values); use the functions themselves for full precision.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import servqual as sq
    >>> survey = sq.load_example("retail_bank")
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = sq.report(survey, pathlib.Path(tmp) / "bank.html", tests=False, likert=False,
    ...                     invariance=False)
    ...     text = out.read_text(encoding="utf-8")
    >>> "Gap scores" in text and 'src="http' not in text
    True
    """
    if not isinstance(survey, Survey):
        raise InstrumentError(
            f"report() needs a servqual Survey, got {type(survey).__name__}; build one with "
            "sq.Survey(df, instrument) or sq.load_example(...)."
        )
    if level not in ("dimension", "item"):
        raise InstrumentError(f"level must be 'dimension' or 'item', got {level!r}.")
    if labels not in _labels.LABEL_CHOICES:
        raise DataError(
            f"labels={labels!r} is not allowed; use one of {list(_labels.LABEL_CHOICES)}."
        )
    if not isinstance(path, str | os.PathLike):
        raise DataError(f"path must be a file name for the HTML report, got {type(path).__name__}.")
    if isinstance(exclude, str):
        exclude = [exclude]
    exclude = [str(c) for c in exclude]
    original = survey
    if exclude:
        survey = _exclude_items(survey, exclude)
    spec = _check_by(survey, by)
    survey.item_scores(score)  # DataError for an unknown score
    outcomes = survey.outcomes
    if outcome is not None:
        survey.outcome(outcome)  # MissingColumnError for an unknown outcome
    elif outcomes is not None and len(outcomes.columns):
        outcome = str(outcomes.columns[0])
    out = Path(path)
    if out.is_dir():
        raise DataError(
            f"{str(out)!r} is a directory; pass the report's file name, e.g. "
            f"{str(out / 'report.html')!r}."
        )
    inst = survey.instrument
    title = title if title is not None else f"{inst.name}: service-quality report"
    ctx = _Context(
        survey=survey,
        level=level,
        sort=sort,
        dpi=int(dpi),
        by=spec,
        outcome=outcome,
        score=score,
        model=model,
        labels=labels,
        check_invariance=bool(invariance),
    )
    has_reference = inst.perspective != "performance" and bool(inst.references)
    sections = []
    if summary:
        sections.append(
            _Section(
                "Summary",
                lambda: _summary_section(ctx, has_reference, drivers, sem),
                notes=False,
            )
        )
    sections.append(_Section("Sample", lambda: _sample_section(ctx, original, exclude)))
    if has_reference:
        sections.append(_Section("Gap scores", lambda: _gap_section(ctx)))
    if tolerance and survey.has_rating("A") and survey.has_rating("D"):
        sections.append(_Section("Zone of tolerance", lambda: _tolerance_section(ctx)))
    if reliability:
        sections.append(_Section("Reliability", lambda: _reliability_section(ctx)))
    if invariance and ctx.by:
        sections.append(_Section(INVARIANCE_TITLE, lambda: _invariance_section(ctx)))
    if tests and has_reference:
        sections.append(_Section("Significance tests", lambda: _tests_section(ctx)))
    if drivers and outcome is not None:
        sections.append(_Section("Key drivers", lambda: _drivers_section(ctx)))
    n_quality = len(inst.quality_dimensions)
    if factor:
        sections.append(_Section("Factor structure", lambda: _factor_section(ctx)))
    if validity and (n_quality >= 2 or model is not None):
        sections.append(_Section("Measurement model", lambda: _validity_section(ctx)))
    if sem and outcome is not None:
        sections.append(_Section(SEM_TITLE, lambda: _sem_section(ctx)))
    if likert:
        sections.append(_Section("Answer distributions", lambda: _likert_section(ctx)))
    glossary = _Section("Glossary", lambda: _glossary_section(ctx), notes=False)

    # the summary is written from the sections' results: build it after them
    order = [s for s in sections if s.title != "Summary"]
    order += [s for s in sections if s.title == "Summary"] + [glossary]
    with Progress(len(order), desc="servqual report", enabled=progress) as bar:
        for sec in order:
            bar.step(sec.title)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    sec.parts = sec.build()
                except ServqualError as exc:
                    sec.parts = [_error_html(exc)]
            if sec.notes:
                sec.parts += _warning_notes(caught)
            else:
                _warning_notes([w for w in caught if not issubclass(w.category, ServqualWarning)])
    sections.append(glossary)

    version = __version__
    stamp = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    nav = "".join(
        f'<li><a href="#{_slug(s.title)}">{html.escape(s.title)}</a></li>' for s in sections
    )
    body = "".join(
        f'<section id="{_slug(s.title)}"><h2>{html.escape(s.title)}</h2>{"".join(s.parts)}</section>'
        for s in sections
    )
    page = (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>"
        f"<p class='meta'>{html.escape(repr(survey))}<br>Generated {stamp} with servqual "
        f"{html.escape(version)}.</p>"
        f"<nav><ul>{nav}</ul></nav>{body}</body></html>\n"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return out
