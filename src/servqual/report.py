"""A self-contained HTML report of a survey: tables and charts in one file.

:func:`report` composes the results of the analysis modules (gap scores, zone of
tolerance, reliability, paired tests, key drivers ...) into one HTML file with
inline CSS and figures embedded as base64 PNG, so it can be e-mailed or archived
as is. It computes nothing of its own: every number comes from a public servqual
function, and a section whose statistic cannot be computed for this survey shows
that function's error message instead.
"""

from __future__ import annotations

import base64
import datetime as _dt
import functools
import html
import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import plotting
from ._progress import Progress
from ._version import __version__
from .exceptions import DataError, InstrumentError, ServqualError, ServqualWarning
from .plotting._export import render_png
from .survey import Survey

__all__ = ["report"]


_CSS = """
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:1100px;
margin:2em auto;padding:0 1.2em;color:#222;line-height:1.45}
h1{border-bottom:3px solid #0072B2;padding-bottom:.3em}
h2{margin-top:2.2em;border-bottom:1px solid #ccc;padding-bottom:.2em;color:#0b4f7c}
h3{margin-top:1.5em;color:#333}
table.sq{border-collapse:collapse;font-size:.85em;margin:.6em 0 1.2em}
table.sq th,table.sq td{padding:.25em .6em;border-bottom:1px solid #e3e3e3;text-align:right}
table.sq th{background:#f3f6f9;text-align:left}
table.sq tbody tr:hover{background:#fafcff}
.meta{color:#555;font-size:.9em}
.error{background:#fff4f0;border-left:4px solid #D55E00;padding:.6em 1em;margin:.8em 0}
.note{color:#555;font-size:.88em}
figure{margin:1em 0}
figure img{max-width:100%;height:auto}
figcaption{font-size:.85em;color:#555}
nav ul{columns:2;font-size:.92em}
.scroll{max-height:32em;overflow:auto}
"""


# --------------------------------------------------------------------------- HTML pieces
def _fmt_number(v: Any) -> str:
    if isinstance(v, bool | np.bool_):
        return str(bool(v))
    if isinstance(v, int | np.integer):
        return str(int(v))
    if isinstance(v, float | np.floating):
        f = float(v)
        if np.isnan(f):
            return ""
        if f != 0.0 and abs(f) < 1e-3:
            return f"{f:.2e}"
        return f"{f:.3f}"
    return html.escape(str(v))


def _table_html(frame: pd.DataFrame, table_id: str, scroll: bool = False) -> str:
    """A result table as HTML; rounding happens only here, for display."""
    shown = frame.copy()
    out = shown.to_html(
        classes="sq",
        table_id=table_id,
        border=0,
        float_format=_fmt_number,
        na_rep="",
        escape=True,
    )
    return f'<div class="scroll">{out}</div>' if scroll else out


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


@dataclass
class _Section:
    title: str
    build: Callable[[], list[str]]
    parts: list[str] = field(default_factory=list)


def _chart(plot_name: str, result: Any, caption: str, *, dpi: int = 100, **kwargs: Any) -> str:
    kwargs["dpi"] = dpi
    draw = getattr(plotting, plot_name)
    return _figure_html(render_png(draw, result, **kwargs), caption)


Chart = Callable[..., str]


def _n_rows(result: Any) -> int:
    return len(result.index)


# --------------------------------------------------------------------------- sections
def _sample_section(survey: Survey) -> list[str]:
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
                survey.n_respondents,
                survey.n_incomplete,
                survey.nan_policy,
                len(survey.dropped_rows),
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
                "respondents",
                "incomplete respondents",
                "missing-data policy",
                "rows dropped",
                "survey weights",
            ],
            name="",
        ),
    )
    parts = [_table_html(facts, "sample-facts")]
    segments = survey.segments
    if segments is not None and len(segments.columns):
        parts.append("<h3>Segments</h3>")
        for name in segments.columns:
            counts = survey.segment(name).value_counts(sort=False, dropna=False)
            frame = counts.rename("n").to_frame()
            frame.index = frame.index.astype(str).rename(str(name))
            parts.append(_table_html(frame, f"segment-{_slug(str(name))}"))
    parts.append("<h3>Item ratings</h3>")
    parts.append(_table_html(survey.describe(), "describe", scroll=True))
    return parts


def _gap_section(
    survey: Survey, level: Literal["dimension", "item"], sort: bool, chart: Chart
) -> list[str]:
    from .gaps import gap_scores

    parts: list[str] = []
    dim = gap_scores(survey, level="dimension")
    parts.append(f"<p class='meta'>{html.escape(dim.header)}</p>")
    parts.append("<h3>Dimension level</h3>")
    parts.append(_table_html(dim.to_frame(), "gaps-dimension"))
    parts.append(
        chart(
            "plot_gaps",
            dim,
            "Dimension gaps with confidence intervals",
            sort=sort,
            figsize=(7.0, 3.6),
        )
    )
    if survey.instrument.perspective != "value":
        parts.append(
            chart(
                "plot_radar",
                dim,
                "Perception and reference per dimension",
                polar=True,
                figsize=(6.5, 5.0),
            )
        )
    overall = gap_scores(survey, level="overall")
    parts.append("<h3>Overall</h3>")
    parts.append(_table_html(overall.to_frame(), "gaps-overall"))
    if survey.importance is not None or survey.instrument.weights is not None:
        try:
            weighted = gap_scores(survey, level="overall", weighted=True)
            parts.append("<p>Importance-weighted overall score:</p>")
            parts.append(_table_html(weighted.to_frame(), "gaps-overall-weighted"))
        except ServqualError as exc:
            parts.append(_error_html(exc))
    item = gap_scores(survey, level="item")
    parts.append("<h3>Item level</h3>")
    parts.append(_table_html(item.to_frame(), "gaps-item", scroll=True))
    h = max(3.0, 0.28 * _n_rows(item) + 1.0)
    parts.append(
        chart("plot_gaps", item, "Item gaps with confidence intervals", sort=sort, figsize=(7.0, h))
    )
    parts.append(
        chart(
            "plot_snake", item, "Snake plot: perception and reference per item", figsize=(9.0, 4.0)
        )
    )
    segments = survey.segments
    if segments is not None:
        for name in segments.columns:
            parts.append(f"<h3>By {html.escape(str(name))}</h3>")
            try:
                seg = gap_scores(survey, level=level, by=str(name))
            except ServqualError as exc:
                parts.append(_error_html(exc))
                continue
            parts.append(_table_html(seg.to_frame(), f"gaps-by-{_slug(str(name))}", scroll=True))
            h = max(3.5, 0.22 * _n_rows(seg) + 1.2)
            parts.append(chart("plot_gaps", seg, f"Gaps by {name}", figsize=(7.5, h)))
    return parts


def _tolerance_section(survey: Survey, level: str, chart: Chart) -> list[str]:
    from .gaps import tolerance_zone

    parts = []
    for lev in ("dimension", "item"):
        res = tolerance_zone(survey, level=lev)
        parts.append(f"<h3>{lev.capitalize()} level</h3>")
        parts.append(_table_html(res.to_frame(), f"tolerance-{lev}", scroll=lev == "item"))
        h = max(3.0, 0.3 * _n_rows(res) + 1.2)
        parts.append(
            chart("plot_tolerance", res, f"Zone of tolerance ({lev} level)", figsize=(7.0, h))
        )
    return parts


_SCORE_TITLES = {
    "perception": "Perception scores",
    "expectation": "Expectation scores",
    "gap": "Gap scores (P − E)",
    "msa": "Adequacy gap scores (MSA = P − A)",
    "mss": "Superiority gap scores (MSS = P − D)",
}


def _reliability_section(survey: Survey) -> list[str]:
    from .reliability import cronbach_alpha as alpha
    from .reliability import difference_reliability as diff

    parts = ["<p>Cronbach's alpha of each dimension's items, with a 95% confidence interval.</p>"]
    scores = ["perception"]
    if survey.has_rating("E"):
        scores += ["expectation", "gap"]
    elif survey.has_rating("A") and survey.has_rating("D"):
        scores += ["msa", "mss"]  # the two gaps of the three-column format
    for score in scores:
        parts.append(f"<h3>{html.escape(_SCORE_TITLES[score])}</h3>")
        try:
            res = alpha(survey, score=score, level="dimension")
        except ServqualError as exc:
            parts.append(_error_html(exc))
            continue
        parts.append(f"<p class='meta'>{html.escape(res.header)}</p>")
        parts.append(_table_html(res.to_frame(), f"alpha-{score}"))
    if survey.has_rating("E"):
        parts.append("<h3>Reliability of the difference score</h3>")
        try:
            dres = diff(survey)
            parts.append(f"<p class='meta'>{html.escape(dres.header)}</p>")
            parts.append(_table_html(dres.to_frame(), "difference-reliability"))
        except ServqualError as exc:
            parts.append(_error_html(exc))
    return parts


def _tests_section(survey: Survey, level: Literal["dimension", "item"]) -> list[str]:
    from .groups import compare_groups as compare
    from .inference import paired_tests as paired

    res = paired(survey, level=level, p_adjust="holm")
    parts = [
        f"<p class='meta'>{html.escape(res.header)}</p>",
        _table_html(res.to_frame(), f"tests-{level}", scroll=True),
    ]
    segments = survey.segments
    if segments is not None:
        for name in segments.columns:
            parts.append(f"<h3>Differences between {html.escape(str(name))} groups</h3>")
            try:
                cg = compare(survey, by=str(name), level="dimension")
            except ServqualError as exc:
                parts.append(_error_html(exc))
                continue
            parts.append(f"<p class='meta'>{html.escape(cg.header)}</p>")
            parts.append(_table_html(cg.to_frame(), f"compare-{_slug(str(name))}", scroll=True))
    return parts


def _drivers_section(survey: Survey, chart: Chart) -> list[str]:
    from .drivers import importance_performance as ipa
    from .drivers import key_drivers

    outcomes = survey.outcomes
    if outcomes is None or not len(outcomes.columns):
        raise InstrumentError(
            "The survey has no outcome ratings (Survey(outcomes=...)); key-driver "
            "analysis needs an overall rating to explain."
        )
    outcome = str(outcomes.columns[0])
    # with fewer than three quality dimensions (e.g. the value instrument) a
    # ranking or quadrant map of dimensions says nothing: use the items instead
    unit: Literal["dimension", "item"] = (
        "dimension" if len(survey.instrument.quality_dimensions) >= 3 else "item"
    )
    res = key_drivers(survey, outcome=outcome, level=unit)
    parts = []
    if unit == "item":
        parts.append(
            "<p class='note'>The instrument has fewer than three quality dimensions, "
            "so drivers and the importance–performance map are given per item.</p>"
        )
    parts += [
        f"<p class='meta'>{html.escape(res.header)}</p>",
        _table_html(res.to_frame(), "key-drivers"),
    ]
    h = max(3.0, 0.3 * _n_rows(res) + 1.2)
    parts.append(chart("plot_drivers", res, f"Key drivers of {outcome}", figsize=(7.0, h)))
    try:
        kind: Literal["stated", "derived"] = (
            "stated" if survey.importance is not None and unit == "dimension" else "derived"
        )
        ip = ipa(survey, importance=kind, outcome=outcome, level=unit)
        parts.append("<h3>Importance–performance</h3>")
        parts.append(_table_html(ip.to_frame(), "ipa"))
        parts.append(chart("plot_ipa", ip, "Importance–performance map", figsize=(6.5, 5.0)))
    except ServqualError as exc:
        parts.append(_error_html(exc))
    return parts


def _factor_section(survey: Survey, chart: Chart) -> list[str]:
    from .factor import bartlett_sphericity, efa, kmo, parallel_analysis

    parts = ["<p>Exploratory analysis of the perception items.</p>"]
    for func, label, table_id in (
        (kmo, "Sampling adequacy", "kmo"),
        (bartlett_sphericity, "Sphericity", "bartlett"),
    ):
        try:
            test = func(survey)
            parts.append(f"<h3>{label}</h3><p class='meta'>{html.escape(test.header)}</p>")
            parts.append(_table_html(test.to_frame(), table_id, scroll=True))
        except ServqualError as exc:
            parts.append(_error_html(exc))
    n_factors = len(survey.instrument.quality_dimensions)
    parts.append("<h3>Parallel analysis</h3>")
    try:
        pa = parallel_analysis(survey, rng=0)
        n_factors = max(1, int(pa.n_factors))
        parts.append(f"<p class='meta'>{html.escape(pa.header)}</p>")
        parts.append(_table_html(pa.to_frame(), "parallel-analysis", scroll=True))
        parts.append(chart("plot_scree", pa, "Scree plot and parallel analysis"))
    except ServqualError as exc:
        parts.append(_error_html(exc))
    parts.append("<h3>Exploratory factor analysis</h3>")
    try:
        fa = efa(survey, n_factors=n_factors)
        parts.append(f"<p class='meta'>{html.escape(fa.header)}</p>")
        parts.append(_table_html(fa.to_frame(), "efa-loadings", scroll=True))
        h = max(4.0, 0.3 * _n_rows(fa) + 1.0)
        parts.append(chart("plot_loadings", fa, "Factor loadings", figsize=(6.5, h)))
    except ServqualError as exc:
        parts.append(_error_html(exc))
    return parts


def _validity_section(survey: Survey) -> list[str]:
    from .cfa import cfa
    from .validity import discriminant_validity as dv
    from .validity import htmt

    fit = cfa(survey)
    parts = [
        "<p>Confirmatory factor analysis of the instrument's dimensions (perception items).</p>",
        f"<p class='meta'>{html.escape(fit.header)}</p>",
        _table_html(fit.fit_measures().rename("value").to_frame(), "cfa-fit"),
    ]
    try:
        res = dv(fit)
        parts.append("<h3>Convergent and discriminant validity</h3>")
        parts.append(f"<p class='meta'>{html.escape(res.header)}</p>")
        parts.append(_table_html(res.to_frame(), "validity"))
    except ServqualError as exc:
        parts.append(_error_html(exc))
    try:
        ratios = htmt(survey)
        parts.append("<h3>Heterotrait–monotrait ratio</h3>")
        parts.append(f"<p class='meta'>{html.escape(ratios.header)}</p>")
        parts.append(_table_html(ratios.to_frame(), "htmt", scroll=True))
    except ServqualError as exc:
        parts.append(_error_html(exc))
    return parts


def _likert_section(survey: Survey, level: str, chart: Chart) -> list[str]:
    from .likert import likert_distribution as likert

    lev: Literal["item", "dimension"] = "item" if level == "item" else "dimension"
    parts = []
    for letter in survey.instrument.ratings:
        if letter not in ("P", "E", "A", "D"):
            continue
        res = likert(survey, rating=letter, level=lev)
        h = max(3.0, 0.3 * _n_rows(res) + 1.6)
        parts.append(
            chart(
                "plot_likert",
                res,
                f"Answer distribution: {res.rating_name} ({lev} level)",
                figsize=(8.0, h),
            )
        )
    return parts


# --------------------------------------------------------------------------- report
def report(
    survey: Survey,
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
    level: Literal["dimension", "item"] = "dimension",
    tolerance: bool = True,
    reliability: bool = True,
    tests: bool = True,
    drivers: bool = True,
    factor: bool = True,
    validity: bool = True,
    likert: bool = True,
    sort: bool = False,
    dpi: int = 100,
    progress: bool | None = None,
) -> Path:
    """Write a self-contained HTML report of a survey and return its path.

    The report holds a sample description, gap tables and charts at dimension and
    item level (and by each segment), the zone of tolerance for three-column
    instruments, reliability, paired tests, key drivers and answer distributions.
    Figures are embedded as base64 PNG and the CSS is inline, so the single file
    opens anywhere without network access.

    Parameters
    ----------
    survey : Survey
        Validated responses.
    path : str or path-like
        Output file (``.html``); parent folders are created.
    title : str, optional
        Page title (default: the instrument name).
    level : {"dimension", "item"}
        Level of the by-segment gaps, the paired tests and the answer
        distributions (gap tables are always given at both levels).
    tolerance, reliability, tests, drivers, factor, validity, likert : bool
        Include the zone-of-tolerance (three-column instruments only),
        reliability, paired-test, key-driver (surveys with outcomes), factor
        analysis (KMO, Bartlett, parallel analysis, EFA), measurement-model (CFA,
        composite reliability, AVE, Fornell–Larcker, HTMT) and
        answer-distribution sections.
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
        ``survey`` is not a Survey.

    Notes
    -----
    The report composes results of :func:`servqual.gap_scores`,
    :func:`servqual.tolerance_zone`, :func:`servqual.cronbach_alpha`,
    :func:`servqual.paired_tests`, :func:`servqual.compare_groups`,
    :func:`servqual.key_drivers`, :func:`servqual.importance_performance`,
    :func:`servqual.kmo`, :func:`servqual.bartlett_sphericity`,
    :func:`servqual.parallel_analysis`, :func:`servqual.efa`, :func:`servqual.cfa`,
    :func:`servqual.discriminant_validity`, :func:`servqual.htmt`,
    :func:`servqual.likert_distribution` and the matching ``plot_*`` functions.
    Reliability is given for perceptions and, where the ratings exist, for
    expectations and P − E gaps (two-column format) or MSA and MSS (three-column
    format). Key drivers and the importance–performance map use the dimensions,
    or the items when the instrument has fewer than three quality dimensions
    (the value instrument). A section whose statistic raises a :class:`~servqual.ServqualError` for this
    survey shows the message instead of stopping the report. Tables show numbers
    rounded to three decimals (very small p-values in scientific notation); use
    the functions themselves for full precision.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import servqual as sq
    >>> survey = sq.load_example("retail_bank")
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = sq.report(survey, pathlib.Path(tmp) / "bank.html", tests=False, likert=False)
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
    if not isinstance(path, str | os.PathLike):
        raise DataError(f"path must be a file name for the HTML report, got {type(path).__name__}.")
    out = Path(path)
    if out.is_dir():
        raise DataError(
            f"{str(out)!r} is a directory; pass the report's file name, e.g. "
            f"{str(out / 'report.html')!r}."
        )
    inst = survey.instrument
    title = title if title is not None else f"{inst.name}: service-quality report"
    chart = functools.partial(_chart, dpi=int(dpi))
    has_reference = inst.perspective != "performance" and bool(inst.references)
    sections = [_Section("Sample", lambda: _sample_section(survey))]
    if has_reference:
        sections.append(_Section("Gap scores", lambda: _gap_section(survey, level, sort, chart)))
    if tolerance and survey.has_rating("A") and survey.has_rating("D"):
        sections.append(
            _Section("Zone of tolerance", lambda: _tolerance_section(survey, level, chart))
        )
    if reliability:
        sections.append(_Section("Reliability", lambda: _reliability_section(survey)))
    if tests and has_reference:
        sections.append(_Section("Significance tests", lambda: _tests_section(survey, level)))
    if drivers and survey.outcomes is not None:
        sections.append(_Section("Key drivers", lambda: _drivers_section(survey, chart)))
    n_quality = len(inst.quality_dimensions)
    if factor:
        sections.append(_Section("Factor structure", lambda: _factor_section(survey, chart)))
    if validity and n_quality >= 2:
        sections.append(_Section("Measurement model", lambda: _validity_section(survey)))
    if likert:
        sections.append(
            _Section("Answer distributions", lambda: _likert_section(survey, level, chart))
        )

    with Progress(len(sections), desc="servqual report", enabled=progress) as bar:
        for sec in sections:
            bar.step(sec.title)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    sec.parts = sec.build()
                except ServqualError as exc:
                    sec.parts = [_error_html(exc)]
            sec.parts += _warning_notes(caught)

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
