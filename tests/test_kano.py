"""Tests for servqual.kano: Kano classification and Better/Worse coefficients.

Expected values are counted by hand from the Kano evaluation table of Berger et al.
(1993) and written out below independently of the implementation.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import servqual as sq

IDX = pd.Index([f"r{k}" for k in range(1, 7)], name="respondent")
# 1 like, 2 must-be, 3 neutral, 4 live-with, 5 dislike
FUNC = pd.DataFrame(
    {"wifi": [1, 1, 1, 2, 3, 5], "parking": [2, 3, 4, 1, 1, 3], "app": [1, 1, 5, 3, 3, 2]},
    index=IDX,
)
DYSF = pd.DataFrame(
    {"wifi": [5, 3, 4, 5, 3, 1], "parking": [5, 5, 5, 5, 1, 4], "app": [2, 5, 5, 3, 2, 5]},
    index=IDX,
)
# by hand: wifi    O A A M I R ; parking M M M O Q I ; app A O Q I I M
HAND = {
    "wifi": {"a": 2, "o": 1, "m": 1, "i": 1, "r": 1, "q": 0, "category": "A"},
    "parking": {"a": 0, "o": 1, "m": 3, "i": 1, "r": 0, "q": 1, "category": "M"},
    "app": {"a": 1, "o": 1, "m": 1, "i": 2, "r": 0, "q": 1, "category": "I"},
}
# Better = (A+O)/(A+O+M+I), Worse = -(O+M)/(A+O+M+I)
HAND_BETTER = {"wifi": 3 / 5, "parking": 1 / 5, "app": 2 / 5}
HAND_WORSE = {"wifi": -2 / 5, "parking": -4 / 5, "app": -2 / 5}
HAND_LETTERS = {
    "wifi": ["O", "A", "A", "M", "I", "R"],
    "parking": ["M", "M", "M", "O", "Q", "I"],
    "app": ["A", "O", "Q", "I", "I", "M"],
}


def test_hand_computed_counts_shares_and_coefficients():
    res = sq.kano(FUNC, DYSF)
    t = res.to_frame()
    assert list(t.index) == ["wifi", "parking", "app"]
    for feat, exp in HAND.items():
        for letter in "aomirq":
            assert t.loc[feat, letter] == exp[letter], (feat, letter)
            assert_allclose(t.loc[feat, f"share_{letter}"], exp[letter] / 6)
        assert t.loc[feat, "category"] == exp["category"]
        assert t.loc[feat, "n"] == 6
        assert_allclose(t.loc[feat, "better"], HAND_BETTER[feat], rtol=1e-12)
        assert_allclose(t.loc[feat, "worse"], HAND_WORSE[feat], rtol=1e-12)
    assert not t["tied"].any()
    assert res.n == 6 and res.n_dropped == 0 and res.dropped_rows == ()
    assert "n=6 respondents" in repr(res)
    for feat, letters in HAND_LETTERS.items():
        assert res.classifications[feat].tolist() == letters


def test_full_evaluation_table():
    # Berger et al. (1993), rows functional, columns dysfunctional, spelled out cell by cell
    expected = {
        (1, 1): "Q", (1, 2): "A", (1, 3): "A", (1, 4): "A", (1, 5): "O",
        (2, 1): "R", (2, 2): "I", (2, 3): "I", (2, 4): "I", (2, 5): "M",
        (3, 1): "R", (3, 2): "I", (3, 3): "I", (3, 4): "I", (3, 5): "M",
        (4, 1): "R", (4, 2): "I", (4, 3): "I", (4, 4): "I", (4, 5): "M",
        (5, 1): "R", (5, 2): "R", (5, 3): "R", (5, 4): "R", (5, 5): "Q",
    }  # fmt: skip
    pairs = list(expected)
    f = pd.DataFrame({"x": [p[0] for p in pairs], "y": [1] * 25})
    d = pd.DataFrame({"x": [p[1] for p in pairs], "y": [5] * 25})
    res = sq.kano(f, d)
    assert res.classifications["x"].tolist() == [expected[p] for p in pairs]


def test_tie_broken_must_be_first():
    f = pd.DataFrame({"f": [1, 1, 2, 3]})
    d = pd.DataFrame({"f": [3, 5, 5, 3]})  # A, O, M, I: four-way tie
    t = sq.kano(f, d).to_frame()
    assert t.loc["f", "category"] == "M"
    assert bool(t.loc["f", "tied"])
    f2 = pd.DataFrame({"f": [1, 1, 1, 1]})
    d2 = pd.DataFrame({"f": [3, 3, 5, 5]})  # A, A, O, O
    assert sq.kano(f2, d2).to_frame().loc["f", "category"] == "O"


def test_labels_equal_codes_and_missing_pairs_dropped():
    names = {1: "like", 2: "Must-be", 3: " neutral ", 4: "live with", 5: "DISLIKE"}
    f_lab = FUNC.replace(names).astype(object)
    d_lab = DYSF.replace(names).astype(object)
    a = sq.kano(FUNC, DYSF).to_frame()
    b = sq.kano(f_lab, d_lab).to_frame()
    pd.testing.assert_frame_equal(a, b)
    f_miss = FUNC.astype(float)
    f_miss.loc["r6", "wifi"] = np.nan  # drops the R pair of wifi
    t = sq.kano(f_miss, DYSF).to_frame()
    assert t.loc["wifi", "n"] == 5
    assert t.loc["wifi", "r"] == 0
    assert_allclose(t.loc["wifi", "share_a"], 2 / 5)
    assert_allclose(t.loc["wifi", "better"], 3 / 5)  # R never enters Better/Worse
    assert t.loc["parking", "n"] == 6
    # a respondent without any complete pair is not used (n, n_dropped, dropped_rows)
    f_gone = FUNC.astype(float)
    f_gone.loc["r2"] = np.nan
    res = sq.kano(f_gone, DYSF)
    assert res.n == 5 and res.n_dropped == 1 and res.dropped_rows == ("r2",)
    assert (res.to_frame()["n"] == 5).all()


def test_long_format_equals_wide():
    long = (
        pd.concat(
            {"functional": FUNC.stack(), "dysfunctional": DYSF.stack()},
            axis=1,
        )
        .rename_axis(["respondent", "feature"])
        .reset_index()
        .sample(frac=1.0, random_state=3)
        .reset_index(drop=True)
    )
    wide = sq.kano(FUNC, DYSF).to_frame()
    res = sq.kano(long)
    pd.testing.assert_frame_equal(res.to_frame().loc[wide.index], wide)
    renamed = long.rename(columns={"respondent": "id", "feature": "attr"})
    res2 = sq.kano(renamed, respondent_col="id", feature_col="attr")
    pd.testing.assert_frame_equal(res2.to_frame().loc[wide.index], wide)


def test_inputs_unchanged_and_array_inputs_agree():
    f_copy, d_copy = FUNC.copy(deep=True), DYSF.copy(deep=True)
    a = sq.kano(FUNC, DYSF).to_frame()
    pd.testing.assert_frame_equal(FUNC, f_copy)
    pd.testing.assert_frame_equal(DYSF, d_copy)
    b = sq.kano(FUNC.to_numpy(), DYSF.to_numpy()).to_frame()
    c = sq.kano(FUNC.to_numpy().tolist(), DYSF.to_numpy().tolist()).to_frame()
    assert_allclose(b.drop(columns=["category", "tied"]), a.drop(columns=["category", "tied"]))
    assert b["category"].tolist() == a["category"].tolist()
    pd.testing.assert_frame_equal(b, c)
    # feature order follows the input
    rev = sq.kano(FUNC[FUNC.columns[::-1]], DYSF).to_frame()
    pd.testing.assert_frame_equal(rev.loc[a.index], a)


def test_invalid_codes_name_column_and_rows():
    bad = FUNC.copy()
    bad.loc[["r2", "r5"], "parking"] = [0, 6]
    with pytest.raises(sq.ServqualError, match=r"'parking' of functional.*rows 'r2', 'r5'"):
        sq.kano(bad, DYSF)
    bad_lab = DYSF.astype(object)
    bad_lab.loc["r3", "app"] = "love it"
    with pytest.raises(sq.DataError, match=r"'app' of dysfunctional.*rows 'r3'.*'love it'"):
        sq.kano(FUNC, bad_lab)
    frac = FUNC.astype(float)
    frac.loc["r1", "wifi"] = 2.5
    with pytest.raises(sq.DataError, match=r"'wifi'.*r1.*2\.5"):
        sq.kano(frac, DYSF)


def test_mismatched_inputs():
    with pytest.raises(sq.DataError, match=r"only in functional 'app'"):
        sq.kano(FUNC, DYSF.rename(columns={"app": "web"}))
    with pytest.raises(sq.DataError, match="shape"):
        sq.kano(FUNC, DYSF.iloc[:4])
    with pytest.raises(sq.DataError, match="row labels"):
        sq.kano(FUNC, DYSF.set_axis([f"s{k}" for k in range(6)]))
    long = pd.DataFrame(
        {"respondent": [1, 1], "feature": ["a", "a"], "functional": [1, 2], "dysfunctional": [5, 5]}
    )
    with pytest.raises(sq.DataError, match="rows 0, 1"):
        sq.kano(long)
    with pytest.raises(sq.MissingColumnError, match="dysfunctional"):
        sq.kano(long.drop(columns="dysfunctional"))


def test_undefined_coefficients_raise():
    f = pd.DataFrame({"ok": [1, 2], "odd": [5, 1]})
    d = pd.DataFrame({"ok": [5, 5], "odd": [1, 1]})  # odd: R, Q only
    with pytest.raises(sq.InsufficientDataError, match="'odd'"):
        sq.kano(f, d)
    f2 = pd.DataFrame({"ok": [1, 2], "empty": [np.nan, np.nan]})
    with pytest.raises(sq.InsufficientDataError, match="'empty'"):
        sq.kano(f2, d.rename(columns={"odd": "empty"}))


def test_plot_kano():
    res = sq.kano(FUNC, DYSF)
    _fig, ax = plt.subplots()
    assert sq.plot_kano(res, ax=ax) is ax
    offsets = ax.collections[0].get_offsets()
    assert len(offsets) == 3
    assert_allclose(np.asarray(offsets)[:, 0], [0.4, 0.8, 0.4])  # |Worse|
    assert_allclose(np.asarray(offsets)[:, 1], [0.6, 0.2, 0.4])  # Better
    assert {t.get_text() for t in ax.texts} == {"wifi", "parking", "app"}
    assert "Better" in ax.get_ylabel()
    assert res.plot(ax=plt.subplots()[1]) is not None
    plt.close("all")
