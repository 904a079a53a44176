"""servqual's vocabulary: the option values every public function shares (internal).

One place for the words a user types — levels, scores, references, ``nan_policy``,
``alternative``, ``p_adjust`` — and for the checks that turn them into canonical
values. Every module imports these; none keeps its own copy, so the same invalid
option raises the same :class:`~servqual.DataError` on every path (in memory,
streamed, Dask).

:func:`servqual.survey.require_survey` (the check that an argument is a Survey)
lives with :class:`~servqual.Survey`, one floor up, so that imports run downward.

Conventions (documented for users on the "API conventions" page):

* ``nan_policy``: ``"pairwise"`` (each figure uses every respondent with the values
  it needs: per unit for gap scores and tests, per pair of items for covariances),
  ``"listwise"`` (only respondents with every rating the analysis uses) or
  ``"raise"`` (a missing value is a :class:`~servqual.DataError`). ``"available"``,
  the old name of ``"pairwise"`` on :class:`~servqual.Survey`, is accepted with a
  :class:`FutureWarning`.
* ``rng``: ``None``, an ``int`` seed or a :class:`numpy.random.Generator`.
* ``sig_level``: a significance level (never ``alpha``, which is Cronbach's).
* results: ``n`` (respondents used), ``n_dropped`` / ``dropped_rows``; p-values are
  ``p_unc`` / ``p_adj`` in tables and ``p_value`` as scalar fields (fit measures keep
  lavaan's names, e.g. ``pvalue``, ``rmsea_pvalue``).
"""

from __future__ import annotations

import warnings
from typing import Any, Literal

import numpy as np

from .exceptions import DataError
from .instruments import RATINGS

__all__ = [
    "ALTERNATIVES",
    "LEVELS",
    "NAN_POLICIES",
    "REF_LETTER",
    "Alternative",
    "Level",
    "NanPolicy",
    "Score",
    "as_rng",
    "check_alternative",
    "check_by",
    "check_flag",
    "check_level",
    "check_nan_policy",
    "parse_rating",
    "parse_reference",
    "parse_score",
]

Level = Literal["item", "dimension", "overall"]
LEVELS: tuple[str, ...] = ("item", "dimension", "overall")

NanPolicy = Literal["pairwise", "listwise", "raise"]
NAN_POLICIES: tuple[str, ...] = ("pairwise", "listwise", "raise")

Alternative = Literal["two-sided", "less", "greater"]
ALTERNATIVES: tuple[str, ...] = ("two-sided", "less", "greater")

#: a score: a gap (``"gap"``, ``"msa"``, ``"mss"``) or a rating name/letter
Score = str

#: reference names a user may type → the reference letter of the instrument
REF_LETTER: dict[str, str] = {
    "expectation": "E",
    "adequate": "A",
    "desired": "D",
    "competitor": "C",
}

#: gap scores and the reference each one fixes (None: the instrument's default)
GAP_SCORES: dict[str, str | None] = {"gap": None, "msa": "A", "mss": "D"}


def check_level(level: Any, allowed: tuple[str, ...] = LEVELS) -> Any:
    """A level from ``allowed`` (DataError naming the allowed values otherwise)."""
    if not isinstance(level, str) or level not in allowed:
        raise DataError(f"level={level!r} is not allowed; use one of {list(allowed)}.")
    return level


def check_nan_policy(value: Any, allowed: tuple[str, ...] = NAN_POLICIES) -> Any:
    """The canonical ``nan_policy``; ``"available"`` is read as ``"pairwise"`` (FutureWarning)."""
    if value == "available" and "pairwise" in allowed:
        warnings.warn(
            "nan_policy='available' is now called 'pairwise' (the same meaning: each figure "
            "uses every respondent with the values it needs); 'available' will be removed.",
            FutureWarning,
            stacklevel=3,
        )
        return "pairwise"
    if not isinstance(value, str) or value not in allowed:
        raise DataError(f"nan_policy={value!r} is not allowed; use one of {list(allowed)}.")
    return value


def check_alternative(value: Any) -> Any:
    """``"two-sided"``, ``"less"`` or ``"greater"``."""
    if not isinstance(value, str) or value not in ALTERNATIVES:
        raise DataError(f"alternative={value!r} is not allowed; use one of {list(ALTERNATIVES)}.")
    return value


def check_flag(value: Any, name: str) -> bool:
    """A true/false option; a string such as ``'no'`` is an error, not a true value."""
    if not isinstance(value, bool | np.bool_):
        raise DataError(f"{name} must be True or False, got {value!r}.")
    return bool(value)


def check_by(by: Any) -> tuple[str, ...]:
    """Segment names from ``by=``: a name or a non-empty list of distinct names."""
    names = (by,) if isinstance(by, str) else by
    if (
        not isinstance(names, list | tuple)
        or not names
        or not all(isinstance(b, str) for b in names)
    ):
        raise DataError(
            f"by={by!r} must be a segment name or a list of segment names, e.g. by='branch'."
        )
    dupes = sorted({b for b in names if list(names).count(b) > 1})
    if dupes:
        raise DataError(f"by= names segment(s) {dupes} more than once.")
    return tuple(names)


def parse_reference(reference: Any) -> str | None:
    """A reference as the instrument spells it: ``"expectation"`` → ``"E"``; None stays None.

    Whether the instrument has that reference is checked by the gap engine
    (:func:`servqual._gap_engine.resolve_reference`), which names the ones it has.
    """
    if reference is None:
        return None
    if not isinstance(reference, str):
        raise DataError(
            f"reference must be a reference name such as 'E' or 'expectation', got {reference!r}."
        )
    return REF_LETTER.get(reference, reference)


def parse_rating(name: str) -> str | None:
    """Rating letter of a rating name or letter (``"perception"``/``"P"`` → ``"P"``), else None."""
    key = name.lower() if len(name) > 1 else name
    letter = {full: lt for lt, full in RATINGS.items()}.get(key, name.upper())
    return letter if letter in RATINGS else None


def parse_score(score: Any, *, extra: tuple[str, ...] = ()) -> tuple[str, str]:
    """``(kind, value)`` of a score name: ``("gap", "gap"|"msa"|"mss")``, ``("rating", letter)``
    or ``("extra", name)`` for one of ``extra`` (e.g. ``"reference"``).

    Raises DataError for anything else, listing what is allowed.
    """
    if not isinstance(score, str):
        raise DataError(f"score must be a score name such as 'perception' or 'gap', got {score!r}.")
    key = score.lower()
    if key in GAP_SCORES:
        return "gap", key
    if key in extra:
        return "extra", key
    letter = parse_rating(score)
    if letter is None:
        allowed = [*GAP_SCORES, *extra, *RATINGS.values()]
        raise DataError(f"Unknown score {score!r}; use one of {allowed}.")
    return "rating", letter


def as_rng(rng: Any) -> np.random.Generator:
    """A numpy Generator from ``None``, an int seed or a Generator."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, int | np.integer) and not isinstance(rng, bool)):
        return np.random.default_rng(rng)
    raise DataError(
        f"rng must be None, an int seed or a numpy Generator, got {type(rng).__name__}."
    )
