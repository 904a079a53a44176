"""Exploratory factor analysis: sampling adequacy, sphericity, parallel analysis, EFA.

Every function accepts

* a :class:`~servqual.Survey` (every item that has ``score=``: ``"perception"``,
  ``"expectation"``, ``"gap"``, ... via ``survey.item_scores(score)``; a rating such
  as ``"perception"`` covers all the instrument's items, including the sacrifice and
  outcome items of a value instrument, while ``"gap"`` covers the quality items; to
  analyse a subset pass ``survey.item_scores(score)[codes]``),
* a numeric table of items (DataFrame, ndarray or list; one row per respondent), or
* a correlation (or covariance) matrix, **when and only when** ``n_obs=`` is given:
  the matrix must then be square and symmetric; a covariance matrix is rescaled to
  correlations as ``psych`` does.

Missing answers: correlations are pairwise-complete by default (``psych``'s
``use="pairwise"``) with ``n_obs`` the number of respondents; ``nan_policy="listwise"``
keeps complete respondents only. The policy used is stated in each result.

The factor solutions follow ``psych::fa`` (extraction, rotation, ordering and signs of
the factors, fit statistics); see :func:`efa`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import _dask, _efa, _rotation
from ._progress import Progress
from ._results import TableResult, p_text, result_class
from ._validation import check_choice
from ._vocab import NanPolicy, as_rng, check_nan_policy, parse_score
from .exceptions import DataError, InsufficientDataError
from .polychoric import polychoric_input
from .summary import SurveySummary
from .survey import Survey

__all__ = [
    "BartlettResult",
    "EFAResult",
    "KMOResult",
    "ParallelAnalysisResult",
    "bartlett_sphericity",
    "efa",
    "kmo",
    "parallel_analysis",
]

Method = Literal["minres", "ml", "pa"]
Rotation = Literal["varimax", "oblimin", "promax"]


def _prep(data: Any, score: str | None, n_obs: int | None, nan_policy: str, what: str):
    """Correlation matrix and n of any input: a Survey, a SurveySummary (listwise moments),
    a Dask frame of item columns (listwise moments merged over partitions), an item
    table, or a correlation/covariance matrix with ``n_obs``."""
    nan_policy = check_nan_policy(nan_policy)
    if isinstance(data, SurveySummary) or _dask.is_dask_frame(data):
        if n_obs is not None:
            raise DataError(f"{what}: n_obs= is only for a covariance/correlation matrix.")
        if isinstance(data, SurveySummary):
            parse_score(score or "perception")
            prep = _efa.prepare(
                data.correlation(score or "perception"),
                score=None,
                n_obs=data.n,
                nan_policy=nan_policy,
                what=what,
            )
            # complete (listwise) respondents, as a listwise Survey without missing answers
            return replace(
                prep, source="survey", nan_policy="complete", score=score or "perception"
            )
        if score is not None:
            raise DataError(f"{what}: score= applies to a Survey or a SurveySummary only.")
        cov, n_rows, _ = _dask.frame_moments(data)
        return _efa.prepare(cov, score=None, n_obs=n_rows, nan_policy=nan_policy, what=what)
    if score is not None and not isinstance(score, str):
        raise DataError(
            f"{what}: score must be a score name such as 'perception' or 'gap', got {score!r}."
        )
    if score is not None and not isinstance(data, Survey):
        raise DataError(
            f"{what}: score={score!r} applies to a Survey only; an item table is analysed as is."
        )
    return _efa.prepare(data, score=score, n_obs=n_obs, nan_policy=nan_policy, what=what)


def _data_text(score: str | None, n: int, nan_policy: str) -> str:
    """``perception · n=212 (pairwise)`` for result headers."""
    how = {"none": "correlation matrix", "complete": "complete data"}.get(nan_policy, nan_policy)
    return f"{score + ' · ' if score else ''}n={n} ({how})"


# =========================================================================== KMO
@result_class
class KMOResult(TableResult):
    """Kaiser–Meyer–Olkin measure of sampling adequacy (table: ``msa`` per item)."""

    overall: float
    n_items: int
    n_obs: int
    nan_policy: str
    score: str | None

    @property
    def header(self) -> str:
        return (
            f"Kaiser–Meyer–Olkin MSA · overall {self.overall:.3f} · {self.n_items} items · "
            f"{_data_text(self.score, self.n_obs, self.nan_policy)}"
        )


def kmo(
    data: Any,
    *,
    score: str | None = None,
    n_obs: int | None = None,
    nan_policy: NanPolicy = "pairwise",
) -> KMOResult:
    """Kaiser–Meyer–Olkin measure of sampling adequacy, overall and per item.

    Parameters
    ----------
    data : Survey, DataFrame, ndarray or list
        Respondents × items, a Survey, or a correlation matrix when ``n_obs`` is given.
    score : str, optional
        Which item scores of a Survey (default ``"perception"``); ``"gap"`` etc.
    n_obs : int, optional
        Sample size; giving it means ``data`` is a correlation matrix.
    nan_policy : {"pairwise", "listwise", "raise"}
        Missing answers: pairwise-complete correlations, complete respondents only,
        or an error.

    Returns
    -------
    KMOResult
        Table indexed by item with column ``msa``; ``overall`` is the overall MSA.

    Raises
    ------
    DataError
        Zero-variance or all-missing items, a singular correlation matrix, bad matrix.
    InsufficientDataError
        Fewer than 3 respondents or 2 items.

    See Also
    --------
    bartlett_sphericity, efa

    Notes
    -----
    With R the correlations and Q = R⁻¹ rescaled to the anti-image (partial)
    correlations q_ij = −Q_ij/√(Q_ii Q_jj),
    MSA = Σ_{i≠j} r²_ij / (Σ_{i≠j} r²_ij + Σ_{i≠j} q²_ij), and MSA_j the same sums over
    column j. Matches ``psych::KMO(x)$MSA`` and ``$MSAi``.

    References
    ----------
    Kaiser, H. F. (1970). A second generation little jiffy. *Psychometrika*, 35, 401–415.

    Examples
    --------
    >>> import servqual as sq
    >>> res = sq.kmo(sq.load_example("retail_bank"), score="perception")
    >>> bool(0 < res.overall < 1)
    True
    """
    prep = _prep(data, score, n_obs, nan_policy, "kmo")
    r = prep.r
    _efa.check_invertible(r, prep.labels, "KMO")
    q = np.linalg.inv(r)
    d = 1.0 / np.sqrt(np.diag(q))
    partial = q * d[:, None] * d[None, :]
    off = ~np.eye(len(r), dtype=bool)
    r2 = np.where(off, r * r, 0.0)
    q2 = np.where(off, partial * partial, 0.0)
    overall = float(r2.sum() / (r2.sum() + q2.sum()))
    per_item = r2.sum(axis=0) / (r2.sum(axis=0) + q2.sum(axis=0))
    table = pd.DataFrame({"msa": per_item}, index=pd.Index(prep.labels, name="item"))
    return KMOResult(
        _table=table,
        overall=overall,
        n_items=len(prep.labels),
        n_obs=prep.n_obs,
        nan_policy=prep.nan_policy,
        score=prep.score,
    )


# =========================================================================== Bartlett
@result_class
class BartlettResult(TableResult):
    """Bartlett's test of sphericity (one-row table: statistic, df, p_unc, n, n_items)."""

    statistic: float
    df: int
    p_value: float
    n_obs: int
    n_items: int
    nan_policy: str
    score: str | None

    @property
    def header(self) -> str:
        return (
            f"Bartlett's test of sphericity · χ²({self.df})={self.statistic:.2f}, "
            f"{p_text(self.p_value)} · {_data_text(self.score, self.n_obs, self.nan_policy)}"
        )


def bartlett_sphericity(
    data: Any,
    *,
    score: str | None = None,
    n_obs: int | None = None,
    nan_policy: NanPolicy = "pairwise",
) -> BartlettResult:
    """Bartlett's test that the correlation matrix is an identity matrix.

    Parameters
    ----------
    data : Survey, DataFrame, ndarray or list
        Respondents × items, a Survey, or a correlation matrix when ``n_obs`` is given.
    score : str, optional
        Which item scores of a Survey (default ``"perception"``).
    n_obs : int, optional
        Sample size; giving it means ``data`` is a correlation matrix.
    nan_policy : {"pairwise", "listwise", "raise"}
        Missing answers (see :func:`kmo`). With pairwise correlations n is the number
        of respondents, as in psych.

    Returns
    -------
    BartlettResult
        ``statistic``, ``df``, ``p_value`` and the same in a one-row table.

    Raises
    ------
    DataError
        Singular correlation matrix (the log-determinant is undefined), bad input.

    See Also
    --------
    kmo

    Notes
    -----
    χ² = −(n − 1 − (2p + 5)/6) · log|R| on p(p − 1)/2 degrees of freedom
    (Bartlett, 1951). Matches ``psych::cortest.bartlett(R, n)``.

    References
    ----------
    Bartlett, M. S. (1951). The effect of standardization on a χ² approximation in
    factor analysis. *Biometrika*, 38, 337–344.

    Examples
    --------
    >>> import servqual as sq
    >>> res = sq.bartlett_sphericity(sq.load_example("retail_bank"))
    >>> res.df, bool(res.p_value < 0.05)
    (231, True)
    """
    from scipy import stats

    prep = _prep(data, score, n_obs, nan_policy, "bartlett_sphericity")
    r, n = prep.r, prep.n_obs
    p = len(prep.labels)
    _efa.check_invertible(r, prep.labels, "Bartlett's test")
    logdet = float(np.linalg.slogdet(r)[1])
    statistic = -logdet * (n - 1 - (2 * p + 5) / 6)
    df = p * (p - 1) // 2
    p_value = float(stats.chi2.sf(statistic, df))
    table = pd.DataFrame(
        {"statistic": [statistic], "df": [df], "p_unc": [p_value], "n": [n], "n_items": [p]},
        index=pd.Index(["sphericity"], name="test"),
    )
    return BartlettResult(
        _table=table,
        statistic=statistic,
        df=df,
        p_value=p_value,
        n_obs=n,
        n_items=p,
        nan_policy=prep.nan_policy,
        score=prep.score,
    )


# =========================================================================== parallel
@result_class
class ParallelAnalysisResult(TableResult):
    """Horn's parallel analysis: observed and simulated eigenvalues (the scree data).

    Table indexed by ``number`` (1..p), columns ``pc_observed``, ``pc_simulated``,
    ``fa_observed``, ``fa_simulated`` (the threshold: quantile or mean of the
    simulations), ``pc_simulated_mean``, ``fa_simulated_mean``.
    """

    n_factors: int
    n_components: int
    n_iter: int
    quantile: float | None
    reduced: str
    n_obs: int
    nan_policy: str
    score: str | None

    _plot_function = "plot_scree"

    @property
    def header(self) -> str:
        rule = "mean" if self.quantile is None else f"{self.quantile:g} quantile"
        return (
            f"Parallel analysis · suggests {self.n_factors} factor(s), "
            f"{self.n_components} component(s) · {self.n_iter} simulations, {rule} · "
            f"{_data_text(self.score, self.n_obs, self.nan_policy)}"
        )


def _reduced_values(r: np.ndarray, reduced: str) -> np.ndarray:
    """Eigenvalues of the reduced correlation matrix (SMC or 1-factor minres diagonal)."""
    rr = r.copy()
    if reduced == "smc":
        np.fill_diagonal(rr, _efa.smc(r))
    else:
        lam = _efa.extract_optim(r, 1, "minres", 1e-7, 1000, ftol=1e-12).loadings
        np.fill_diagonal(rr, np.sum(lam * lam, axis=1))
    return np.sort(np.linalg.eigvalsh(rr))[::-1]


def _first_not_above(observed: np.ndarray, threshold: np.ndarray) -> int:
    below = np.where(~(observed > threshold))[0]
    return int(below[0]) if len(below) else len(observed)


def parallel_analysis(
    data: Any,
    *,
    n_iter: int = 100,
    rng: int | np.random.Generator | None = None,
    quantile: float | Literal["mean"] = 0.95,
    reduced: Literal["smc", "minres"] = "smc",
    score: str | None = None,
    n_obs: int | None = None,
    nan_policy: NanPolicy = "pairwise",
    progress: bool | None = None,
) -> ParallelAnalysisResult:
    """Horn's parallel analysis for the number of factors and of components.

    Parameters
    ----------
    data : Survey, DataFrame, ndarray or list
        Respondents × items, a Survey, or a correlation matrix when ``n_obs`` is given.
    n_iter : int
        Number of simulated data sets (uncorrelated normal data, n × p).
    rng : int or numpy.random.Generator, optional
        Seed or generator for the simulations.
    quantile : float in (0, 1) or "mean"
        Threshold: this quantile of the simulated eigenvalues (default 0.95), or their mean.
    reduced : {"smc", "minres"}
        Factor eigenvalues from the correlation matrix with squared multiple
        correlations on the diagonal (default; ``psych::fa.parallel(SMC=TRUE)``), or with
        the communalities of a one-factor minres fit (psych's default, ``SMC=FALSE``).
    score, n_obs, nan_policy
        As in :func:`kmo`.
    progress : bool, optional
        Show a progress bar over the simulations (tqdm); by default only on a
        terminal or in a notebook.

    Returns
    -------
    ParallelAnalysisResult
        ``n_factors``, ``n_components`` and the scree table (see the class).

    Raises
    ------
    DataError
        Bad ``quantile``/``n_iter``, singular correlation matrix, bad input.

    See Also
    --------
    efa, servqual.plotting.plot_scree

    Notes
    -----
    Components: eigenvalues of R. Factors: eigenvalues of the reduced R. The suggested
    number is how many leading observed eigenvalues exceed the threshold of the same
    rank from the simulations (count up to the first that does not). Matches the
    observed eigenvalues of ``psych::fa.parallel(x, fa="both", SMC=TRUE)``
    (``$pc.values``, ``$fa.values``) and its rule ``which(!(obs > sim))[1] - 1``;
    simulations only (no resampling).

    References
    ----------
    Horn, J. L. (1965). A rationale and test for the number of factors in factor
    analysis. *Psychometrika*, 30, 179–185.

    Examples
    --------
    >>> import servqual as sq
    >>> res = sq.parallel_analysis(sq.load_example("retail_bank"), n_iter=20, rng=1)
    >>> bool(res.n_factors >= 1)
    True
    """
    check_choice(reduced, "reduced", ("smc", "minres"))
    if isinstance(n_iter, bool) or not isinstance(n_iter, int | np.integer) or n_iter < 1:
        raise DataError(f"n_iter must be a positive whole number, got {n_iter!r}.")
    if isinstance(quantile, str):
        if quantile != "mean":
            raise DataError(f"quantile must be a number in (0, 1) or 'mean', got {quantile!r}.")
        q: float | None = None
    else:
        try:
            q = float(quantile)
        except (TypeError, ValueError):
            raise DataError(
                f"quantile must be a number in (0, 1) or 'mean', got {quantile!r}."
            ) from None
        if not 0.0 < q < 1.0:
            raise DataError(f"quantile must lie strictly between 0 and 1, got {quantile!r}.")
    gen = as_rng(rng)
    prep = _prep(data, score, n_obs, nan_policy, "parallel_analysis")
    r, n = prep.r, prep.n_obs
    p = len(prep.labels)
    _efa.check_invertible(r, prep.labels, "parallel analysis")
    pc_obs = np.sort(np.linalg.eigvalsh(r))[::-1]
    fa_obs = _reduced_values(r, reduced)

    pc_sim = np.empty((n_iter, p))
    fa_sim = np.empty((n_iter, p))
    chunk = max(1, min(n_iter, 4_000_000 // max(n * p, 1)))
    bar = Progress(n_iter, desc="parallel analysis", enabled=progress)
    for start in range(0, n_iter, chunk):
        k = min(chunk, n_iter - start)
        bar.step(k=k)
        z = gen.standard_normal((k, n, p))
        z -= z.mean(axis=1, keepdims=True)
        cov = np.einsum("kni,knj->kij", z, z)
        sd = np.sqrt(np.einsum("kii->ki", cov))
        cor = cov / sd[:, :, None] / sd[:, None, :]
        pc_sim[start : start + k] = np.linalg.eigvalsh(cor)[:, ::-1]
        if reduced == "smc":
            inv_diag = np.einsum("kii->ki", np.linalg.inv(cor))
            idx = np.arange(p)
            cor[:, idx, idx] = 1.0 - 1.0 / inv_diag
            fa_sim[start : start + k] = np.linalg.eigvalsh(cor)[:, ::-1]
        else:
            for j in range(k):
                fa_sim[start + j] = _reduced_values(cor[j], "minres")

    bar.close()

    def threshold(v: np.ndarray) -> np.ndarray:
        return v.mean(axis=0) if q is None else np.quantile(v, q, axis=0)

    pc_thr, fa_thr = threshold(pc_sim), threshold(fa_sim)
    table = pd.DataFrame(
        {
            "pc_observed": pc_obs,
            "pc_simulated": pc_thr,
            "fa_observed": fa_obs,
            "fa_simulated": fa_thr,
            "pc_simulated_mean": pc_sim.mean(axis=0),
            "fa_simulated_mean": fa_sim.mean(axis=0),
        },
        index=pd.RangeIndex(1, p + 1, name="number"),
    )
    return ParallelAnalysisResult(
        _table=table,
        n_factors=_first_not_above(fa_obs, fa_thr),
        n_components=_first_not_above(pc_obs, pc_thr),
        n_iter=int(n_iter),
        quantile=q,
        reduced=reduced,
        n_obs=n,
        nan_policy=prep.nan_policy,
        score=prep.score,
    )


# =========================================================================== EFA
@result_class
class EFAResult(TableResult):
    """An exploratory factor solution.

    The table is indexed by item: one column per factor (pattern loadings),
    ``communality``, ``uniqueness`` and ``complexity`` (Hofmann's index). Named fields
    hold the pieces as labelled frames and the fit statistics.
    """

    loadings: pd.DataFrame
    communalities: pd.Series
    uniquenesses: pd.Series
    variance: pd.DataFrame
    phi: pd.DataFrame | None
    structure: pd.DataFrame
    eigenvalues: pd.Series
    n_factors: int
    method: str
    rotation: str | None
    n_obs: int
    nan_policy: str
    score: str | None
    n_iter: int
    rotation_iter: int
    converged: bool
    heywood: tuple[str, ...]
    objective: float
    chisq: float
    df: float
    p_value: float
    rmsea: float
    rmsea_ci_low: float
    rmsea_ci_high: float
    tli: float
    bic: float
    null_chisq: float
    null_df: float
    rms: float
    correlation: str = "pearson"

    _plot_function = "plot_loadings"

    @property
    def factors(self) -> list[str]:
        """Factor labels, in order of variance explained."""
        return list(self.loadings.columns)

    @property
    def header(self) -> str:
        rot = self.rotation or "unrotated"
        fit = ""
        if np.isfinite(self.p_value):
            fit = (
                f" · χ²({self.df:g})={self.chisq:.2f}, {p_text(self.p_value)}, "
                f"RMSEA={self.rmsea:.3f}, TLI={self.tli:.3f}"
            )
        data = _data_text(self.score, self.n_obs, self.nan_policy)
        if self.correlation == "polychoric":
            data += " · polychoric"
        return f"EFA · {self.n_factors} factor(s) · {self.method}, {rot} · {data}{fit}"


def _rotate(lam: np.ndarray, rotation: str | None) -> tuple[np.ndarray, np.ndarray | None, int]:
    if rotation is None or lam.shape[1] < 2:
        return lam, None, 0
    if rotation == "varimax":
        out, _t, it = _rotation.varimax(lam)
        return out, None, it
    if rotation == "oblimin":
        return _rotation.oblimin(lam)
    return _rotation.promax(lam)


def _solve(
    prep: _efa.Prepared,
    n_factors: int,
    method: str,
    rotation: str | None,
    max_iter: int | None,
    tol: float | None,
    stacklevel: int = 4,
) -> EFAResult:
    r, labels = prep.r, prep.labels
    p = len(labels)
    _efa.check_invertible(r, labels, "Factor analysis")
    ex = _efa.extract(r, n_factors, method, tol, max_iter or (50 if method == "pa" else 10_000))
    _efa.warn_heywood(ex, labels, stacklevel=stacklevel)
    lam0 = ex.loadings
    lam0 = lam0 * np.where(lam0.sum(axis=0) < 0, -1.0, 1.0)
    h2 = np.sum(lam0 * lam0, axis=1)
    lam, phi, rot_it = _rotate(lam0, rotation)
    lam, phi, _ = _efa.orient(lam, phi)
    m = n_factors
    names = [f"F{k + 1}" for k in range(m)]
    idx = pd.Index(labels, name="item")
    ld = pd.DataFrame(lam, index=idx, columns=names)
    phi_m = np.eye(m) if phi is None else phi
    ss = np.diag(phi_m @ lam.T @ lam)
    vtotal = float(p)  # sum of communalities and uniquenesses of a correlation matrix
    variance = pd.DataFrame(
        {
            "ss_loadings": ss,
            "proportion_var": ss / vtotal,
            "cumulative_var": np.cumsum(ss / vtotal),
            "proportion_explained": ss / ss.sum(),
            "cumulative_proportion": np.cumsum(ss / ss.sum()),
        },
        index=pd.Index(names, name="factor"),
    ).T
    fit = _efa.fit_statistics(r, lam, phi, prep.n_obs)
    l2 = lam * lam
    complexity = l2.sum(axis=1) ** 2 / np.sum(l2 * l2, axis=1)
    table = ld.copy()
    table["communality"] = h2
    table["uniqueness"] = 1.0 - h2
    table["complexity"] = complexity
    return EFAResult(
        _table=table,
        loadings=ld,
        communalities=pd.Series(h2, index=idx, name="communality"),
        uniquenesses=pd.Series(1.0 - h2, index=idx, name="uniqueness"),
        variance=variance,
        phi=None if phi is None else pd.DataFrame(phi, index=names, columns=names),
        structure=pd.DataFrame(lam @ phi_m, index=idx, columns=names),
        eigenvalues=pd.Series(
            np.sort(np.linalg.eigvalsh(r))[::-1], index=pd.RangeIndex(1, p + 1, name="number")
        ),
        n_factors=m,
        method=method,
        rotation=rotation if m > 1 else None,
        n_obs=prep.n_obs,
        nan_policy=prep.nan_policy,
        score=prep.score,
        n_iter=ex.n_iter,
        rotation_iter=rot_it,
        converged=ex.converged,
        heywood=tuple(labels[j] for j in ex.heywood),
        **fit,
    )


def check_n_factors(n_factors: Any, p: int) -> int:
    if isinstance(n_factors, bool) or not isinstance(n_factors, int | np.integer):
        raise DataError(f"n_factors must be a whole number, got {n_factors!r}.")
    m = int(n_factors)
    if m < 1:
        raise DataError(f"n_factors must be at least 1, got {m}.")
    df = _efa.dof(p, m)
    if df < 0:
        max_m = max(k for k in range(1, p + 1) if _efa.dof(p, k) >= 0) if p >= 3 else 0
        raise InsufficientDataError(
            f"{m} factors are too many for {p} items: the model has {df:g} degrees of "
            f"freedom (< 0). Use at most {max_m} factor(s)."
        )
    return m


def efa(
    data: Any,
    n_factors: int = 1,
    *,
    method: Method = "minres",
    rotation: Rotation | None = "oblimin",
    score: str | None = None,
    n_obs: int | None = None,
    nan_policy: NanPolicy = "pairwise",
    max_iter: int | None = None,
    tol: float | None = None,
    correlation: Literal["pearson", "polychoric"] = "pearson",
) -> EFAResult:
    """Exploratory factor analysis (minres, maximum likelihood or principal axis).

    Parameters
    ----------
    data : Survey, DataFrame, ndarray or list
        Respondents × items, a Survey, or a correlation matrix when ``n_obs`` is given.
    n_factors : int
        Number of factors; the model needs df = p(p−1)/2 − pm + m(m−1)/2 ≥ 0.
    method : {"minres", "ml", "pa"}
        Minimum residual (psych's default), maximum likelihood, or iterated principal axis.
    rotation : {"varimax", "oblimin", "promax"} or None
        Orthogonal varimax, oblique direct oblimin (γ = 0) or promax (power 4), or none.
    score : str, optional
        Which item scores of a Survey (default ``"perception"``).
    n_obs : int, optional
        Sample size; giving it means ``data`` is a correlation matrix.
    nan_policy : {"pairwise", "listwise", "raise"}
        Missing answers (see :func:`kmo`).
    max_iter : int, optional
        Iteration limit of the extraction (default 10,000 for minres/ML, 50 for PA).
    tol : float, optional
        Convergence tolerance: projected-gradient norm for minres/ML (default 1e-9);
        change in total communality for PA (default 1e-3, psych's ``min.err``).
    correlation : {"pearson", "polychoric"}, default "pearson"
        ``"polychoric"``: factor the :func:`~servqual.polychoric` matrix of the answers
        (as ``psych::fa(x, cor="poly")``); needs a Survey or item data.

    Returns
    -------
    EFAResult
        ``loadings`` (items × factors, pattern loadings), ``communalities``,
        ``uniquenesses``, ``variance`` (ss_loadings, proportion_var, cumulative_var,
        proportion_explained, cumulative_proportion per factor), ``phi`` (factor
        correlations of an oblique rotation, in the order of the loadings, else None),
        ``structure`` (ΛΦ), ``n_iter``, ``converged`` and the fit statistics
        ``objective``, ``chisq``, ``df``, ``p_value``, ``rmsea`` (with
        ``rmsea_ci_low``/``rmsea_ci_high``, 90%), ``tli``, ``bic``, ``rms``.

    Raises
    ------
    InsufficientDataError
        Too many factors (df < 0), fewer than 3 respondents.
    DataError
        Zero-variance or all-missing item, singular correlation matrix, bad options.
    ConvergenceError
        The extraction or the rotation did not converge (no partial result is returned).

    Warns
    -----
    HeywoodWarning
        An item's communality reached one (its uniqueness hit the lower bound 0.005 of
        minres/ML, or PA produced a communality ≥ 1).

    See Also
    --------
    parallel_analysis, servqual.omega, servqual.plotting.plot_loadings

    Notes
    -----
    *minres* minimises ½‖(R − Ψ) − ΛΛ'‖² over the uniquenesses ψ ∈ [0.005, 1] by
    L-BFGS-B with the analytic gradient diag(ΛΛ' + Ψ − R), Λ from the leading
    eigenvectors of R − Ψ; at the optimum the diagonal residuals vanish, so this is
    the off-diagonal minimum residual solution of ``psych::fa(fm="minres")``.
    *ml* minimises Σ_{k>m}(λ_k − log λ_k − 1), λ the eigenvalues of Ψ^-½RΨ^-½
    (gradient diag(ΛΛ' + Ψ − R)/ψ²), as ``fm="ml"``. *pa* iterates the eigen
    decomposition of R with the communalities on the diagonal from the SMCs, stopping
    as ``fm="pa"`` does. Rotations (varimax with Kaiser normalization; oblimin by
    gradient projection; promax with Kaiser normalization) are followed, as in psych,
    by flipping each factor so its loadings sum to a positive number and sorting the
    factors by variance explained, diag(ΦΛ'Λ). Fit statistics use psych's definitions
    (``fa(...)$STATISTIC``, ``$RMSEA``, ``$TLI``, ``$BIC``), with χ² Bartlett-corrected:
    χ² = F·(n − 1 − (2p + 5)/6 − 2m/3). Survey weights are not used (unweighted
    correlations, as ``psych::fa`` without ``weight=``).

    References
    ----------
    Harman, H. H., & Jones, W. H. (1966). Factor analysis by minimizing residuals
    (minres). *Psychometrika*, 31, 351–368.
    Jöreskog, K. G. (1967). Some contributions to maximum likelihood factor analysis.
    *Psychometrika*, 32, 443–482.
    Bernaards, C. A., & Jennrich, R. I. (2005). Gradient projection algorithms and
    software for arbitrary rotation criteria in factor analysis. *Educational and
    Psychological Measurement*, 65, 676–696.

    Examples
    --------
    >>> import servqual as sq
    >>> res = sq.efa(sq.load_example("retail_bank"), n_factors=5, rotation="oblimin")
    >>> res.loadings.shape
    (22, 5)
    >>> bool(res.phi.to_numpy().diagonal().round(6).min() == 1)
    True
    """
    check_choice(method, "method", ("minres", "ml", "pa"))
    check_choice(rotation, "rotation", ("varimax", "oblimin", "promax", None))
    if max_iter is not None and (
        isinstance(max_iter, bool) or not isinstance(max_iter, int | np.integer) or max_iter < 1
    ):
        raise DataError(f"max_iter must be a positive whole number, got {max_iter!r}.")
    if tol is not None and (
        isinstance(tol, bool)
        or not isinstance(tol, int | float | np.number)
        or not np.isfinite(tol)
        or tol <= 0
    ):
        raise DataError(f"tol must be a positive number, got {tol!r}.")
    check_choice(correlation, "correlation", ("pearson", "polychoric"))
    if correlation == "polychoric":
        pc = polychoric_input(data, score, n_obs, nan_policy, "efa")
        res = efa(
            pc.rho,
            n_factors,
            method=method,
            rotation=rotation,
            n_obs=pc.n_obs,
            max_iter=max_iter,
            tol=tol,
        )
        return dataclasses.replace(
            res, score=pc.score, nan_policy=pc.nan_policy, correlation="polychoric"
        )
    prep = _prep(data, score, n_obs, nan_policy, "efa")
    m = check_n_factors(n_factors, len(prep.labels))
    return _solve(prep, m, method, rotation, max_iter, tol)
