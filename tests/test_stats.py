"""Shared column statistics against scipy."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from servqual._stats import t_test


@pytest.mark.parametrize("alternative", ["two-sided", "less", "greater"])
def test_t_test_matches_scipy_one_sample(alternative):
    rng = np.random.default_rng(4)
    x = rng.normal(0.3, 1.0, size=(40, 3))
    se = x.std(axis=0, ddof=1) / np.sqrt(len(x))
    t, p, lo, hi = t_test(x.mean(axis=0), se, len(x) - 1, 0.9, alternative)
    # scipy.stats.ttest_1samp(x, 0, alternative=...) and its confidence_interval(0.9)
    ref = stats.ttest_1samp(x, 0.0, alternative=alternative)
    ci = ref.confidence_interval(0.9)
    assert_allclose(t, ref.statistic, rtol=1e-12)
    assert_allclose(p, ref.pvalue, rtol=1e-10)
    assert_allclose(lo, ci.low, rtol=1e-12)
    assert_allclose(hi, ci.high, rtol=1e-12)
