"""Column-wise descriptive statistics with missing values and survey weights (internal).

All functions work on (n_respondents, k) arrays, one statistic per column, with no
Python loop over respondents.
"""

from __future__ import annotations

import numpy as np
from scipy import special  # t and normal quantiles without importing scipy.stats

from ._validation import fmt_list
from .exceptions import InsufficientDataError


def column_means(x: np.ndarray, w: np.ndarray | None = None) -> np.ndarray:
    """Column means ignoring NaN (weighted by ``w`` when given)."""
    x = np.asarray(x, dtype=np.float64)
    nan = np.isnan(x)
    if w is None:
        if not nan.any():
            return x.mean(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(nan, 0.0, x).sum(axis=0) / (~nan).sum(axis=0)
    ww = np.where(nan, 0.0, np.asarray(w, dtype=np.float64)[:, None])
    with np.errstate(invalid="ignore", divide="ignore"):
        return (ww * np.where(nan, 0.0, x)).sum(axis=0) / ww.sum(axis=0)


def column_moments(
    x: np.ndarray, w: np.ndarray | None = None, *, overwrite: bool = False
) -> dict[str, np.ndarray]:
    """Mean, sd, se and n per column, ignoring NaN.

    Unweighted: the sample mean, the ``n - 1`` standard deviation and ``sd/sqrt(n)``.

    Weighted (survey weights ``w``): the weighted mean ``Σ w x / Σ w``; the
    standard error by Taylor linearisation for a with-replacement design,
    ``se² = n/(n-1) · Σ w²(x - m)² / (Σ w)²`` (as R ``survey::svymean`` with
    ``svydesign(ids = ~1, weights = ~w)``); ``sd`` is the weighted standard
    deviation ``sqrt(n/(n-1) · Σ w (x - m)² / Σ w)``.

    The variance is computed by the two-pass (centred) algorithm. With
    ``overwrite=True`` a writeable ``x`` may be centred in place to save memory.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 1:
        x = x[:, None]
    nan = np.isnan(x)
    has_nan = bool(nan.any())
    if w is None:
        if not has_nan:
            n = np.full(x.shape[1], x.shape[0], dtype=np.int64)
            mean = x.mean(axis=0)
            if overwrite and x.flags.writeable:
                dev = np.subtract(x, mean, out=x)
            else:
                dev = x - mean
            ss = np.einsum("ij,ij->j", dev, dev)
        else:
            ok = ~nan
            n = ok.sum(axis=0)
            x0 = np.where(ok, x, 0.0)
            with np.errstate(invalid="ignore", divide="ignore"):
                mean = x0.sum(axis=0) / n
            dev = np.where(ok, x - mean, 0.0)
            ss = np.einsum("ij,ij->j", dev, dev)
        with np.errstate(invalid="ignore", divide="ignore"):
            var = ss / (n - 1)
            sd = np.sqrt(var)
            se = sd / np.sqrt(n)
        return {"mean": mean, "sd": sd, "se": se, "n": n}
    w = np.asarray(w, dtype=np.float64)
    ok = ~nan
    ww = np.where(ok, w[:, None], 0.0)
    n = ok.sum(axis=0)
    sw = ww.sum(axis=0)
    x0 = np.where(ok, x, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (ww * x0).sum(axis=0) / sw
        dev = np.where(ok, x - mean, 0.0)
        corr = n / (n - 1)
        sd = np.sqrt(corr * (ww * dev**2).sum(axis=0) / sw)
        se = np.sqrt(corr * (ww**2 * dev**2).sum(axis=0)) / sw
    return {"mean": mean, "sd": sd, "se": se, "n": n}


#: rows per block of :func:`paired_moments`: a few MB of temporaries whatever ``n``
BLOCK_ROWS = 16_384


def paired_moments(
    p: np.ndarray,
    r: np.ndarray,
    rows: np.ndarray | None = None,
    *,
    block_rows: int = BLOCK_ROWS,
) -> dict[str, np.ndarray]:
    """Moments of ``g = p − r`` per column over the rows where both are present.

    Returns the count ``n``, the means of ``p``, ``r`` and ``g`` over those rows,
    the ``n − 1`` standard deviation ``sd`` and standard error ``se`` of ``g``, and
    ``n_meeting``, the number of rows with ``g ≥ −1e-12``. ``rows`` (a boolean
    mask) restricts to a segment. Unweighted; the same numbers as
    :func:`column_moments` of ``g`` and :func:`column_means` of ``p`` and ``r``
    masked where ``g`` is missing, up to the order of summation.

    The data are read in blocks of ``block_rows`` rows × all columns, twice (the
    two-pass variance: means first, then squared deviations from them), so the
    temporaries are a few block-sized buffers instead of several copies of the
    data. ``p`` and ``r`` may be broadcast views (a fixed reference).
    """
    p = np.asarray(p, dtype=np.float64)
    r = np.asarray(r, dtype=np.float64)
    if p.ndim == 1:
        p = p[:, None]
    if r.ndim == 1:
        r = r[:, None]
    n_rows, k = np.broadcast_shapes(p.shape, r.shape)
    p = np.broadcast_to(p, (n_rows, k))
    r = np.broadcast_to(r, (n_rows, k))
    if rows is not None:
        rows = np.asarray(rows, dtype=bool)
    size = max(1, min(block_rows, n_rows))
    gbuf = np.empty((size, k))
    xbuf = np.empty((size, k))
    nbuf = np.empty((size, k), dtype=bool)
    ones = np.ones(size)
    # column sums and counts as BLAS products with a vector of ones: a reduction
    # down the rows of a narrow block is several times slower in numpy
    n_missing, n_meet, sp, sr, sg, ss = (np.zeros(k) for _ in range(6))
    n_seen = 0

    def blocks():
        """(p block, r block, g buffer, missing buffer or None) per block of rows."""
        for a in range(0, n_rows, size):
            pb, rb = p[a : a + size], r[a : a + size]
            if rows is not None:
                keep = rows[a : a + size]
                if not keep.all():
                    pb, rb = pb[keep], rb[keep]
            m = len(pb)
            if m == 0:
                continue
            g = np.subtract(pb, rb, out=gbuf[:m])
            miss = np.isnan(g, out=nbuf[:m])
            yield pb, rb, g, (miss if miss.any() else None)

    for pb, rb, g, miss in blocks():
        m = len(g)
        one, x = ones[:m], xbuf[:m]
        n_seen += m
        n_meet += one @ np.greater_equal(g, -1e-12, out=x, casting="unsafe")  # NaN: 0
        if miss is None:
            sg += one @ g
            sp += one @ pb
            sr += one @ rb
            continue
        x[...] = miss
        n_missing += one @ x
        np.copyto(g, 0.0, where=miss)
        sg += one @ g
        for src, acc in ((pb, sp), (rb, sr)):
            np.copyto(x, src)
            np.copyto(x, 0.0, where=miss)
            acc += one @ x
    n = n_seen - n_missing.astype(np.int64)
    n_meeting = n_meet.astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_g = sg / n
        mean_p = sp / n
        mean_r = sr / n
    for _pb, _rb, g, miss in blocks():
        g -= mean_g
        if miss is not None:
            np.copyto(g, 0.0, where=miss)
        ss += np.einsum("ij,ij->j", g, g)
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.sqrt(ss / (n - 1))
        se = sd / np.sqrt(n)
    return {
        "n": n,
        "perception": mean_p,
        "reference": mean_r,
        "mean": mean_g,
        "sd": sd,
        "se": se,
        "n_meeting": n_meeting,
    }


def t_interval(
    mean: np.ndarray, se: np.ndarray, n: np.ndarray, confidence_level: float
) -> tuple[np.ndarray, np.ndarray]:
    """Two-sided t confidence interval ``mean ± t_{1-α/2, n-1} · se``."""
    df = np.asarray(n, dtype=np.float64) - 1
    with np.errstate(invalid="ignore"):
        q = special.stdtrit(df, 0.5 + confidence_level / 2.0)
    return mean - q * se, mean + q * se


def t_test(
    estimate: np.ndarray,
    se: np.ndarray,
    df: np.ndarray,
    confidence_level: float,
    alternative: str = "two-sided",
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """t statistic, p-value and confidence bounds of ``estimate`` against zero.

    Two-sided: ``p = 2·P(T > |t|)``, bounds ``estimate ± t_{1-α/2}·se``; one-sided
    ``"greater"``/``"less"``: ``P(T > t)``/``P(T < t)`` with the one-sided bound
    ``estimate ∓ t_{1-α}·se`` and ``±inf`` on the other side, as R's ``t.test``.
    """
    estimate = np.asarray(estimate, dtype=np.float64)
    se = np.asarray(se, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = estimate / se
    a = 1.0 - confidence_level
    inf = np.full(np.broadcast(estimate, se).shape, np.inf)
    if alternative == "two-sided":
        q = special.stdtrit(df, 1 - a / 2)
        return t, 2 * special.stdtr(df, -np.abs(t)), estimate - q * se, estimate + q * se
    q = special.stdtrit(df, 1 - a)
    if alternative == "greater":
        return t, special.stdtr(df, -t), estimate - q * se, inf
    return t, special.stdtr(df, t), -inf, estimate + q * se


def wilson_interval(
    successes: np.ndarray, n: np.ndarray, confidence_level: float
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion (Wilson, 1927), as
    ``statsmodels.stats.proportion.proportion_confint(method='wilson')``."""
    z = special.ndtri(0.5 + confidence_level / 2.0)
    n = np.asarray(n, dtype=np.float64)
    p = np.asarray(successes, dtype=np.float64) / n
    denom = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    # the bounds are 0 and 1 exactly at p = 0 and p = 1 (no 1e-17 from rounding)
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)


def logit_interval(
    p: np.ndarray, se: np.ndarray, n: np.ndarray, confidence_level: float
) -> tuple[np.ndarray, np.ndarray]:
    """Interval for a (survey-weighted) proportion on the logit scale.

    ``expit(logit p ± t_{1-α/2, n-1} · se / (p(1 − p)))`` with ``se`` the
    linearisation standard error of ``p``: R ``survey::svyciprop(method = "logit")``.
    """
    p = np.asarray(p, dtype=np.float64)
    se = np.asarray(se, dtype=np.float64)
    q = special.stdtrit(np.asarray(n, dtype=np.float64) - 1, 0.5 + confidence_level / 2.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        centre = np.log(p / (1 - p))
        half = q * se / (p * (1 - p))
        lo = 1 / (1 + np.exp(-(centre - half)))
        hi = 1 / (1 + np.exp(-(centre + half)))
    return lo, hi


def require_n(n: np.ndarray, labels: list[str], minimum: int, what: str) -> None:
    """Raise InsufficientDataError when any unit has fewer than ``minimum`` respondents."""
    n = np.asarray(n)
    bad = np.where(n < minimum)[0]
    if len(bad):
        raise InsufficientDataError(
            f"{what} needs at least {minimum} respondents per unit; "
            f"{fmt_list([f'{labels[k]} (n={int(n[k])})' for k in bad])} have fewer."
        )
