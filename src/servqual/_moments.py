"""Count, mean and co-moment matrix of blocks of rows, and their pairwise merge (internal).

The numerical core shared by :class:`~servqual.SurveySummary`, the chunked CSV
reader and the Dask reduction: each block's co-moments are taken about the
block's own mean (two-pass), and blocks merge with the update of Chan, Golub &
LeVeque (1979), so a summary built in pieces equals the summary of the whole.
"""

from __future__ import annotations

import numpy as np

__all__ = ["merge_moments", "merge_variances", "moments", "variances"]


def moments(x: np.ndarray, *, overwrite: bool = False) -> tuple[int, np.ndarray, np.ndarray]:
    """Count, mean vector and co-moment matrix ``Σ (x − x̄)(x − x̄)ᵀ`` of the rows of ``x``.

    ``x`` is a complete (no NaN) ``(n, p)`` float array. The deviations are taken
    from the block's own mean (two-pass), never from raw sums of squares. With
    ``overwrite=True`` a float64 ``x`` is centred in place (no copy).
    """
    x = np.asarray(x, dtype=np.float64)
    n = x.shape[0]
    if n == 0:
        p = x.shape[1]
        return 0, np.zeros(p), np.zeros((p, p))
    mean = x.mean(axis=0)
    if overwrite and x.flags.writeable:
        x -= mean
        dev = x
    else:
        dev = x - mean
    m2 = dev.T @ dev
    return n, mean, (m2 + m2.T) / 2.0


def merge_moments(
    a: tuple[int, np.ndarray, np.ndarray], b: tuple[int, np.ndarray, np.ndarray]
) -> tuple[int, np.ndarray, np.ndarray]:
    """Pairwise update of Chan, Golub & LeVeque (1979) for two blocks of rows.

    ``n = n_a + n_b``; ``δ = x̄_b − x̄_a``; ``x̄ = x̄_a + δ·n_b/n``;
    ``M2 = M2_a + M2_b + δδᵀ·n_a·n_b/n``.
    """
    na, ma, sa = a
    nb, mb, sb = b
    if nb == 0:
        return na, ma.copy(), sa.copy()
    if na == 0:
        return nb, mb.copy(), sb.copy()
    n = na + nb
    delta = mb - ma
    mean = ma + delta * (nb / n)
    m2 = sa + sb + np.outer(delta, delta) * (na * nb / n)
    return n, mean, m2


def variances(x: np.ndarray, *, overwrite: bool = False) -> tuple[int, np.ndarray, np.ndarray]:
    """Count, mean vector and sums of squared deviations ``Σ (x − x̄)²`` of the columns of ``x``.

    The diagonal of :func:`moments` at ``O(n·p)`` cost, for columns that are
    themselves the scores of interest (gap scores): their variance then comes
    from their own deviations, free of the cancellation in ``aᵀ M2 a`` when a
    score is nearly constant while the ratings it combines vary.
    """
    x = np.asarray(x, dtype=np.float64)
    n = x.shape[0]
    if n == 0:
        return 0, np.zeros(x.shape[1]), np.zeros(x.shape[1])
    mean = x.mean(axis=0)
    dev = np.subtract(x, mean, out=x) if overwrite and x.flags.writeable else x - mean
    return n, mean, np.einsum("ij,ij->j", dev, dev)


def merge_variances(
    a: tuple[int, np.ndarray, np.ndarray], b: tuple[int, np.ndarray, np.ndarray]
) -> tuple[int, np.ndarray, np.ndarray]:
    """:func:`merge_moments` for sums of squared deviations only (the diagonal of M2):
    ``ss = ss_a + ss_b + δ²·n_a·n_b/n``."""
    na, ma, sa = a
    nb, mb, sb = b
    if nb == 0:
        return na, ma.copy(), sa.copy()
    if na == 0:
        return nb, mb.copy(), sb.copy()
    n = na + nb
    delta = mb - ma
    return n, ma + delta * (nb / n), sa + sb + delta * delta * (na * nb / n)
