"""Bundled example data and a simulator with known true gaps.

:func:`simulate` draws survey responses from a latent model whose dimension gaps
are set by the caller, so every estimator can be checked against the truth.
:func:`load_example` returns a ready :class:`~servqual.Survey` on one of the
bundled CSV files (all synthetic, produced by :func:`simulate` with the ``rng``
seed recorded in :func:`list_examples`).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from .._validation import check_choice
from .._vocab import as_rng
from ..exceptions import DataError
from ..instruments import Instrument, _as_instrument
from ..survey import Survey

__all__ = ["EXAMPLES", "list_examples", "load_example", "load_frame", "simulate"]


def _default_gaps(instrument: Instrument) -> dict[str, float]:
    span = instrument.scale.high - instrument.scale.low
    pattern = [-0.10, -0.22, -0.16, -0.08, -0.13]
    return {
        d.name: round(pattern[k % len(pattern)] * span, 2)
        for k, d in enumerate(instrument.quality_dimensions)
    }


def _round_clip(x: np.ndarray, low: float, high: float) -> np.ndarray:
    return np.clip(np.rint(x), low, high)


def _allocate_100(
    rng: np.random.Generator, n: int, k: int, concentration: np.ndarray
) -> np.ndarray:
    """Integer 100-point allocations (largest-remainder rounding of Dirichlet draws)."""
    share = rng.dirichlet(concentration, size=n) * 100.0
    base = np.floor(share)
    short = (100 - base.sum(axis=1)).astype(int)
    order = np.argsort(-(share - base), axis=1)
    rank = np.argsort(order, axis=1)
    base += rank < short[:, None]
    return base


class _NoSeed:
    """Default of the deprecated ``seed=``: not given."""

    def __repr__(self) -> str:
        return "<deprecated: use rng>"


_NO_SEED: Any = _NoSeed()


def simulate(
    n: int = 200,
    *,
    instrument: Instrument | str = "servqual22",
    gaps: Mapping[str, float] | None = None,
    level: float | None = None,
    respondent_sd: float = 0.6,
    dimension_sd: float = 0.4,
    item_sd: float = 0.5,
    gap_sd: float = 0.6,
    zone: float | None = None,
    segments: Mapping[str, Sequence[str]] | None = None,
    segment_shift: float = 0.3,
    importance: bool = True,
    outcomes: bool = True,
    missing: float = 0.0,
    discrete: bool = True,
    rng: int | np.random.Generator | None = 0,
    seed: Any = _NO_SEED,
) -> pd.DataFrame:
    """Simulate survey responses with known true dimension gaps.

    Model, per respondent *i*, dimension *d* and item *j* in *d*: a latent
    reference level ``L_id = level + respondent_sd·u_i + dimension_sd·v_id``; the
    default reference rating of the instrument is ``L_id + item_sd·e_ij`` and the
    perception is ``L_id + g_id + item_sd·e'_ij`` with the respondent's gap
    ``g_id = gap_d + shift_i + gap_sd·w_id`` (all standard normal draws), so the
    true mean gap of dimension *d* is ``gap_d`` (plus the segment shift) before
    the ratings are rounded and clipped to the scale (``discrete=True``; clipping
    near the scale ends biases the means a little). Per perspective:

    - expectations (E, P): the reference is E.
    - three-column (A, D, P): the reference is adequate A; desired
      ``D = A + zone + 0.3·item_sd·N(0, 1)``, so the true mean MSS (P − D) is
      ``gap_d − zone``.
    - excellence (D, P, C): the reference is desired D; the best competitor is
      ``C = P + 0.1·span·(0.5 + N(0, 1))``, so the true mean P − C is ``−0.05·span``.
    - conformance (P): ``L_id`` is the mean spec of the dimension's items plus
      ``respondent_sd·u_i``, so the mean of P − spec over the dimension is ``gap_d``.
    - value (P): sacrifice items are ``level + respondent_sd·N(0, 1) +
      item_sd·N(0, 1)``, so quality − sacrifice has mean ``gap_d``; outcome items
      centre on ``level`` plus the respondent's mean gap.

    When an instrument has a rating besides its reference: E equals the
    reference draw, D = reference + ``zone``, A = reference − ``zone``.

    Parameters
    ----------
    n : int
        Respondents.
    instrument : Instrument or str
    gaps : mapping, optional
        True gap per quality dimension (perception − default reference). Default:
        between −0.08 and −0.22 of the scale span.
    level : float, optional
        Mean latent reference level (default: 75% up the scale).
    respondent_sd, dimension_sd, item_sd, gap_sd : float
        Standard deviations of the latent model.
    zone : float, optional
        Width desired − adequate for three-column instruments (default 20% of span).
    segments : mapping, optional
        Segment name → labels, e.g. ``{"branch": ["north", "south"]}``; each
        respondent gets a label at random and the gap of the k-th label (k = 0, 1,
        …) is shifted by ``segment_shift·(k − (K − 1)/2)`` in every dimension
        (the shifts of several segment variables add up).
    importance : bool
        Add 100-point importance columns ``imp_<dimension>``.
    outcomes : bool
        Add ``overall`` (scale rating driven by the gaps) and ``recommend`` (0–10).
    missing : float
        Share of rating cells set to missing at random.
    discrete : bool
        Round and clip ratings to the scale. ``False`` keeps the continuous
        draws, whose means are exactly unbiased for the true gaps; they may fall
        outside the scale, which :class:`~servqual.Survey` rejects unless the
        instrument's scale is wide enough.
    rng : int, numpy.random.Generator or None, default 0
        Random numbers: an int seed (``numpy.random.default_rng(rng)``, so
        ``rng=7`` draws what ``seed=7`` drew), a Generator (drawn from and
        advanced), or None for fresh entropy. The default 0 makes the output
        reproducible.
    seed : int, optional
        Deprecated name of ``rng`` (a :class:`FutureWarning`); will be removed.

    Returns
    -------
    pandas.DataFrame
        Columns ``E1..``, ``P1..`` (rating letter + item number) and the extras.
        ``frame.attrs["true_gaps"]`` holds the gaps used.

    Examples
    --------
    >>> import servqual as sq
    >>> df = sq.datasets.simulate(n=5000, gaps={"tangibles": -1, "reliability": -1,
    ...     "responsiveness": -1, "assurance": -1, "empathy": -1}, level=4, rng=1)
    >>> g = sq.gap_scores(sq.Survey(df, "servqual22"), level="overall").overall
    >>> abs(g + 1) < 0.05
    True
    """
    if seed is not _NO_SEED:
        warnings.warn(
            "simulate(seed=...) is now simulate(rng=...) (an int seed gives the same "
            "draws); seed= will be removed.",
            FutureWarning,
            stacklevel=2,
        )
        rng = seed
    inst = _as_instrument(instrument)
    if not isinstance(n, int | np.integer) or isinstance(n, bool) or n < 1:
        raise DataError(f"n must be a positive integer, got {n!r}.")
    if not 0 <= missing < 1:
        raise DataError(f"missing must be in [0, 1), got {missing}.")
    gen = as_rng(rng)
    lo, hi = float(inst.scale.low), float(inst.scale.high)
    span = hi - lo
    level = lo + 0.75 * span if level is None else float(level)
    zone = 0.2 * span if zone is None else float(zone)
    try:
        true = dict(_default_gaps(inst)) if gaps is None else {k: float(v) for k, v in gaps.items()}
    except (TypeError, ValueError, AttributeError):
        raise DataError(
            f"gaps must map each quality dimension to a number, got {gaps!r}."
        ) from None
    qdims = inst.quality_dimensions
    missing_dims = [d.name for d in qdims if d.name not in true]
    if missing_dims:
        raise DataError(f"gaps has no value for dimension(s) {missing_dims}.")

    seg_cols: dict[str, np.ndarray] = {}
    shift = np.zeros(n)
    for name, labels in (segments or {}).items():
        labels = list(labels)
        codes = gen.integers(0, len(labels), size=n)
        seg_cols[name] = np.array(labels, dtype=object)[codes]
        shift += segment_shift * (codes - (len(labels) - 1) / 2.0)

    u = gen.standard_normal(n)[:, None]
    cols: dict[str, np.ndarray] = {}
    dim_gap = np.zeros((n, len(qdims)))
    ref_letter = inst.reference if inst.reference in ("E", "A", "D", "C") else None
    for k, d in enumerate(qdims):
        L = level + respondent_sd * u[:, 0] + dimension_sd * gen.standard_normal(n)
        if inst.reference == "spec":
            L = np.array([np.mean([i.spec for i in d.items])] * n) + respondent_sd * u[:, 0]
        gi = true[d.name] + shift + gap_sd * gen.standard_normal(n)
        dim_gap[:, k] = gi
        for item in d.items:
            base = L + item_sd * gen.standard_normal(n)
            ratings: dict[str, np.ndarray] = {}
            if ref_letter == "A":
                ratings["A"] = base
                ratings["D"] = base + zone + 0.3 * item_sd * gen.standard_normal(n)
            elif ref_letter is not None:
                ratings[ref_letter] = base
            perceived = L + gi + item_sd * gen.standard_normal(n)
            ratings["P"] = perceived
            if "E" in inst.ratings and "E" not in ratings:
                ratings["E"] = base
            if "D" in inst.ratings and "D" not in ratings:
                ratings["D"] = base + zone
            if "A" in inst.ratings and "A" not in ratings:
                ratings["A"] = base - zone
            if "C" in inst.ratings and "C" not in ratings:
                ratings["C"] = perceived + 0.1 * span * (0.5 + gen.standard_normal(n))
            if "I" in inst.ratings:
                ratings["I"] = level + 0.5 * gen.standard_normal(n)
            for letter in inst.ratings:
                cols[f"{letter}{item.number}"] = ratings[letter]
    # non-quality dimensions are perception ratings: sacrifice items sit at the
    # latent level (so that quality − sacrifice has mean gaps[d] in the value
    # perspective), outcome items follow the respondent's mean gap
    quality_mean = dim_gap.mean(axis=1)
    for d in inst.dimensions:
        if d.role == "quality":
            continue
        centre = level if d.role == "sacrifice" else level + quality_mean
        S = centre + respondent_sd * gen.standard_normal(n)
        for item in d.items:
            for letter in inst.ratings:
                cols[f"{letter}{item.number}"] = S + item_sd * gen.standard_normal(n)
    ordered = {
        f"{letter}{i.number}": cols[f"{letter}{i.number}"]
        for letter in inst.ratings
        for i in inst.items
    }
    frame = pd.DataFrame(ordered)
    if discrete:
        frame = frame.apply(lambda c: _round_clip(c.to_numpy(), lo, hi))
    if missing > 0:
        mask = gen.random(frame.shape) < missing
        frame = frame.mask(mask)
    for name, values in seg_cols.items():
        frame[name] = values
    if importance and qdims:
        conc = np.linspace(2.0, 4.0, len(qdims))
        pts = _allocate_100(gen, n, len(qdims), conc)
        for k, d in enumerate(qdims):
            frame[f"imp_{d.name}"] = pts[:, k].astype(int)
    if outcomes:
        g = dim_gap.mean(axis=1)
        overall = lo + 0.7 * span + 0.9 * g + 0.5 * gen.standard_normal(n)
        frame["overall"] = _round_clip(overall, lo, hi)
        rec = 7.5 + 2.0 * (g / max(span, 1.0)) * 10 / 3 + 1.5 * gen.standard_normal(n)
        frame["recommend"] = _round_clip(rec, 0, 10)
    frame.index = pd.RangeIndex(1, n + 1, name="respondent")
    frame.attrs["true_gaps"] = true
    return frame


#: Registry of bundled examples: file, instrument, Survey options and provenance.
EXAMPLES: dict[str, dict[str, Any]] = {
    "retail_bank": {
        "file": "retail_bank.csv",
        "instrument": "servqual22",
        "segments": ["branch", "channel"],
        "importance": "imp_{dimension}",
        "outcomes": ["overall", "recommend"],
        "description": (
            "Synthetic two-column SERVQUAL study of a retail bank: 212 respondents, "
            "3 branches, 2 channels, 100-point importance allocations, overall quality "
            "(1-7) and likelihood to recommend (0-10); 4 respondents skipped a rating."
        ),
        "provenance": (
            "servqual.datasets.simulate(212, instrument='servqual22', segments={'branch': "
            "['north', 'centre', 'south'], 'channel': ['branch', 'online']}, rng=2024), then 4 cells "
            "set missing (see tools/make_examples.py)."
        ),
    },
    "zone_of_tolerance": {
        "file": "zone_of_tolerance.csv",
        "instrument": "servqual_zot",
        "segments": ["branch"],
        "importance": None,
        "outcomes": ["overall"],
        "description": "Synthetic three-column (adequate, desired, perceived) study, 180 respondents, 9-point scale.",
        "provenance": (
            "servqual.datasets.simulate(180, instrument='servqual_zot', gaps={'tangibles': 0.4, "
            "'reliability': -0.6, 'responsiveness': -0.2, 'assurance': 0.6, 'empathy': 0.1}, "
            "level=5.5, zone=1.8, rng=7, segments={'branch': ['east', 'west']}, "
            "importance=False)"
        ),
    },
    "excellence": {
        "file": "excellence.csv",
        "instrument": "excellence",
        "segments": None,
        "importance": None,
        "outcomes": ["overall"],
        "description": "Synthetic excellence study: ideal, own and best-competitor ratings, 150 respondents.",
        "provenance": "servqual.datasets.simulate(150, instrument='excellence', rng=11, importance=False)",
    },
    "conformance": {
        "file": "conformance.csv",
        "instrument": "conformance",
        "segments": ["store"],
        "importance": None,
        "outcomes": ["overall"],
        "description": "Synthetic retail care-standards survey against the firm's specifications, 300 respondents, 2 stores.",
        "provenance": "servqual.datasets.simulate(300, instrument='conformance', rng=5, segments={'store': ['A', 'B']}, importance=False)",
    },
    "value": {
        "file": "value.csv",
        "instrument": "value",
        "segments": None,
        "importance": None,
        "outcomes": ["overall"],
        "description": "Synthetic value study: quality, sacrifice and value-for-money items, 250 respondents.",
        "provenance": (
            "servqual.datasets.simulate(250, instrument='value', gaps={'service_quality': 0.4}, rng=3, "
            "importance=False)"
        ),
    },
}


def list_examples() -> pd.DataFrame:
    """The bundled examples with instrument, description and provenance.

    Examples
    --------
    >>> import servqual as sq
    >>> "retail_bank" in sq.datasets.list_examples().index
    True
    """
    rows = {
        k: {
            "instrument": v["instrument"],
            "description": v["description"],
            "provenance": v["provenance"],
        }
        for k, v in EXAMPLES.items()
    }
    return pd.DataFrame.from_dict(rows, orient="index")


def load_frame(name: str) -> pd.DataFrame:
    """The raw CSV of a bundled example as a DataFrame (as a survey export would be)."""
    check_choice(name, "name", list(EXAMPLES))
    ref = resources.files("servqual.datasets").joinpath("data", EXAMPLES[name]["file"])
    with resources.as_file(ref) as path:
        return pd.read_csv(path, index_col="respondent")


def load_example(name: str = "retail_bank", **survey_options: Any) -> Survey:
    """Load a bundled example as a validated :class:`~servqual.Survey`.

    Parameters
    ----------
    name : str
        One of :func:`list_examples` (``"retail_bank"``, ``"zone_of_tolerance"``,
        ``"excellence"``, ``"conformance"``, ``"value"``).
    **survey_options
        Passed to :class:`~servqual.Survey` (e.g. ``nan_policy="listwise"``).

    Returns
    -------
    Survey
        Validated against the example's instrument, with its segments, importance
        points and outcome columns.

    Examples
    --------
    >>> import servqual as sq
    >>> sq.datasets.load_example("retail_bank")
    Survey 'SERVQUAL-22' · 5 dimensions · 22 items · 7-point · 212 respondents (4 incomplete)
    """
    if not isinstance(name, str):
        raise DataError(
            f"load_example takes the name of a bundled example ({list(EXAMPLES)}), got "
            f"{type(name).__name__}; to analyse your own data use sq.Survey(df, instrument)."
        )
    meta = EXAMPLES.get(name)
    if meta is None:
        raise DataError(f"Unknown example {name!r}; examples are {list(EXAMPLES)}.")
    frame = load_frame(name)
    options: dict[str, Any] = {
        "segments": meta["segments"],
        "importance": meta["importance"],
        "outcomes": meta["outcomes"],
    }
    options.update(survey_options)
    return Survey(frame, meta["instrument"], **options)
