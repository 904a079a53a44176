"""compare_groups with groups of size 0 and 1, checked against R.

Data: ``tests/reference/inference_small.csv`` with respondent 1 moved to a group of
its own (``"lonely"``) and P6 blanked for group ``"c"``, so that no member of ``c``
has a care gap. Figures from ``Rscript tests/reference/make_groups_small.R`` (base
R; the R call is beside each figure); no test runs R. Closed forms and p-values at
1e-6; Tukey intervals at atol 2e-4 because R's ``qtukey`` iterates to eps = 1e-4.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import servqual as sq
from servqual.exceptions import (
    DataError,
    InsufficientDataError,
    MissingDataWarning,
    ServqualWarning,
)

HERE = Path(__file__).parent / "reference"
TOL = 1e-6

# R: y <- speed; g <- d$grp (levels a, b, c, lonely); fit <- aov(y ~ g)
SPEED_AOV = {"f": 1.38534926166, "df2": 12, "p": 0.29468266639}  # summary(fit)
SPEED_EFFECT = {"eta_sq": 0.257244088423, "omega_sq": 0.0673842716841}  # from summary(fit)
# TukeyHSD(fit)$g, rows b-a c-a lonely-a c-b lonely-b lonely-c
SPEED_TUKEY = {
    "pairs": [("a", "b"), ("a", "c"), ("a", "lonely"), ("b", "c"), ("b", "lonely"), ("c", "lonely")],
    "diff": [-1.52, 0.1, -0.4, 1.62, 1.12, -0.5],
    "lwr": [-4.34287702374, -2.61631468258, -5.10479503957, -0.928129039159, -3.48973887653,
            -5.0452638288],
    "upr": [1.30287702374, 2.81631468258, 4.30479503957, 4.16812903916, 5.72973887653,
            4.0452638288],
    "p": [0.415203140407, 0.999505179783, 0.994050547486, 0.283395387113, 0.886718891038,
          0.9873660735],
}  # fmt: skip
# kruskal.test(round(y, 10) ~ g): H, df, p
SPEED_KW = [4.42058823529, 3, 0.219483955554]
# Games-Howell by the explicit formula, ptukey(q, k = 4, df, lower.tail = FALSE),
# pairs without the group of one: (diff, df, p)
SPEED_GH = {
    ("a", "b"): [-1.52, 4.05533628579, 0.334379405132],
    ("a", "c"): [0.1, 7.58480308126, 0.999636882499],
    ("b", "c"): [1.62, 6.58892768852, 0.263443688542],
}

# care: group c has no answers; R: ok <- !is.na(y); g <- droplevels(g[ok]); fit <- aov(y[ok] ~ g)
CARE_AOV = {"f": 1.38231382979, "df2": 7, "p": 0.311923599186}
CARE_EFFECT = {"eta_sq": 0.283126787417, "omega_sq": 0.0710315009265}
CARE_TUKEY = {
    "pairs": [("a", "b"), ("a", "lonely"), ("b", "lonely")],
    "diff": [1.8, 1.5, -0.3],
    "lwr": [-1.43765127518, -3.89608545863, -5.58706239283],
    "upr": [5.03765127518, 6.89608545863, 4.98706239283],
    "p": [0.292932877828, 0.704173196637, 0.984756150718],
}
CARE_KW = [1.66666666667, 2, 0.434598208507]  # kruskal.test(round(y, 10) ~ g)
CARE_GH = {("a", "b"): [1.8, 5.15911054615, 0.339044847713]}  # ptukey(q, 3, df, ...)
# tapply(y, g, mean), tapply(y, g, length)
MEANS = {"speed": [-1.2, -2.72, -1.1, -1.6], "care": [-1.0, 0.8, 0.5]}
NS = {"speed": [4, 5, 6, 1], "care": [4, 5, 1]}


def mini_instrument():
    return sq.instruments.Instrument.from_dict(
        {
            "name": "Mini",
            "ratings": ["E", "P"],
            "dimensions": [
                {"name": "speed", "items": ["a", "b", "c", "d", "e"]},
                {"name": "care", "items": ["f", "g"]},
            ],
        }
    )


@pytest.fixture(scope="module")
def frame():
    out = pd.read_csv(HERE / "inference_small.csv")
    out.loc[0, "grp"] = "lonely"
    out.loc[out["grp"] == "c", "P6"] = np.nan
    return out


@pytest.fixture(scope="module")
def survey(frame):
    return sq.Survey(frame, mini_instrument(), segments="grp")


def run(survey, **kw):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = sq.compare_groups(survey, by="grp", **kw)
    return res, caught


def check_tukey(ph, ref):
    assert list(zip(ph["group_a"], ph["group_b"], strict=True)) == ref["pairs"]
    assert_allclose(ph["diff"], ref["diff"], rtol=TOL, atol=1e-12)
    assert_allclose(ph["p_adj"], ref["p"], rtol=TOL)
    assert_allclose(ph["ci_low"], ref["lwr"], atol=2e-4)
    assert_allclose(ph["ci_high"], ref["upr"], atol=2e-4)


def test_anova_and_tukey_with_a_group_of_one_and_an_empty_group_match_r(survey):
    res, caught = run(survey, method="anova", post_hoc="tukey")
    tab = res.to_frame()
    for unit, aov, eff, n_groups in [
        ("speed", SPEED_AOV, SPEED_EFFECT, 4),
        ("care", CARE_AOV, CARE_EFFECT, 3),
    ]:
        row = tab.loc[unit]
        assert_allclose(
            [row["f"], row["df2"], row["p_unc"], row["eta_sq"], row["omega_sq"]],
            [aov["f"], aov["df2"], aov["p"], eff["eta_sq"], eff["omega_sq"]],
            rtol=TOL,
        )
        assert row["n_groups"] == n_groups
    ph = res.post_hoc
    check_tukey(ph[ph["dimension"] == "speed"], SPEED_TUKEY)
    check_tukey(ph[ph["dimension"] == "care"], CARE_TUKEY)
    assert np.isfinite(ph[["diff", "se", "q", "p_adj"]].to_numpy()).all()
    # the empty group is dropped with a warning, a field and a header line
    empty = [w for w in caught if issubclass(w.category, MissingDataWarning)]
    assert len(empty) == 1 and "'c' for 'care'" in str(empty[0].message)
    assert res.empty_groups == (("care", "c"),)
    assert "Empty groups dropped (no answers): 'c' for 'care'" in repr(res)


def test_descriptives_of_a_group_of_one(survey):
    res, caught = run(survey, method="anova")
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)]
    desc = res.descriptives
    for unit in ("speed", "care"):
        assert_allclose(desc.loc[unit, "mean"], MEANS[unit], rtol=TOL)
        assert desc.loc[unit, "n"].tolist() == NS[unit]
    assert np.isnan(desc.loc[("speed", "lonely"), "sd"])  # R: sd(-1.6) is NA
    assert ("care", "c") not in desc.index


def test_kruskal_with_a_group_of_one_matches_r(survey):
    res, _ = run(survey, method="kruskal")
    tab = res.to_frame()
    for unit, ref in [("speed", SPEED_KW), ("care", CARE_KW)]:
        assert_allclose([tab.loc[unit, c] for c in ("h", "df", "p_unc")], ref, rtol=TOL)


def test_games_howell_skips_pairs_with_a_group_of_one(survey):
    res, caught = run(survey, method="anova", post_hoc="games_howell")
    ph = res.post_hoc
    for unit, ref in [("speed", SPEED_GH), ("care", CARE_GH)]:
        rows = ph[ph["dimension"] == unit]
        assert list(zip(rows["group_a"], rows["group_b"], strict=True)) == list(ref)
        assert_allclose(rows[["diff", "df", "p_adj"]].to_numpy(), list(ref.values()), rtol=TOL)
    assert res.skipped_pairs == (
        ("speed", "a", "lonely"),
        ("speed", "b", "lonely"),
        ("speed", "c", "lonely"),
        ("care", "a", "lonely"),
        ("care", "b", "lonely"),
    )
    notes = [w for w in caught if w.category is ServqualWarning]
    assert len(notes) == 1 and "'a'–'lonely' for 'speed'" in str(notes[0].message)
    assert "Games–Howell pairs skipped" in repr(res)


@pytest.mark.parametrize("method", ["welch_anova", "auto"])
def test_welch_anova_refuses_a_group_of_one(survey, method):
    # R: oneway.test(y ~ g) stops with "not enough observations"
    with pytest.raises(InsufficientDataError, match=r"'lonely' \(n=1\).*method='anova'"):
        run(survey, method=method)


def test_welch_t_refuses_a_group_of_one(frame):
    two = frame[frame["grp"].isin(["a", "lonely"])].reset_index(drop=True)
    survey = sq.Survey(two, mini_instrument(), segments="grp")
    with pytest.raises(InsufficientDataError, match=r"'lonely' \(n=1\)"):
        run(survey, method="welch")


def test_a_unit_left_with_one_group_raises(frame):
    two = frame[frame["grp"].isin(["a", "c"])].reset_index(drop=True)
    survey = sq.Survey(two, mini_instrument(), segments="grp")
    with pytest.raises(InsufficientDataError, match=r"'care'.*only 'a'"):
        run(survey, method="anova")


def test_anova_of_singletons_only_has_no_residual_df(frame):
    ones = frame.iloc[[1, 6, 11]].reset_index(drop=True)  # one respondent of a, b, c
    survey = sq.Survey(ones, mini_instrument(), segments="grp")
    with pytest.raises(InsufficientDataError, match="no residual degrees of freedom"):
        run(survey, method="anova", level="overall")


def test_options_are_keyword_only(survey):
    with pytest.raises(TypeError):
        sq.compare_groups(survey, "grp", "gap")  # type: ignore[misc]
    with pytest.raises(DataError, match="method"):
        sq.compare_groups(survey, "grp", method="tukey")


# --------------------------------------------------------- post hoc in the display
def test_post_hoc_table_in_repr_and_html():
    bank = sq.load_example("retail_bank")
    res = sq.compare_groups(bank, by="branch", method="anova", post_hoc="tukey")
    post = res.post_hoc
    assert post is not None and len(post) == 15
    text = repr(res)
    html = res._repr_html_()
    main, extra = text.split("\n\nPost hoc comparisons (Tukey HSD)\n")
    assert main.startswith(res.header)
    rows = extra.splitlines()[1:]
    assert len(rows) == len(post)
    for line, (_, row) in zip(rows, post.iterrows(), strict=True):
        assert line.split()[:3] == [row["dimension"], row["group_a"], row["group_b"]]
        assert f"{row['diff']:.3f}" in line
    assert "Post hoc comparisons (Tukey HSD)" in html
    assert html.index("<b>Post hoc") > html.index("</table>")  # under the main table
    assert html.count("<table") == 2
    assert html.count("<td>empathy</td>") == 3
    assert f"{post['ci_high'].iloc[-1]:.3f}" in html
    # Games–Howell is named, and no post hoc means no second table
    gh = sq.compare_groups(bank, by="branch", method="welch_anova", post_hoc="games_howell")
    assert "Post hoc comparisons (Games–Howell)" in repr(gh)
    plain = sq.compare_groups(bank, by="branch", method="anova")
    assert "Post hoc" not in repr(plain)
    assert plain._repr_html_().count("<table") == 1
