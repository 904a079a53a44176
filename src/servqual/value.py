"""The value perspective: value index, willingness to pay more, gap → outcome links.

Value is what the customer receives against what the customer gives up
(Zeithaml, 1988). The value index is the gap of the ``value()`` instrument
(quality score − sacrifice score, from :func:`servqual.gap_scores`); willingness
to pay a premium comes from a yes/no column and/or a column of premiums; and the
link between gap scores and loyalty / value outcomes is a least-squares regression.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
import statsmodels.api as sm

from ._results import TableResult, result_class
from ._stats import t_interval, wilson_interval
from ._validation import check_confidence, check_magnitude, fmt_list
from ._vocab import check_level
from .exceptions import DataError, InstrumentError, InsufficientDataError
from .gaps import GapResult, gap_scores, respondent_scores
from .operations import _checks
from .survey import Survey, require_survey

__all__ = ["ValueLinkResult", "WtpResult", "value_index", "value_links", "wtp_premium"]

_YES = {"yes", "y", "true", "t", "1", "1.0", "ja", "oui", "si", "sí"}
_NO = {"no", "n", "false", "f", "0", "0.0", "nein", "non"}


def value_index(
    survey: Survey,
    *,
    by: str | Sequence[str] | None = None,
    level: Literal["dimension", "overall"] = "overall",
    confidence_level: float = 0.95,
) -> GapResult:
    """Value index: quality score minus sacrifice score, with t intervals.

    Parameters
    ----------
    survey : Survey
        A survey on an instrument with quality and sacrifice dimensions (the
        built-in ``value()`` instrument).
    by : str or list of str, optional
        Segment variable(s).
    level : {"dimension", "overall"}, default "overall"
        One row per quality dimension or the overall index.
    confidence_level : float, default 0.95

    Returns
    -------
    GapResult
        ``gap`` is the value index (positive: the quality received outweighs the
        sacrifice), ``share_meeting`` the share of respondents with index ≥ 0.

    Raises
    ------
    InstrumentError
        The instrument has no sacrifice items.

    See Also
    --------
    servqual.gap_scores : the gap engine it calls.
    value_links : value index and gaps against outcomes.

    Notes
    -----
    Per respondent, ``V = mean(quality items) − mean(sacrifice items)``; this is
    :func:`servqual.gap_scores` with ``reference="sacrifice"``.

    References
    ----------
    Zeithaml, V. A. (1988). Consumer perceptions of price, quality, and value.
    Journal of Marketing, 52(3), 2-22.

    Examples
    --------
    >>> import servqual as sq
    >>> survey = sq.load_example("value")
    >>> res = sq.value_index(survey)
    >>> bool(res.overall > 0)
    True
    """
    survey = require_survey(survey, "The value perspective")
    if not any(d.role == "sacrifice" for d in survey.instrument.dimensions):
        raise InstrumentError(
            f"{survey.instrument.name!r} has no sacrifice dimension; the value index needs "
            "quality and sacrifice items (use sq.instruments.value())."
        )
    check_level(level, ("dimension", "overall"))
    return gap_scores(
        survey, level=level, by=by, reference="sacrifice", confidence_level=confidence_level
    )


# ---------------------------------------------------------------- willingness to pay


@result_class
class WtpResult(TableResult):
    """Willingness to pay a premium.

    Table (one row per group): ``n``, ``willing``, ``share`` (+ Wilson
    ``share_ci_low``/``share_ci_high``), and with premiums ``n_premium_willing``,
    ``premium_willing`` (mean premium among those willing, + t CI),
    ``n_premium_all``, ``premium_all`` (mean over everyone, unwilling = 0, + t CI).
    """

    by: tuple[str, ...]
    confidence_level: float
    n: int
    share: float
    premium_willing: float | None

    _plot_function = None

    @property
    def header(self) -> str:
        prem = (
            ""
            if self.premium_willing is None
            else (f" · mean premium among willing {self.premium_willing:.3g}")
        )
        return (
            f"Willingness to pay more · n={self.n} · share willing {self.share:.3f}{prem} · "
            f"{self.confidence_level:.0%} CI (Wilson / t)"
        )


def _yes_no(s: pd.Series, name: str) -> np.ndarray:
    """1.0 / 0.0 / NaN from booleans, 0/1 numbers or yes/no text."""
    if pd.api.types.is_bool_dtype(s.dtype):
        return s.to_numpy(dtype=np.float64)
    if pd.api.types.is_numeric_dtype(s.dtype):
        v = s.to_numpy(dtype=np.float64, na_value=np.nan)
        bad = ~np.isnan(v) & ~np.isin(v, [0.0, 1.0])
    else:
        text = s.astype("string").str.strip().str.lower()
        v = np.where(
            text.isin(_YES).fillna(False), 1.0, np.where(text.isin(_NO).fillna(False), 0.0, np.nan)
        )
        bad = (~text.isna() & (text != "")).to_numpy(dtype=bool) & np.isnan(v)
    if bad.any():
        raise DataError(
            f"Column {name!r} has {int(bad.sum())} answer(s) that are not yes/no: rows "
            f"{fmt_list(s.index[bad])} (values {fmt_list(s[bad].tolist())}). Use yes/no, "
            "true/false or 1/0."
        )
    return v


def wtp_premium(
    data: pd.DataFrame,
    *,
    willing: str | None = None,
    premium: str | None = None,
    by: str | Sequence[str] | None = None,
    confidence_level: float = 0.95,
) -> WtpResult:
    """Share of customers willing to pay more, and the premium they would pay.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent.
    willing : str, optional
        Yes/no column "would you pay more for better service?" (yes/no,
        true/false or 1/0; blank = not answered).
    premium : str, optional
        Column with the premium (amount or percent) a respondent would pay; 0 or
        blank for those not willing. Without ``willing``, willing means premium > 0.
    by : str or list of str, optional
        Segment columns.
    confidence_level : float

    Returns
    -------
    WtpResult

    Raises
    ------
    DataError
        Neither column given, answers that are not yes/no, negative premiums, a
        premium above 0 from someone who said no.

    See Also
    --------
    value_index : quality against sacrifice.

    Notes
    -----
    Share willing with the Wilson interval (R ``prop.test(k, n, correct =
    FALSE)$conf.int``); mean premiums with the t interval (R ``t.test(x)``),
    among the willing (blank premiums left out) and over everyone who answered
    (unwilling respondents count as 0).

    Examples
    --------
    >>> import servqual as sq
    >>> feedback = sq.operations.load_records("feedback")
    >>> res = sq.wtp_premium(feedback, willing="pay_more", premium="premium")
    >>> 0 < res.share < 1
    True
    """
    df = _checks.frame(data)
    if willing is None and premium is None:
        raise DataError("Name the yes/no column (willing=) and/or the premium column (premium=).")
    byl = _checks.as_list(by)
    _checks.columns(df, [willing, premium, *byl], "willingness to pay")
    conf = check_confidence(confidence_level)
    prem = None
    if premium is not None:
        prem = _checks.numeric(df[premium], premium, allow_nan=True)
        check_magnitude(prem[:, None], [premium], df.index, "The premium's confidence interval")
        bad = prem < 0
        if bad.any():
            raise DataError(
                f"Column {premium!r} has {int(bad.sum())} negative premium(s): rows "
                f"{fmt_list(df.index[bad])} (values {fmt_list(prem[bad].tolist())})."
            )
    if willing is not None:
        will = _yes_no(df[willing], willing)
        if prem is not None:
            clash = (will == 0) & (prem > 0)
            if clash.any():
                raise DataError(
                    f"Rows {fmt_list(df.index[clash])} answered no in {willing!r} but give a "
                    f"premium above 0 in {premium!r}; fix one of the two."
                )
    else:
        assert prem is not None
        will = np.where(np.isnan(prem), np.nan, (prem > 0).astype(np.float64))
    answered = ~np.isnan(will)
    _checks.need(int(answered.sum()), 2, "Willingness to pay")
    if byl:
        for b in byl:
            if df[b].isna().any():
                raise DataError(
                    f"Column {b!r} is missing at rows {fmt_list(df.index[df[b].isna()])}."
                )
        gkey = byl if len(byl) > 1 else byl[0]
        groups = list(df[byl].groupby(gkey, sort=True, observed=True).indices.items())
    else:
        groups = [("all", np.arange(len(df)))]
    rows, labels = [], []
    for key, idx in groups:
        mask = np.zeros(len(df), dtype=bool)
        mask[idx] = True
        mask &= answered
        w = will[mask]
        k, n = float(w.sum()), float(len(w))
        if n == 0:
            continue
        lo, hi = wilson_interval(np.array(k), np.array(n), conf)
        row: dict[str, float] = {
            "n": int(n),
            "willing": int(k),
            "share": k / n,
            "share_ci_low": float(lo),
            "share_ci_high": float(hi),
        }
        if prem is not None:
            pw = prem[mask & (will == 1)]
            pw = pw[~np.isnan(pw)]
            pa = np.where(will[mask] == 0, 0.0, prem[mask])
            pa = pa[~np.isnan(pa)]
            for name, x in (("willing", pw), ("all", pa)):
                m, lo_, hi_ = _mean_ci(x, conf)
                row.update(
                    {
                        f"n_premium_{name}": len(x),
                        f"premium_{name}": m,
                        f"premium_{name}_ci_low": lo_,
                        f"premium_{name}_ci_high": hi_,
                    }
                )
        rows.append(row)
        labels.append(key)
    index = (
        pd.Index(labels, name=byl[0] if len(byl) == 1 else "group")
        if len(byl) <= 1
        else pd.MultiIndex.from_tuples(labels, names=byl)
    )
    table = pd.DataFrame(rows, index=index)
    pw_all = None
    if prem is not None:
        x = prem[answered & (will == 1)]
        x = x[~np.isnan(x)]
        pw_all = float(x.mean()) if len(x) else None
    return WtpResult(
        _table=table,
        by=tuple(byl),
        confidence_level=conf,
        n=int(answered.sum()),
        share=float(will[answered].mean()),
        premium_willing=pw_all,
    )


def _mean_ci(x: np.ndarray, conf: float) -> tuple[float, float, float]:
    if len(x) < 2:
        raise InsufficientDataError(
            f"A mean premium with a confidence interval needs at least 2 premiums, got {len(x)}."
        )
    m = float(x.mean())
    se = float(x.std(ddof=1) / np.sqrt(len(x)))
    lo, hi = t_interval(np.array(m), np.array(se), np.array(len(x)), conf)
    return m, float(lo), float(hi)


# ---------------------------------------------------------------- gap → outcome links


@result_class
class ValueLinkResult(TableResult):
    """Regression of loyalty / value outcomes on gap scores (one block per outcome).

    Table columns: ``outcome``, ``term``, ``coef``, ``se``, ``t``, ``p_unc``,
    ``ci_low``, ``ci_high``, ``beta`` (standardised), ``r2``, ``n``.
    """

    outcomes: tuple[str, ...]
    level: str
    score: str
    confidence_level: float

    _plot_function = None

    @property
    def header(self) -> str:
        return (
            f"Links of {self.score} scores ({self.level}) to outcomes "
            f"{', '.join(self.outcomes)} · OLS · {self.confidence_level:.0%} CI"
        )


def _outcome_columns(survey: Survey, outcomes: Sequence[str] | None) -> dict[str, pd.Series]:
    avail: dict[str, pd.Series] = {}
    if survey.outcomes is not None:
        for c in survey.outcomes.columns:
            avail[str(c)] = survey.outcome(c)
    out_items = [
        i.code for d in survey.instrument.dimensions if d.role == "outcome" for i in d.items
    ]
    if out_items:
        r = survey.ratings("P")
        for c in out_items:
            avail[c] = r[c]
    if outcomes is None:
        if not avail:
            raise InstrumentError(
                "The survey has no outcomes: pass outcomes= to Survey or use an instrument "
                "with outcome items (e.g. value())."
            )
        return avail
    names = [outcomes] if isinstance(outcomes, str) else list(outcomes)
    missing = [o for o in names if o not in avail]
    if missing:
        raise DataError(
            f"Outcome(s) {fmt_list(missing)} are not in the survey; available: "
            f"{fmt_list(list(avail))}."
        )
    return {o: avail[o] for o in names}


def value_links(
    survey: Survey,
    outcomes: str | Sequence[str] | None = None,
    *,
    level: Literal["dimension", "overall"] = "dimension",
    score: str = "gap",
    confidence_level: float = 0.95,
) -> ValueLinkResult:
    """Regress loyalty / value outcomes on per-respondent gap scores.

    Parameters
    ----------
    survey : Survey
    outcomes : str or list of str, optional
        Outcome ratings (``Survey(outcomes=...)``, e.g. overall quality, likelihood
        to recommend) and/or outcome items of the instrument (``VAL1``, ``WTP1``).
        Default: all of them.
    level : {"dimension", "overall"}
        Predictors: one gap per quality dimension, or the overall gap (for the
        ``value()`` instrument, the value index).
    score : str
        Score of the predictors, as in :func:`servqual.respondent_scores`.
    confidence_level : float

    Returns
    -------
    ValueLinkResult

    Raises
    ------
    InstrumentError
        No outcome in the survey.
    InsufficientDataError
        Fewer complete respondents than coefficients + 2.

    See Also
    --------
    servqual.key_drivers : robust errors and relative importance.

    Notes
    -----
    Ordinary least squares with classical standard errors on the respondents
    with all scores and the outcome present (R ``lm(outcome ~ gaps)``). For
    heteroskedasticity-robust errors and driver importance, see
    :func:`servqual.key_drivers`.

    Examples
    --------
    >>> import servqual as sq
    >>> survey = sq.load_example("value")
    >>> res = sq.value_links(survey, "VAL1", level="overall")
    >>> res.to_frame()["term"].tolist()
    ['const', 'overall']
    """
    survey = require_survey(survey, "The value perspective")
    conf = check_confidence(confidence_level)
    check_level(level, ("dimension", "overall"))
    X = respondent_scores(survey, level=level, score=score)
    ys = _outcome_columns(survey, outcomes)
    blocks = []
    for name, y in ys.items():
        frame = pd.concat([y.rename("__y__"), X], axis=1).dropna()
        k = X.shape[1] + 1
        if len(frame) < k + 2:
            raise InsufficientDataError(
                f"Outcome {name!r}: {len(frame)} complete respondents for {k} coefficients."
            )
        yv = frame["__y__"].to_numpy(dtype=np.float64)
        xv = frame[X.columns].to_numpy(dtype=np.float64)
        fit = sm.OLS(yv, sm.add_constant(xv, has_constant="add")).fit()
        ci = fit.conf_int(alpha=1 - conf)
        sdx = np.r_[np.nan, xv.std(axis=0, ddof=1)]
        blocks.append(
            pd.DataFrame(
                {
                    "outcome": name,
                    "term": ["const", *map(str, X.columns)],
                    "coef": fit.params,
                    "se": fit.bse,
                    "t": fit.tvalues,
                    "p_unc": fit.pvalues,
                    "ci_low": ci[:, 0],
                    "ci_high": ci[:, 1],
                    "beta": fit.params * sdx / yv.std(ddof=1),
                    "r2": fit.rsquared,
                    "n": len(frame),
                }
            )
        )
    table = pd.concat(blocks, ignore_index=True)
    return ValueLinkResult(
        _table=table,
        outcomes=tuple(ys),
        level=level,
        score=score,
        confidence_level=conf,
    )
