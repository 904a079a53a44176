"""Per-respondent scores at item, dimension and overall level (internal).

Everything here is vectorised over respondents: a score is a column operation on
the (n_respondents, n_items) rating matrices held by :class:`~servqual.Survey`.
The gap engine is written once: ``gap = perception - reference``, where the
instrument's perspective says how the reference is found.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from ._validation import check_choice
from ._vocab import GAP_SCORES, parse_score
from .exceptions import ImportanceWeightError, InstrumentError
from .instruments import RATINGS, Instrument, reference_name

Level = Literal["item", "dimension", "overall"]
LEVELS = ("item", "dimension", "overall")


@dataclass(frozen=True)
class Units:
    """Perception and reference scores for one level (n_respondents × n_units)."""

    labels: list[str]
    dimensions: list[str]
    perception: np.ndarray
    reference: np.ndarray
    reference_code: str

    @property
    def gap(self) -> np.ndarray:
        return self.perception - self.reference


def resolve_reference(instrument: Instrument, reference: str | None) -> str:
    """Return the reference code to use, validating it against the instrument."""
    if instrument.perspective == "performance" or not instrument.references:
        raise InstrumentError(
            f"{instrument.name!r} measures perception only ({instrument.perspective} "
            "perspective): it has no reference to compute gaps against. Analyse "
            "score='perception' instead, or use an instrument with expectations."
        )
    if reference is None:
        assert instrument.reference is not None
        return instrument.reference
    ref = {name: letter for letter, name in RATINGS.items()}.get(reference, reference)
    if ref not in instrument.references:
        raise InstrumentError(
            f"{instrument.name!r} ({instrument.perspective} perspective) cannot compare "
            f"perceptions with {reference!r}; choose one of {list(instrument.references)}."
        )
    return ref


def _quality_index(instrument: Instrument) -> np.ndarray | slice:
    """Column positions of the quality items: a slice (no copy) when contiguous."""
    codes = instrument.item_codes
    q = {i.code for i in instrument.quality_items}
    idx = np.array([k for k, c in enumerate(codes) if c in q], dtype=np.intp)
    if len(idx) and np.array_equal(idx, np.arange(idx[0], idx[0] + len(idx))):
        return slice(int(idx[0]), int(idx[0]) + len(idx))
    return idx


def _sacrifice_score(survey, instrument: Instrument) -> np.ndarray:
    p = survey.matrix("P")
    codes = list(instrument.item_codes)
    dims = [d for d in instrument.dimensions if d.role == "sacrifice"]
    scores = [p[:, [codes.index(i.code) for i in d.items]].mean(axis=1) for d in dims]
    return np.mean(np.column_stack(scores), axis=1)


def item_reference(survey, reference: str) -> np.ndarray:
    """Reference matrix for the quality items, shape (n, k_quality)."""
    inst: Instrument = survey.instrument
    q = _quality_index(inst)
    n = survey.n_respondents
    k = len(inst.quality_items)
    if reference in RATINGS:
        return survey.matrix(reference)[:, q]
    if reference == "spec":
        spec = np.array([i.spec for i in inst.quality_items], dtype=np.float64)
        return np.broadcast_to(spec, (n, k))
    if reference == "max":
        return np.broadcast_to(float(inst.scale.high), (n, k))
    if reference == "sacrifice":
        s = _sacrifice_score(survey, inst)
        return np.broadcast_to(s[:, None], (n, k))
    raise InstrumentError(f"Unknown reference {reference!r}.")  # pragma: no cover


def _importance_matrix(survey) -> np.ndarray:
    """(n, n_quality_dims) importance points: per respondent, else the instrument's."""
    inst: Instrument = survey.instrument
    imp = survey._importance
    if imp is not None:
        return imp
    if inst.weights is not None:
        w = np.array([inst.weights[d.name] for d in inst.quality_dimensions])
        return np.broadcast_to(w, (survey.n_respondents, len(w)))
    raise ImportanceWeightError(
        f"Weighted scores need importance points: pass importance= to Survey (per "
        f"respondent) or weights= to the instrument {inst.name!r} (100 points per dimension)."
    )


def _aggregate(x: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Weighted column combinations ``x @ a`` where a NaN in any contributing column
    (``a[j, u] != 0``) makes unit ``u`` missing; one BLAS call, no loop over rows."""
    if not np.isnan(x.sum()):  # one fast pass and no temporary when nothing is missing
        return x @ a
    nan = np.isnan(x)
    out = np.where(nan, 0.0, x) @ a
    out[(nan.astype(np.float64) @ (a != 0)) > 0] = np.nan
    return out


def _levels(
    survey, p_items: np.ndarray, r_items: np.ndarray, level: str, weighted: bool
) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
    inst: Instrument = survey.instrument
    dims = inst.quality_dimensions
    codes = [i.code for i in inst.quality_items]
    w = _importance_matrix(survey) / 100.0 if weighted else None
    if level == "item":
        dim_of = [d.name for d in dims for _ in d.items]
        if w is None:
            return codes, dim_of, p_items, r_items
        k = np.array([len(d.items) for d in dims for _ in d.items], dtype=np.float64)
        expand = np.array([j for j, d in enumerate(dims) for _ in d.items])
        scale = w[:, expand] / k
        return codes, dim_of, p_items * scale, r_items * scale
    # summing matrix (item j belongs to dimension d), then divide by k_d: item
    # sums of ratings are exact, so equal dimension means compare equal (ties
    # matter for the zone of tolerance)
    member = np.zeros((len(codes), len(dims)))
    start = 0
    for j, d in enumerate(dims):
        member[start : start + len(d.items), j] = 1.0
        start += len(d.items)
    k = member.sum(axis=0)
    names = [d.name for d in dims]
    pd_ = _aggregate(p_items, member)
    pd_ /= k
    rd_ = _aggregate(r_items, member)
    rd_ /= k
    if level == "dimension":
        if w is None:
            return names, names, pd_, rd_
        return names, names, pd_ * w, rd_ * w
    if w is None:
        return ["overall"], ["overall"], pd_.mean(axis=1)[:, None], rd_.mean(axis=1)[:, None]
    return (
        ["overall"],
        ["overall"],
        np.sum(pd_ * w, axis=1)[:, None],
        np.sum(rd_ * w, axis=1)[:, None],
    )


def units(
    survey, level: str = "dimension", reference: str | None = None, weighted: bool = False
) -> Units:
    """Perception and reference scores per respondent for the quality units at ``level``."""
    check_choice(level, "level", LEVELS)
    ref = resolve_reference(survey.instrument, reference)
    inst: Instrument = survey.instrument
    p_items = survey.matrix("P")[:, _quality_index(inst)]
    r_items = item_reference(survey, ref)
    labels, dims, p, r = _levels(survey, p_items, r_items, level, weighted)
    return Units(labels=labels, dimensions=dims, perception=p, reference=r, reference_code=ref)


def rating_units(
    survey, letter: str, level: str = "dimension", weighted: bool = False
) -> tuple[list[str], np.ndarray]:
    """Scores of one rating (``"P"``, ``"E"`` ...) for the quality units at ``level``."""
    check_choice(level, "level", LEVELS)
    x = survey.matrix(letter)[:, _quality_index(survey.instrument)]
    labels, _, p, _ = _levels(survey, x, x, level, weighted)
    return labels, p


def item_score_matrix(survey, score: str) -> tuple[list[str], np.ndarray]:
    """(codes, n × k matrix) of an item-level score for reliability / factor analysis."""
    inst: Instrument = survey.instrument
    kind, key = parse_score(score)
    if kind == "gap":
        u = units(survey, "item", reference=GAP_SCORES[key])
        return u.labels, u.perception - u.reference
    return list(inst.item_codes), np.array(survey.matrix(key))


def describe_reference(code: str) -> str:
    return reference_name(code)
