"""Covariance-based reliability arithmetic (internal).

Everything here works on clean float arrays. The respondent data are touched once,
to compute the item covariance matrix (complete-data fast path: one centred
cross-product, as ``numpy.cov``; pairwise path: masked cross-products); alpha, the
item-total table, Guttman's lambdas and the split halves are then derived from
that k × k matrix.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from scipy import stats
from scipy.linalg import blas

from ._progress import Progress
from ._validation import MAX_MAGNITUDE, fmt_list
from .exceptions import DataError, InsufficientDataError, ReliabilityWarning

#: below this many respondents no reliability figure is computed
MIN_RESPONDENTS = 3
#: rows per block in the chunked cross-products
CHUNK = 65_536


@dataclass(frozen=True)
class Moments:
    """Item covariance matrix and what the item table needs besides it."""

    labels: list[str]
    cov: np.ndarray  # (k, k)
    n: int  # respondents used (listwise: complete rows; pairwise: rows with any answer)
    mean: np.ndarray | None  # item means (None for matrix input)
    n_item: np.ndarray  # answered count per item
    raw_r: np.ndarray | None  # psych's raw.r when data were incomplete (else from cov)
    min_pair_n: int


# --------------------------------------------------------------------- moments
def check_finite(x: np.ndarray, labels: list[str]) -> None:
    bad = np.isinf(x).any(axis=0)
    if bad.any():
        j = int(np.where(bad)[0][0])
        raise DataError(
            f"Item {labels[j]!r} has infinite values at rows {fmt_list(np.where(np.isinf(x[:, j]))[0])}"
            "; ratings must be finite."
        )


def refuse_missing(x: np.ndarray, labels: list[str], index, nan_policy: str) -> None:
    """``nan_policy="raise"``: a DataError naming the items and rows with missing answers."""
    if nan_policy != "raise":
        return
    miss = np.isnan(x)
    bad = miss.any(axis=1)
    if bad.any():
        items = [labels[j] for j in np.where(miss.any(axis=0))[0]]
        raise DataError(
            f"nan_policy='raise': {int(bad.sum())} respondent(s) have missing answers to "
            f"{fmt_list(items)}: rows {fmt_list(list(np.asarray(index)[bad]))}. Use "
            "nan_policy='pairwise' or 'listwise'."
        )


def data_moments(
    x: np.ndarray, labels: list[str], nan_policy: str, item_total: bool = True
) -> Moments:
    """Covariance matrix (``n - 1`` divisor) of the columns of ``x`` under a NaN policy.

    ``item_total=False`` skips psych's item-total correlations (bootstrap replicates).
    """
    n_rows = x.shape[0]
    if n_rows < MIN_RESPONDENTS:
        raise InsufficientDataError(
            f"Reliability needs at least {MIN_RESPONDENTS} respondents; the data have {n_rows}."
        )
    mean = x.mean(axis=0)  # NaN/inf propagate: one pass tells whether the data are clean
    if np.isfinite(mean).all():
        return _complete_moments(x, labels, mean)
    check_finite(x, labels)
    miss = np.isnan(x)
    answered = (~miss).sum(axis=0)
    empty = np.where(answered == 0)[0]
    if len(empty):
        raise InsufficientDataError(
            f"Item(s) {fmt_list([labels[j] for j in empty])} have no answers at all; "
            "drop them before computing reliability."
        )
    if nan_policy == "listwise":
        keep = ~miss.any(axis=1)
        n_keep = int(keep.sum())
        if n_keep < MIN_RESPONDENTS:
            raise InsufficientDataError(
                f"nan_policy='listwise' leaves {n_keep} complete respondent(s) for items "
                f"{fmt_list(labels)}; at least {MIN_RESPONDENTS} are needed. "
                "Use nan_policy='pairwise'."
            )
        xk = x[keep]
        return _complete_moments(xk, labels, xk.mean(axis=0))
    return _pairwise_moments(x, miss, labels, item_total)


def _check_overflow(cov: np.ndarray, x: np.ndarray, labels: list[str]) -> None:
    """A DataError naming the item whose huge values overflowed the covariances."""
    if np.isfinite(cov).all():
        return
    with np.errstate(invalid="ignore"):
        peak = np.nanmax(np.abs(x), axis=0)
    j = int(np.nanargmax(peak))
    rows = np.where(np.abs(x[:, j]) > MAX_MAGNITUDE)[0]
    if not len(rows):
        rows = np.array([int(np.nanargmax(np.abs(x[:, j])))])
    raise DataError(
        f"Item {labels[j]!r} has value(s) too large to analyse at rows {fmt_list(rows)} "
        f"(values {fmt_list(x[rows, j].tolist())}): its variance overflows. Recode them or "
        "list them as missing."
    )


def check_definite(cov: np.ndarray, labels: list[str], what: str, *, raise_error: bool) -> None:
    """Warn (or raise) when a covariance matrix is not positive semi-definite.

    A pairwise covariance matrix, or a matrix typed in by hand, can be inconsistent:
    no data set has it. Alpha is still a function of it, but lambda 4 and the split
    halves are not bounded by 1 then.
    """
    w = np.linalg.eigvalsh(to_correlation(cov))
    if w[0] >= -1e-8 * max(w[-1], 1.0):
        return
    text = (
        f"The item covariance matrix of {fmt_list(labels)} is not positive definite "
        f"(smallest eigenvalue of the correlations {w[0]:.3g}): no set of respondents "
        "has these (pairwise) covariances"
    )
    if raise_error:
        raise DataError(
            f"{text}, so {what} is undefined (it can exceed 1). Use nan_policy='listwise' "
            "or fix the matrix."
        )
    warnings.warn(
        f"{text}; {what} may be misleading. Use nan_policy='listwise' or fix the matrix.",
        ReliabilityWarning,
        stacklevel=5,
    )


def _complete_moments(x: np.ndarray, labels: list[str], mean: np.ndarray) -> Moments:
    n = x.shape[0]
    cov = centred_crossproduct(x, mean) / (n - 1)
    _check_overflow(cov, x, labels)
    _check_variance(cov, labels, lambda j: _column_is_constant(x[:, j]))
    return Moments(
        labels=labels,
        cov=cov,
        n=n,
        mean=mean,
        n_item=np.full(len(labels), n, dtype=np.int64),
        raw_r=None,
        min_pair_n=n,
    )


def _syrk(acc: np.ndarray, a: np.ndarray) -> np.ndarray:
    """``acc + a'a`` (upper triangle) by BLAS ``dsyrk``, without copying ``a``."""
    if a.flags.f_contiguous:
        return blas.dsyrk(1.0, a, beta=1.0, c=acc, trans=1, overwrite_c=1)
    return blas.dsyrk(1.0, np.ascontiguousarray(a).T, beta=1.0, c=acc, overwrite_c=1)


def _symmetric(upper: np.ndarray) -> np.ndarray:
    u = np.triu(upper)
    return u + np.triu(u, 1).T


def centred_crossproduct(x: np.ndarray, mean: np.ndarray, chunk: int = CHUNK) -> np.ndarray:
    """``(x - mean)' (x - mean)`` by BLAS ``dsyrk``, centring one block of rows at a time.

    One pass over the data, no n × k temporary, half the flops of a general matrix
    product; the result is symmetric.
    """
    k = x.shape[1]
    acc = np.zeros((k, k), order="F")
    for start in range(0, x.shape[0], chunk):  # blocks of rows, not single respondents
        acc = _syrk(acc, x[start : start + chunk] - mean)
    return _symmetric(acc)


def _column_is_constant(col: np.ndarray) -> bool:
    v = col[~np.isnan(col)]
    return len(v) == 0 or bool(np.all(v == v[0]))


def _check_variance(cov: np.ndarray, labels: list[str], is_constant) -> None:
    d = np.diag(cov)
    scale = max(float(np.max(np.abs(d))), 1.0)
    suspect = np.where(d <= 1e-12 * scale)[0]
    flat = [labels[j] for j in suspect if d[j] <= 0 or is_constant(j)]
    if flat:
        raise InsufficientDataError(
            f"Item(s) {fmt_list(flat)} have zero variance (every respondent gave the same "
            "answer); reliability is undefined. Drop them from the scale."
        )


def _pairwise_moments(
    x: np.ndarray, miss: np.ndarray, labels: list[str], item_total: bool, chunk: int = CHUNK
) -> Moments:
    ok = ~miss
    n = int((~miss.all(axis=1)).sum())  # respondents with at least one answer
    if n < MIN_RESPONDENTS:
        raise InsufficientDataError(
            f"Reliability needs at least {MIN_RESPONDENTS} respondents with answers to "
            f"{fmt_list(labels)}; there are {n}."
        )
    n_item = ok.sum(axis=0)
    lone = np.where(n_item < 2)[0]
    if len(lone):
        raise InsufficientDataError(
            f"Item(s) {fmt_list([labels[j] for j in lone])} have fewer than 2 answers; "
            "their variance is undefined. Drop them before computing reliability."
        )
    mean = np.where(ok, x, 0.0).sum(axis=0) / n_item
    shift = float(mean.mean())  # centres the respondent means (for raw_r)
    k = len(labels)
    sxy = np.zeros((k, k), order="F")  # Σ x_i x_j over rows answering i and j (centred)
    npair = np.zeros((k, k), order="F")  # rows answering i and j
    s_given = np.zeros((k, k))  # [i, j]: Σ x_i over rows answering i and j
    s_t, s_tt, s_tx = np.zeros(k), np.zeros(k), np.zeros(k)
    for start in range(0, x.shape[0], chunk):  # blocks of rows, not single respondents
        xb, okb = x[start : start + chunk], ok[start : start + chunk]
        okf = okb.astype(np.float64)
        x0 = np.where(okb, xb - mean, 0.0)  # centring keeps the cross-products accurate
        sxy = _syrk(sxy, x0)
        npair = _syrk(npair, okf)
        s_given += x0.T @ okf
        if item_total:
            cnt = okf.sum(axis=1)
            t = np.where(okb, xb, 0.0).sum(axis=1)
            t = np.where(cnt > 0, t / np.maximum(cnt, 1.0) - shift, 0.0)
            s_t += t @ okf
            s_tt += (t * t) @ okf
            s_tx += t @ x0
    sxy, npair = _symmetric(sxy), _symmetric(npair)
    if (npair < 2).any():
        i, j = np.argwhere(npair < 2)[0]
        raise InsufficientDataError(
            f"Items {labels[i]!r} and {labels[j]!r} are answered together by "
            f"{int(npair[i, j])} respondent(s); a pairwise covariance needs at least 2. "
            "Drop one of them."
        )
    cov = (sxy - s_given * s_given.T / npair) / (npair - 1)
    cov = (cov + cov.T) / 2.0
    _check_overflow(cov, x, labels)
    _check_variance(cov, labels, lambda j: _column_is_constant(x[:, j]))
    check_definite(cov, labels, "alpha", raise_error=False)
    raw_r = None
    if item_total:
        # psych::alpha's raw.r: cor(rowMeans(x, na.rm = TRUE), x, use = "pairwise"),
        # each item over the respondents who answered it, from the masked sums
        s_x, s_xx = np.diag(s_given), np.diag(sxy)
        num = s_tx - s_t * s_x / n_item
        den = np.sqrt((s_tt - s_t**2 / n_item) * (s_xx - s_x**2 / n_item))
        raw_r = num / den
    return Moments(
        labels=labels,
        cov=cov,
        n=n,
        mean=mean,
        n_item=n_item,
        raw_r=raw_r,
        min_pair_n=int(npair.min()),
    )


def matrix_moments(s: np.ndarray, labels: list[str], n_obs: int) -> Moments:
    """Moments from a covariance or correlation matrix given by the caller."""
    k = s.shape[0]
    if s.ndim != 2 or s.shape[1] != k:
        raise DataError(
            f"With n_obs= the data must be a square covariance/correlation matrix; got shape "
            f"{s.shape}."
        )
    if not np.isfinite(s).all():
        raise DataError("The covariance/correlation matrix has missing or infinite entries.")
    if not np.allclose(s, s.T, rtol=1e-8, atol=1e-10):
        i, j = np.argwhere(~np.isclose(s, s.T, rtol=1e-8, atol=1e-10))[0]
        raise DataError(
            f"The matrix is not symmetric: entry ({labels[i]}, {labels[j]}) = {s[i, j]:g} but "
            f"({labels[j]}, {labels[i]}) = {s[j, i]:g}. Pass a covariance or correlation matrix."
        )
    if n_obs < MIN_RESPONDENTS:
        raise InsufficientDataError(
            f"Reliability needs at least {MIN_RESPONDENTS} respondents; n_obs={n_obs}."
        )
    cov = (s + s.T) / 2.0
    _check_variance(cov, labels, lambda j: True)
    r = to_correlation(cov)
    if (np.abs(r) > 1 + 1e-8).any():
        i, j = np.argwhere(np.abs(r) > 1 + 1e-8)[0]
        raise DataError(
            f"The correlation of {labels[i]!r} and {labels[j]!r} is {r[i, j]:g}, outside "
            "[-1, 1]; pass a valid covariance or correlation matrix."
        )
    check_definite(cov, labels, "alpha", raise_error=False)
    return Moments(
        labels=labels,
        cov=cov,
        n=int(n_obs),
        mean=None,
        n_item=np.full(k, int(n_obs), dtype=np.int64),
        raw_r=None,
        min_pair_n=int(n_obs),
    )


def usable_scales(
    model: dict[str, list[str]], min_items: int, stacklevel: int = 4
) -> dict[str, list[str]]:
    """The dimensions with at least ``min_items`` items; the others are skipped with a warning."""
    keep = {d: codes for d, codes in model.items() if len(codes) >= min_items}
    short = [d for d in model if d not in keep]
    if not keep:
        raise InsufficientDataError(
            f"Every dimension has fewer than {min_items} items "
            f"({fmt_list(short)}); use level='overall' to analyse all items as one scale."
        )
    if short:
        warnings.warn(
            f"Dimension(s) {fmt_list(short)} have fewer than {min_items} items; their "
            "reliability is undefined and they are left out of the by-dimension table "
            "(their items still count in the overall scale).",
            ReliabilityWarning,
            stacklevel=stacklevel,
        )
    return keep


# --------------------------------------------------------------------- statistics
def to_correlation(cov: np.ndarray) -> np.ndarray:
    sd = np.sqrt(np.diag(cov))
    r = cov / np.outer(sd, sd)
    np.fill_diagonal(r, 1.0)
    return r


def smc(r: np.ndarray, labels: list[str]) -> np.ndarray:
    """Squared multiple correlations ``1 - 1/diag(R^-1)`` clipped to [0, 1] (psych::smc)."""
    k = r.shape[0]
    if k == 1:
        return np.zeros(1)
    w, v = np.linalg.eigh(r)
    if w[0] <= 1e-10 * max(w[-1], 1.0) and w[0] >= -1e-10 * max(w[-1], 1.0):
        involved = [labels[j] for j in np.where(np.abs(v[:, 0]) > 0.1)[0]]
        raise DataError(
            f"The correlation matrix of items {fmt_list(labels)} is singular: items "
            f"{fmt_list(involved)} are linear combinations of each other (e.g. duplicated "
            "columns), so squared multiple correlations (and Guttman's lambda 6) are "
            "undefined. Drop one of them."
        )
    inv_diag = np.einsum("ij,j,ij->i", v, 1.0 / w, v)
    out = 1.0 - 1.0 / inv_diag
    return np.clip(out, 0.0, 1.0)


def raw_alpha(cov: np.ndarray) -> float:
    k = cov.shape[0]
    return k / (k - 1) * (1.0 - np.trace(cov) / cov.sum())


def duhachek_q(cov: np.ndarray) -> float:
    """Asymptotic variance ``Q`` of alpha, ``√n (α̂ − α) → N(0, Q)`` (van Zyl et al. 2000)."""
    k = cov.shape[0]
    one_v_one = cov.sum()
    tr = np.trace(cov)
    tr2 = float(np.sum(cov * cov))  # tr(V²) for symmetric V
    v2_sum = float(np.sum(cov @ cov))
    return (
        2.0 * k**2 / ((k - 1) ** 2 * one_v_one**3) * (one_v_one * (tr2 + tr**2) - 2.0 * tr * v2_sum)
    )


def scale_stats(m: Moments) -> dict[str, float]:
    """Headline statistics of one scale (psych::alpha ``$total``)."""
    cov = m.cov
    k = cov.shape[0]
    r = to_correlation(cov)
    sum_r = r.sum()
    q = duhachek_q(cov)
    return {
        "alpha": raw_alpha(cov),
        "std_alpha": k / (k - 1) * (1.0 - k / sum_r),
        "average_r": (sum_r - k) / (k * (k - 1)),
        "lambda6": 1.0 - (k - smc(r, m.labels).sum()) / sum_r,
        "se": float(np.sqrt(max(q, 0.0) / m.n)),
        "n": m.n,
        "n_items": k,
    }


def item_table(m: Moments) -> dict[str, np.ndarray]:
    """SPSS item-total statistics and psych ``$item.stats`` / ``$alpha.drop`` columns."""
    cov = m.cov
    k = cov.shape[0]
    d = np.diag(cov)
    row = cov.sum(axis=1)
    total = cov.sum()
    var_drop = total - 2.0 * row + d
    r_drop = (row - d) / np.sqrt(d * var_drop)
    raw_r = m.raw_r if m.raw_r is not None else row / np.sqrt(d * total)
    if k > 2:
        alpha_drop = (k - 1) / (k - 2) * (1.0 - (np.trace(cov) - d) / var_drop)
    else:  # one item left: alpha is undefined
        alpha_drop = np.full(k, np.nan)
    out: dict[str, np.ndarray] = {"n": np.asarray(m.n_item, dtype=np.int64)}
    if m.mean is not None:
        out["mean"] = m.mean
    out["sd"] = np.sqrt(d)
    out["r_drop"] = r_drop
    out["raw_r"] = raw_r
    out["alpha_if_deleted"] = alpha_drop
    out["smc"] = smc(to_correlation(cov), m.labels)
    if m.mean is not None:
        out["scale_mean_if_deleted"] = m.mean.sum() - m.mean
    out["scale_var_if_deleted"] = var_drop
    return out


# --------------------------------------------------------------------- intervals
def feldt_interval(alpha: float, n: int, k: int, confidence_level: float) -> tuple[float, float]:
    """Feldt, Woodruff & Salih (1987) F interval, as ``psych::alpha.ci``."""
    a = 1.0 - confidence_level
    df1, df2 = n - 1, (n - 1) * (k - 1)
    low = 1.0 - (1.0 - alpha) * stats.f.ppf(1.0 - a / 2.0, df1, df2)
    high = 1.0 - (1.0 - alpha) * stats.f.ppf(a / 2.0, df1, df2)
    return float(low), float(high)


def duhachek_interval(alpha: float, se: float, confidence_level: float) -> tuple[float, float]:
    """Duhachek & Iacobucci (2004) normal interval ``α ± z · sqrt(Q / n)``."""
    z = stats.norm.ppf(0.5 + confidence_level / 2.0)
    return float(alpha - z * se), float(alpha + z * se)


def bootstrap_alphas(
    x: np.ndarray, nan_policy: str, n_boot: int, rng: np.random.Generator
) -> np.ndarray:
    """Raw alpha of ``n_boot`` row resamples (loop over replicates, not respondents)."""
    n = x.shape[0]
    out = np.empty(n_boot)
    labels = [str(j) for j in range(x.shape[1])]
    failed = 0
    bar = Progress(n_boot, desc="bootstrap alpha")
    for b in range(n_boot):
        bar.step()
        xb = x[rng.integers(0, n, size=n)]
        try:
            out[b] = raw_alpha(data_moments(xb, labels, nan_policy, item_total=False).cov)
        except DataError:  # a degenerate resample (e.g. a constant item)
            out[b] = np.nan
            failed += 1
    bar.close()
    if failed > n_boot // 10:
        raise InsufficientDataError(
            f"{failed} of {n_boot} bootstrap resamples were degenerate (an item without "
            "variance); use ci='feldt' or 'duhachek'."
        )
    return out[~np.isnan(out)]


# --------------------------------------------------------------------- split halves
def split_indicators(
    k: int, exact_max_items: int, n_splits: int, rng: np.random.Generator
) -> tuple[np.ndarray, bool]:
    """0/1 matrix (splits × k) marking half A (``k // 2`` items) of each split."""
    m = k // 2
    if k <= exact_max_items:
        combos: Iterable[tuple[int, ...]] = combinations(range(k), m)
        if k % 2 == 0:  # {A, B} and {B, A} are the same split: keep those with item 0 in A
            combos = (c for c in combos if c[0] == 0)
        idx = np.array(list(combos), dtype=np.intp)
        exact = True
    else:
        idx = np.argsort(rng.random((n_splits, k)), axis=1)[:, :m]
        exact = False
    ind = np.zeros((idx.shape[0], k))
    np.put_along_axis(ind, idx, 1.0, axis=1)
    return ind, exact


def split_half_stats(s: np.ndarray, ind: np.ndarray) -> dict[str, np.ndarray]:
    """Split-half coefficients of every split in ``ind`` for covariance/correlation ``s``."""
    total = s.sum()
    row = s.sum(axis=1)
    a_s_1 = ind @ row
    a_s_a = np.einsum("ij,ij->i", ind @ s, ind)
    b_s_b = total - 2.0 * a_s_1 + a_s_a
    c_ab = a_s_1 - a_s_a
    guttman = 4.0 * c_ab / total
    r_half = c_ab / np.sqrt(a_s_a * b_s_b)
    sb = 2.0 * r_half / (1.0 + r_half)
    return {"guttman": guttman, "spearman_brown": sb}


def guttman_lambdas(s: np.ndarray, smc_r: np.ndarray) -> dict[str, float]:
    """Guttman's (1945) lambdas 1, 2, 3, 5, 6 of covariance/correlation matrix ``s``."""
    k = s.shape[0]
    vt = s.sum()
    off = s - np.diag(np.diag(s))
    l1 = 1.0 - np.trace(s) / vt
    l2 = (off.sum() + np.sqrt(np.sum(off**2) * k / (k - 1))) / vt
    l3 = k / (k - 1) * l1
    l5 = l1 + 2.0 * np.sqrt(np.max(np.sum(off**2, axis=0))) / vt
    l6 = (off.sum() + np.sum(smc_r * np.diag(s))) / vt
    return {"lambda1": l1, "lambda2": l2, "lambda3": l3, "lambda5": l5, "lambda6": l6}
