"""Tests for servqual.power against R power.t.test / power.anova.test and statsmodels.

Reference figures: tests/reference/make_inference.R ($power), with
power.t.test(strict = TRUE, tol = 1e-12) and power.anova.test solved by
uniroot(tol = 1e-12). Closed forms and tight roots: rtol=1e-6.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose
from statsmodels.stats.power import FTestAnovaPower, TTestIndPower, TTestPower

import servqual as sq
from servqual.exceptions import ConvergenceError, DataError

REF = json.loads((Path(__file__).parent / "reference" / "inference_reference.json").read_text())[
    "power"
]
RTOL = 1e-6


def test_sq_power_is_the_function():
    assert callable(sq.power) and sq.power.__name__ == "power"
    assert isinstance(sq.power(effect_size=0.3, n=100), sq.PowerResult)


def test_paired_matches_r():
    # R: power.t.test(n = 100, delta = 0.3, sd = 1, type = "paired", strict = TRUE)$power
    assert_allclose(sq.power(effect_size=0.3, n=100).power, REF["paired_power"], rtol=RTOL)
    # R: power.t.test(power = 0.8, delta = 0.3, type = "paired", strict = TRUE)$n
    res = sq.sample_size(0.3, power=0.8)
    assert_allclose(res.n, REF["paired_n"], rtol=RTOL)
    assert res.n_required == math.ceil(REF["paired_n"]) and res.solved_for == "n"
    # R: power.t.test(n = 50, power = 0.9, type = "paired", strict = TRUE)$delta
    assert_allclose(sq.power(n=50, power=0.9).effect_size, REF["paired_delta"], rtol=RTOL)
    # R: power.t.test(n = 40, delta = 0.25, type = "paired", alternative = "one.sided")$power
    assert_allclose(
        sq.power(effect_size=0.25, n=40, alternative="greater").power,
        REF["paired_one_power"],
        rtol=RTOL,
    )
    assert_allclose(
        sq.power(effect_size=-0.25, n=40, alternative="less").power,
        REF["paired_one_power"],
        rtol=RTOL,
    )
    # R: power.t.test(power = 0.9, delta = 0.4, sig.level = 0.01, type = "paired",
    #                 alternative = "one.sided")$n
    assert_allclose(
        sq.sample_size(0.4, power=0.9, sig_level=0.01, alternative="greater").n,
        REF["paired_one_n"],
        rtol=RTOL,
    )


def test_two_sample_matches_r():
    # R: power.t.test(n = 64, delta = 0.5, type = "two.sample", strict = TRUE)$power
    assert_allclose(
        sq.power(effect_size=0.5, n=64, test="two_sample").power, REF["two_power"], rtol=RTOL
    )
    res = sq.sample_size(0.5, test="two_sample")  # R: power.t.test(power = 0.8, delta = 0.5)$n
    assert_allclose(res.n, REF["two_n"], rtol=RTOL)
    assert_allclose(res.n_total, 2 * REF["two_n"], rtol=RTOL)
    # R: power.t.test(n = 30, power = 0.8, type = "two.sample", strict = TRUE)$delta
    assert_allclose(
        sq.power(n=30, power=0.8, test="two_sample").effect_size, REF["two_delta"], rtol=RTOL
    )


def f_from_r(k, between, within):
    """Cohen's f from power.anova.test's between.var (var() of the means) and within.var."""
    return np.sqrt((k - 1) / k * between / within)


def test_anova_matches_r_with_converted_effect():
    # R: power.anova.test(groups = 4, n = 20, between.var = 1, within.var = 6)$power
    res = sq.power(effect_size=f_from_r(4, 1, 6), n=20, test="anova", k_groups=4)
    assert_allclose(res.power, REF["anova_power"], rtol=RTOL)
    assert res.n_total == 80
    # R: uniroot on power.anova.test(groups = 3, n, between.var = 1, within.var = 5)$power - 0.8
    res = sq.sample_size(f_from_r(3, 1, 5), test="anova", k_groups=3)
    assert_allclose(res.n, REF["anova_n"], rtol=RTOL)
    # R: uniroot on power.anova.test(groups = 3, n = 30, between.var, within.var = 1) - 0.8
    f = sq.power(n=30, power=0.8, test="anova", k_groups=3).effect_size
    assert_allclose(f, f_from_r(3, REF["anova_between"], 1), rtol=RTOL)


def test_agrees_with_statsmodels():
    # statsmodels.stats.power: TTestPower / TTestIndPower / FTestAnovaPower
    assert_allclose(
        sq.power(effect_size=0.35, n=60).power,
        TTestPower().power(0.35, 60, 0.05, alternative="two-sided"),
        rtol=RTOL,
    )
    assert_allclose(
        sq.power(effect_size=0.35, n=60, alternative="greater").power,
        TTestPower().power(0.35, 60, 0.05, alternative="larger"),
        rtol=RTOL,
    )
    assert_allclose(
        sq.sample_size(0.35).n,
        TTestPower().solve_power(0.35, alpha=0.05, power=0.8),
        rtol=1e-5,  # statsmodels' own root finder stops earlier
    )
    assert_allclose(
        sq.power(effect_size=0.4, n=45, test="two_sample").power,
        TTestIndPower().power(0.4, 45, 0.05, ratio=1.0),
        rtol=RTOL,
    )
    assert_allclose(
        sq.power(effect_size=0.25, n=30, test="anova", k_groups=4).power,
        FTestAnovaPower().power(0.25, 120, 0.05, k_groups=4),
        rtol=RTOL,
    )


def test_round_trip_and_monotone():
    n = sq.sample_size(0.42, power=0.85).n
    assert_allclose(sq.power(effect_size=0.42, n=n).power, 0.85, rtol=1e-9)
    p = [sq.power(effect_size=0.3, n=k).power for k in (20, 40, 80, 160)]
    assert np.all(np.diff(p) > 0)
    # sign of the effect does not matter for a two-sided test
    assert_allclose(sq.power(effect_size=-0.3, n=50).power, sq.power(effect_size=0.3, n=50).power)
    # large effects: power is 1, not NaN (scipy's noncentral tail underflows)
    assert sq.power(effect_size=0.74, n=212).power == pytest.approx(1.0)


def test_table_columns():
    t = sq.power(effect_size=0.3, n=100).to_frame()
    assert list(t.columns) == [
        "test", "alternative", "effect_size", "n", "n_required", "n_total", "k_groups",
        "sig_level", "power", "solved_for",
    ]  # fmt: skip
    assert "Power" in repr(sq.power(effect_size=0.3, n=100))


def test_power_from_survey():
    survey = sq.load_example("retail_bank")
    res = sq.power_from_survey(survey, level="dimension")
    tab = res.to_frame()
    g = sq.respondent_scores(survey, level="dimension")
    for d in tab.index:
        x = g[d].dropna()
        dz = x.mean() / x.std(ddof=1)
        assert_allclose(tab.loc[d, "cohen_dz"], dz, rtol=1e-12)
        # smallest integer n with power >= 0.8 (statsmodels TTestPower)
        n = tab.loc[d, "n_required"]
        assert (
            TTestPower().power(abs(dz), n, 0.05) >= 0.8 > TTestPower().power(abs(dz), n - 1, 0.05)
        )
    items = sq.power_from_survey(survey, level="item", power=0.9).to_frame()
    assert len(items) == 22 and items["dimension"].iloc[0] == "tangibles"


def test_bad_input():
    with pytest.raises(DataError, match="exactly two"):
        sq.power(effect_size=0.3)
    with pytest.raises(DataError, match="exactly two"):
        sq.power(effect_size=0.3, n=10, power=0.8)
    with pytest.raises(DataError, match="k_groups"):
        sq.power(effect_size=0.3, n=10, test="anova")
    with pytest.raises(DataError, match="'sideways'"):
        sq.power(effect_size=0.3, n=10, alternative="sideways")
    with pytest.raises(DataError, match="alternative='less'"):
        sq.power(effect_size=0.3, n=10, test="anova", k_groups=3, alternative="less")
    with pytest.raises(DataError, match="sig_level"):
        sq.power(effect_size=0.3, n=10, sig_level=1.5)
    with pytest.raises(DataError, match=r"power \(0.01\) must exceed sig_level"):
        sq.sample_size(0.3, power=0.01)
    with pytest.raises(DataError, match="effect_size"):
        sq.sample_size(0.0)
    with pytest.raises(DataError, match="'t'"):
        sq.power(effect_size=0.3, n=10, test="t")
    with pytest.raises(ConvergenceError):
        sq.sample_size(1e-6)  # not reachable with n <= 1e7


def test_one_sided_sign_mismatch_is_explained():
    # alternative="less" looks for a negative effect: a positive one can never reach power
    with pytest.raises(sq.DataError, match=r"alternative='less'.*negative.*effect_size=0.5"):
        sq.sample_size(0.5, alternative="less")
    with pytest.raises(sq.DataError, match=r"alternative='greater'.*positive.*-0.5"):
        sq.power(-0.5, power=0.8, test="two_sample", alternative="greater")
    # the observed MSA of reliability and responsiveness is negative in the ZOT example
    zot = sq.load_example("zone_of_tolerance")
    with pytest.raises(sq.DataError, match=r"'reliability', 'responsiveness'"):
        sq.power_from_survey(zot, alternative="greater")


def test_api_convention():
    """Keyword-only options, sig_level (never alpha), the shared vocabulary's errors."""
    res = sq.power(effect_size=0.3, n=100, sig_level=0.01)
    assert res.sig_level == 0.01 and res.to_frame()["sig_level"].iloc[0] == 0.01
    assert "sig_level=0.01" in repr(res)
    assert not hasattr(res, "alpha")
    with pytest.raises(TypeError):
        sq.power(0.3, 100)  # n is keyword-only
    with pytest.raises(TypeError):
        sq.sample_size(0.3, 0.8)  # power is keyword-only
    with pytest.raises(TypeError):
        sq.power(effect_size=0.3, n=100, alpha=0.05)  # renamed to sig_level
    survey = sq.load_example("retail_bank")
    with pytest.raises(TypeError):
        sq.power_from_survey(survey, "item")  # level is keyword-only
    planned = sq.power_from_survey(survey, level="overall", sig_level=0.01)
    assert planned.sig_level == 0.01 and "sig_level=0.01" in repr(planned)
    # the same invalid option raises the same DataError as everywhere else
    with pytest.raises(DataError, match=r"level='items' is not allowed"):
        sq.power_from_survey(survey, level="items")
    with pytest.raises(DataError, match=r"alternative='two.sided' is not allowed"):
        sq.power_from_survey(survey, alternative="two.sided")
    # reference names as the rest of the package spells them
    zot = sq.load_example("zone_of_tolerance")
    by_name = sq.power_from_survey(zot, level="overall", reference="desired").to_frame()
    by_letter = sq.power_from_survey(zot, level="overall", reference="D").to_frame()
    assert by_name.equals(by_letter)
