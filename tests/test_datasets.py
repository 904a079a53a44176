"""Tests for servqual.datasets: the simulator's rng= and the bundled examples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import servqual as sq


def test_simulate_rng_int_generator_none():
    a = sq.datasets.simulate(40, rng=5)
    # an int seed draws what numpy.random.default_rng(seed) draws
    pd.testing.assert_frame_equal(a, sq.datasets.simulate(40, rng=np.random.default_rng(5)))
    assert not a.equals(sq.datasets.simulate(40, rng=6))
    # the default stays reproducible (rng=0)
    pd.testing.assert_frame_equal(sq.datasets.simulate(40), sq.datasets.simulate(40, rng=0))
    # a Generator is drawn from and advanced
    gen = np.random.default_rng(1)
    first, second = sq.datasets.simulate(40, rng=gen), sq.datasets.simulate(40, rng=gen)
    assert not first.equals(second)
    assert sq.datasets.simulate(10, rng=None).shape == (10, a.shape[1])


def test_simulate_seed_is_deprecated_for_rng():
    with pytest.warns(FutureWarning, match=r"simulate\(rng=\.\.\.\)"):
        old = sq.datasets.simulate(30, seed=3)
    pd.testing.assert_frame_equal(old, sq.datasets.simulate(30, rng=3))


def test_simulate_options_are_keyword_only_and_checked():
    with pytest.raises(TypeError):
        sq.datasets.simulate(30, "servperf22")  # instrument is keyword-only
    df = sq.datasets.simulate(30, instrument="servperf22", rng=1)
    assert sq.Survey(df, "servperf22").n_respondents == 30
    with pytest.raises(sq.DataError, match="rng must be"):
        sq.datasets.simulate(10, rng="seven")
    with pytest.raises(sq.DataError, match="positive integer"):
        sq.datasets.simulate(True)


@pytest.mark.parametrize("name", list(sq.datasets.EXAMPLES))
def test_provenance_uses_rng(name):
    prov = sq.datasets.list_examples().loc[name, "provenance"]
    assert "rng=" in prov and "seed=" not in prov and "instrument=" in prov
