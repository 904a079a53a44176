"""Parity of the two data sources: a Survey and its mergeable SurveySummary.

Every statistic is written once on the source protocol (``servqual._source``); these
tests run each one over a grid of options on four sources built from the same data —
the listwise in-memory ``Survey``, ``SurveySummary.from_survey``, a summary merged
from row blocks (as a chunked CSV gives) and a summary of a Dask frame — and assert
equal numbers (relative 1e-10), equal columns and headers, equal warnings and equal
errors (class and message) for the same invalid options.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest

import servqual as sq

RTOL = 1e-10
WEIGHTS = {"tangibles": 10, "reliability": 30, "responsiveness": 20, "assurance": 20, "empathy": 20}
OUTCOMES = ["overall", "recommend"]


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return sq.datasets.simulate(
        400, segments={"store": ["a", "b", "c"]}, importance=False, missing=0.02, rng=7
    )


@pytest.fixture(scope="module")
def sources(frame) -> dict[str, object]:
    inst = sq.instruments.servqual22(weights=WEIGHTS)
    opts = {"segments": "store", "outcomes": OUTCOMES}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sq.MissingDataWarning)
        survey = sq.Survey(frame, inst, nan_policy="listwise", **opts)
        summary = sq.SurveySummary.from_survey(sq.Survey(frame, inst, **opts))
        blocks = [(0, 1), (1, 150), (150, 151), (151, 400)]
        merged = sq.SurveySummary.merge_all(
            [sq.SurveySummary.from_frame(frame.iloc[a:b], inst, **opts) for a, b in blocks]
        )
    out: dict[str, object] = {"survey": survey, "summary": summary, "merged": merged}
    dd = pytest.importorskip("dask.dataframe")
    import dask

    with dask.config.set(scheduler="synchronous"), warnings.catch_warnings():
        warnings.simplefilter("ignore", sq.MissingDataWarning)
        out["dask"] = sq.SurveySummary.from_frame(
            dd.from_pandas(frame, npartitions=3), inst, **opts
        )
    return out


def _run(fn, src):
    """(result, [(warning class, message)]) of ``fn(src)``."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = fn(src)
    return res, [(w.category, str(w.message)) for w in caught]


def _assert_same(results: dict[str, tuple[object, list]]) -> None:
    (ref_name, (ref, ref_w)), *rest = results.items()
    for name, (res, w) in rest:
        a, b = ref.to_frame(), res.to_frame()
        assert list(a.columns) == list(b.columns), name
        pd.testing.assert_frame_equal(
            a, b, check_exact=False, rtol=RTOL, atol=1e-12, obj=f"{ref_name} vs {name}"
        )
        assert repr(ref).splitlines()[0] == repr(res).splitlines()[0], name
        assert w == ref_w, name


def _each(sources, fn):
    return {name: _run(fn, src) for name, src in sources.items()}


# ----------------------------------------------------------------------------- gaps
@pytest.mark.parametrize(
    ("level", "weighted", "by", "reference"),
    list(
        itertools.product(
            ["item", "dimension", "overall"], [False, True], [None, "store"], [None, "E"]
        )
    ),
)
def test_gap_scores(sources, level, weighted, by, reference):
    _assert_same(
        _each(
            sources,
            lambda s: sq.gap_scores(s, level=level, weighted=weighted, by=by, reference=reference),
        )
    )


# ----------------------------------------------------------------------------- paired tests
@pytest.mark.parametrize(
    ("level", "p_adjust", "alternative", "weighted"),
    [
        ("item", "holm", "two-sided", False),
        ("item", "BH", "less", False),
        ("item", "fdr_bh", "greater", False),
        ("dimension", None, "two-sided", True),
        ("dimension", "bonferroni", "less", False),
        ("overall", "holm", "two-sided", True),
    ],
)
def test_paired_tests(sources, level, p_adjust, alternative, weighted):
    results = _each(
        sources,
        lambda s: sq.paired_tests(
            s, level=level, p_adjust=p_adjust, alternative=alternative, weighted=weighted
        ),
    )
    _assert_same(results)
    # "BH" and "fdr_bh" are one method, recorded under one name on every path
    assert len({res.p_adjust for res, _ in results.values()}) == 1


# ----------------------------------------------------------------------------- reliability
@pytest.mark.parametrize(
    ("score", "level", "ci"),
    list(
        itertools.product(
            ["perception", "expectation", "gap"], ["dimension", "overall"], ["feldt", "duhachek"]
        )
    ),
)
def test_cronbach_alpha(sources, score, level, ci):
    results = _each(
        sources,
        lambda s: sq.cronbach_alpha(s, score=score, level=level, ci=ci, nan_policy="listwise"),
    )
    _assert_same(results)
    ref = results["survey"][0]
    for res, _ in results.values():
        pd.testing.assert_frame_equal(ref.items, res.items, check_exact=False, rtol=RTOL)


@pytest.mark.parametrize("score", ["perception", "gap"])
def test_split_half_and_item_analysis(sources, score):
    _assert_same(
        _each(sources, lambda s: sq.split_half(s, score=score, nan_policy="listwise", rng=3))
    )
    _assert_same(_each(sources, lambda s: sq.item_analysis(s, score=score, nan_policy="listwise")))


# ----------------------------------------------------------------------------- factor analysis
@pytest.mark.parametrize("score", ["perception", "expectation"])
def test_factor_statistics(sources, score):
    for fn in (sq.kmo, sq.bartlett_sphericity):
        _assert_same(_each(sources, lambda s, fn=fn: fn(s, score=score, nan_policy="listwise")))
    results = _each(
        sources, lambda s: sq.efa(s, 5, score=score, nan_policy="listwise", rotation="varimax")
    )
    ref = results["survey"][0].to_frame()
    for res, _ in results.values():  # an iterative fit: the optimiser's tolerance
        pd.testing.assert_frame_equal(ref, res.to_frame(), check_exact=False, rtol=1e-6)


# ----------------------------------------------------------------------------- key drivers
@pytest.mark.parametrize(
    ("outcome", "level", "include", "score"),
    [
        ("overall", "dimension", None, "perception"),
        ("recommend", "dimension", ["empathy", "tangibles"], "gap"),
        ("overall", "item", None, "expectation"),
    ],
)
def test_key_drivers(sources, outcome, level, include, score):
    results = _each(
        sources,
        lambda s: sq.key_drivers(
            s, outcome=outcome, level=level, include=include, score=score, robust=None
        ),
    )
    _assert_same(results)
    for field in ("n", "n_dropped", "r_squared", "intercept", "intercept_se"):
        values = [getattr(res, field) for res, _ in results.values()]
        np.testing.assert_allclose(values, values[0], rtol=RTOL, err_msg=field)


# ----------------------------------------------------------------------------- errors
BAD_CALLS = {
    "level": lambda s: sq.gap_scores(s, level="items"),
    "weighted": lambda s: sq.gap_scores(s, weighted="yes"),
    "by type": lambda s: sq.gap_scores(s, by=1),
    "by twice": lambda s: sq.gap_scores(s, by=["store", "store"]),
    "by unknown": lambda s: sq.gap_scores(s, by="region"),
    "reference": lambda s: sq.gap_scores(s, reference="D"),
    "confidence": lambda s: sq.gap_scores(s, confidence_level=95),
    "p_adjust": lambda s: sq.paired_tests(s, p_adjust="bogus"),
    "alternative": lambda s: sq.paired_tests(s, alternative="bigger"),
    "paired weighted": lambda s: sq.paired_tests(s, weighted="yes"),
    "method": lambda s: sq.paired_tests(s, method="sign"),
    "alpha nan_policy": lambda s: sq.cronbach_alpha(s, nan_policy="bogus"),
    "alpha score": lambda s: sq.cronbach_alpha(s, score="happiness"),
    "alpha ci": lambda s: sq.cronbach_alpha(s, ci="exact"),
    "alpha level": lambda s: sq.cronbach_alpha(s, level="item"),
    "kmo nan_policy": lambda s: sq.kmo(s, nan_policy="bogus"),
    "drivers outcome": lambda s: sq.key_drivers(s, outcome="loyalty", robust=None),
    "drivers level": lambda s: sq.key_drivers(s, level="overall", robust=None),
    "drivers robust": lambda s: sq.key_drivers(s, robust="HC9"),
}


@pytest.mark.parametrize("case", list(BAD_CALLS))
def test_same_invalid_option_same_error(sources, case):
    errors = {}
    for name, src in sources.items():
        with pytest.raises(sq.ServqualError) as exc:
            BAD_CALLS[case](src)
        errors[name] = (type(exc.value), str(exc.value))
    assert len(set(errors.values())) == 1, errors


@pytest.mark.parametrize(
    "call",
    [
        lambda s: sq.paired_tests(s, method="wilcoxon"),
        lambda s: sq.cronbach_alpha(s, ci="bootstrap"),
        lambda s: sq.key_drivers(s, robust="HC3"),
    ],
)
def test_rows_only_methods_raise_one_capability_error(sources, call):
    call(sources["survey"])  # fine in memory
    for name in ("summary", "merged", "dask"):
        with pytest.raises(sq.CapabilityError, match="cannot be computed from a SurveySummary"):
            call(sources[name])
