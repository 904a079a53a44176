"""Survey: responses + instrument + column mapping, validated once.

``Survey`` is the validation boundary of servqual. It finds each rating column of
the instrument in the data (default names ``E1..E22``, ``P1..P22``; a template such
as ``"exp_{n}"``; a mapping; or a regular expression), converts the ratings to
numbers, checks them against the scale, recodes reverse-keyed items and applies the
missing-data policy. Every analysis takes a ``Survey`` and trusts it. The caller's
DataFrame is never modified.
"""

from __future__ import annotations

import dataclasses
import html
import re
import types
import warnings
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from . import _gap_engine
from ._source import Groups, UnitMoments
from ._stats import (
    column_means,
    column_moments,
    logit_interval,
    paired_moments,
    wilson_interval,
)
from ._validation import (
    as_frame,
    check_choice,
    fmt_list,
    numeric_matrix,
    out_of_range_mask,
    raise_out_of_range,
    require_columns,
    with_rows,
)
from ._vocab import NanPolicy, check_by, check_flag, check_nan_policy, parse_rating
from .exceptions import (
    DataError,
    DuplicateColumnError,
    ImportanceWeightError,
    InstrumentError,
    MissingColumnError,
    MissingDataWarning,
    ServqualWarning,
)
from .instruments import RATINGS, Instrument, _as_instrument

__all__ = ["Survey"]

ColumnsSpec = str | Mapping[str, Any] | re.Pattern[str] | None

#: score names accepted by ``Survey.item_scores`` and ``respondent_scores``
SCORE_TO_RATING: dict[str, str] = {name: letter for letter, name in RATINGS.items()}


#: words survey tools use for a rating that are not a prefix of its name
_RATING_WORDS: dict[str, str] = {
    "perf": "P",
    "performance": "P",
    "actual": "P",
    "exp": "E",
    "expect": "E",
    "minimum": "A",
    "min": "A",
    "adequacy": "A",
    "ideal": "D",
    "desire": "D",
    "des": "D",
    "comp": "C",
    "benchmark": "C",
    "imp": "I",
}


def _rating_from_text(text: str) -> str | None:
    """Rating letter named by a column fragment: a letter, a known word, or a word
    sharing its first four letters (or all of a shorter one) with a rating name
    (``"Expected"`` → E, ``"perc"`` → P, ``"Perceived"`` → P)."""
    t = text.strip().strip("_-. ")
    if t.upper() in RATINGS:
        return t.upper()
    low = t.lower()
    if low in _RATING_WORDS:
        return _RATING_WORDS[low]
    if len(low) >= 3:
        for letter, name in RATINGS.items():
            common = 0
            for a, b in zip(low, name, strict=False):
                if a != b:
                    break
                common += 1
            if common == len(low) or common == len(name) or common >= 4:
                return letter
    return None


def _check_rating_labels(labels: Any) -> dict[str, str]:
    """``rating_labels`` as {folded word: rating letter}; DataError for anything else."""
    if labels is None:
        return {}
    if not isinstance(labels, Mapping) or not labels:
        raise DataError(
            "rating_labels must be a non-empty mapping from the words in the headers to "
            f"ratings, e.g. {{'기대': 'E', '인지': 'P'}}; got {labels!r}."
        )
    out: dict[str, str] = {}
    for word, rating in labels.items():
        letter = parse_rating(rating) if isinstance(rating, str) else None
        if not isinstance(word, str) or not word.strip() or letter is None:
            raise DataError(
                f"rating_labels maps {word!r} to {rating!r}; map each header word (a string) "
                f"to a rating letter {list(RATINGS)} or name {list(RATINGS.values())}."
            )
        out[word.strip().casefold()] = letter
    return out


def _aligned(obj: Any, index: pd.Index) -> Any:
    """A Series/DataFrame put in the order of ``index`` when it carries the same
    respondent labels in another order; otherwise returned as it is (then used by
    position, as arrays are)."""
    if not isinstance(obj, pd.Series | pd.DataFrame) or obj.index.equals(index):
        return obj
    if (
        obj.index.is_unique
        and index.is_unique
        and len(obj.index) == len(index)
        and obj.index.isin(index).all()
    ):
        return obj.reindex(index)
    return obj


class Survey:
    """Survey responses validated against an instrument.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent. Never modified.
    instrument : Instrument or str
        The instrument (or the name of a built-in, e.g. ``"servqual22"``).
    columns : str, mapping or compiled regex, optional
        Where the ratings are. ``None`` means ``{rating}{n}`` (``E1``, ``P22``).
        A string is a template with ``{rating}``, ``{n}`` (item number) and/or
        ``{code}`` (item code). A mapping either maps rating letters to a template
        or to a list of columns in item order (``{"E": "exp_{n}", "P": [...]}``), or
        maps default names to actual names (``{"E1": "q1_exp"}``). A compiled regex
        with named groups ``rating`` and ``n`` (or ``code``) matches messy exports;
        the ``rating`` group may be a letter or the start of a rating name
        (``exp``, ``perc``, ``adequate`` ...), or any word listed in
        ``rating_labels``. A *string* is read as a regex (not a template) when it
        contains a named group ``(?P<``. The regex must match the whole header
        (``re.fullmatch``) unless ``match="prefix"``. Columns it matches for items
        or ratings the instrument does not have are ignored and listed in
        :attr:`unused_columns`; two columns for one item and rating raise
        :class:`DuplicateColumnError` naming both.
    segments : str, list of str, Series or mapping, optional
        Segment variables (branch, channel ...): column names in ``data`` or arrays
        aligned with it. A Series (or an importance frame, or weights as a Series)
        whose index holds the same respondent labels as ``data`` in another order
        is matched by label; otherwise by position.
    importance : DataFrame, mapping or str, optional
        Per-respondent importance points (100 in all) per quality dimension: a frame
        whose columns are the dimension names, a mapping dimension → column in
        ``data``, or a template such as ``"imp_{dimension}"``. A respondent may leave
        the whole row empty (a :class:`MissingDataWarning` says who): that
        respondent is then missing from importance-weighted scores only; a row
        with some dimensions empty is an error.
    weights : str or array-like, optional
        Survey (sampling) weights: a column of ``data`` or an array; positive.
        Weights are scale-free: weights above 2**64 or below 2**-64 (1e200,
        1e-170) are divided by a power of two so that their squares stay
        representable (every estimate is unchanged; :attr:`weights` shows the
        rescaled values); weights spanning more than 150 orders of magnitude are
        refused.
    outcomes : str, sequence or mapping, optional
        Global outcome ratings kept for key-driver analysis (overall quality,
        satisfaction, NPS): column names, or a mapping name → column.
    out_of_range : {"raise", "nan"}
        What to do with ratings outside the scale: raise :class:`ScaleRangeError`
        (default) or treat them as missing (reported in :attr:`recoded`).
    nan_policy : {"pairwise", "listwise", "raise"}
        ``"pairwise"`` (``"available"`` is its old name) keeps every respondent and lets each statistic use the
        respondents who answered what it needs (a dimension score needs all of the
        dimension's items); ``"listwise"`` drops respondents with any missing rating
        once, here; ``"raise"`` rejects missing ratings. The policy concerns the
        ratings; empty importance rows, segments and outcomes never drop anyone.
    missing_codes : sequence of float
        Codes that mean "missing" in the export (e.g. ``(99, -9)``).
    importance_sum : {"raise", "rescale"}
        Importance rows that do not sum to 100: raise, or rescale them to 100.
    rating_labels : mapping of str to str, optional
        What the words caught by a regex's ``rating`` group mean, in any language:
        ``{"기대": "E", "인지": "P"}`` (letters or names such as ``"expectation"``;
        matched ignoring case and surrounding spaces). Only with a regex ``columns``.
    match : {"full", "prefix"}
        How a ``columns`` regex meets a header: ``"full"`` (default) must match the
        whole header (``re.fullmatch``); ``"prefix"`` matches its start
        (``re.match``), so the question text after ``8-1.`` may be anything (the
        same as ending a full pattern with ``.*``).
    strict : bool
        Columns listed by position (``{"E": [...], "P": [...]}``) whose headers carry
        another item's number (``"9-1. ..."`` at the place of item 8) give a
        :class:`ServqualWarning` naming both numbers; ``strict=True`` makes it a
        :class:`DataError`.

    Raises
    ------
    MissingColumnError, DuplicateColumnError, NonNumericError, ScaleRangeError,
    ImportanceWeightError, InstrumentError, DataError

    See Also
    --------
    servqual.read_survey : read a CSV/Excel/SPSS export into a Survey.
    servqual.gap_scores : the gap table of a Survey.

    Notes
    -----
    Ratings are stored once as read-only float arrays (one per rating letter,
    respondents × items in the instrument's item order): :meth:`matrix`,
    :meth:`ratings` and :meth:`item_scores` read them. Reverse-keyed items are
    recoded ``low + high − x`` here, so every later statistic sees them keyed like
    the others. ``repr`` shows the instrument, its size, the scale, the respondents
    kept and how many of them have at least one missing rating.

    Examples
    --------
    >>> import pandas as pd
    >>> import servqual as sq
    >>> inst = sq.instruments.Instrument.from_dict({"name": "Mini", "dimensions": [
    ...     {"name": "speed", "items": ["Fast", "No queues"]}]})
    >>> df = pd.DataFrame({"E1": [6, 7, 5], "E2": [6, 6, 7], "P1": [5, 6, 5], "P2": [4, 6, 6]})
    >>> sq.Survey(df, inst)
    Survey 'Mini' · 1 dimension · 2 items · 7-point · 3 respondents (0 incomplete)
    """

    def __init__(
        self,
        data: pd.DataFrame,
        instrument: Instrument | str,
        columns: ColumnsSpec = None,
        segments: str | Sequence[str] | pd.Series | Mapping[str, Any] | None = None,
        importance: pd.DataFrame | Mapping[str, str] | str | None = None,
        weights: str | npt.ArrayLike | None = None,
        outcomes: str | Sequence[str] | Mapping[str, str] | None = None,
        *,
        out_of_range: Literal["raise", "nan"] = "raise",
        nan_policy: NanPolicy = "pairwise",
        missing_codes: Sequence[float] = (),
        importance_sum: Literal["raise", "rescale"] = "raise",
        rating_labels: Mapping[str, str] | None = None,
        match: Literal["full", "prefix"] = "full",
        strict: bool = False,
    ) -> None:
        check_choice(out_of_range, "out_of_range", ("raise", "nan"))
        check_choice(match, "match", ("full", "prefix"))
        self._strict = check_flag(strict, "strict")
        self._rating_labels = _check_rating_labels(rating_labels)
        self._match = match
        self._unused_columns: tuple[str, ...] = ()
        self._info: pd.DataFrame | None = None
        nan_policy = check_nan_policy(nan_policy)  # type: ignore[assignment]
        check_choice(importance_sum, "importance_sum", ("raise", "rescale"))
        frame = as_frame(data)
        if isinstance(frame.columns, pd.MultiIndex):
            raise DataError(
                f"The data has MultiIndex columns ({frame.columns.nlevels} levels, e.g. "
                f"{frame.columns[0]!r}); Survey needs one name per column. Flatten them, e.g. "
                "df.columns = ['_'.join(map(str, c)) for c in df.columns], or select one level."
            )
        if len(frame) == 0:
            raise DataError("The data has no rows (respondents).")
        try:
            codes = np.atleast_1d(np.asarray(missing_codes, dtype=np.float64))
        except (TypeError, ValueError):
            raise DataError(
                f"missing_codes must be numbers such as (99, -9); got {missing_codes!r}."
            ) from None
        missing_codes = tuple(codes.tolist())
        self._instrument = _as_instrument(instrument)
        inst = self._instrument
        self._columns = self._resolve_columns(frame, columns)
        self._nan_policy: NanPolicy = nan_policy
        self._recoded: list[dict[str, Any]] = []

        # ---- ratings -------------------------------------------------------------
        ratings: dict[str, np.ndarray] = {}
        low, high = inst.scale.low, inst.scale.high
        reverse = np.array([i.reverse for i in inst.items])
        for letter in inst.ratings:
            cols = self._columns[letter]
            x = numeric_matrix(frame, cols, missing_codes)
            mask = out_of_range_mask(x, low, high)
            if mask.any():
                if out_of_range == "raise":
                    raise_out_of_range(mask, x, cols, frame.index, low, high)
                for j in np.where(mask.any(axis=0))[0]:
                    rows = frame.index[mask[:, j]]
                    self._recoded.append(
                        {"column": cols[j], "rows": list(rows), "values": x[mask[:, j], j].tolist()}
                    )
                x[mask] = np.nan
                warnings.warn(
                    f"{int(mask.sum())} out-of-range rating(s) treated as missing "
                    f"(columns {fmt_list(sorted({r['column'] for r in self._recoded}))}); "
                    "see Survey.recoded.",
                    MissingDataWarning,
                    stacklevel=2,
                )
            if reverse.any():
                x[:, reverse] = low + high - x[:, reverse]
            ratings[letter] = x

        index = frame.index
        keep: np.ndarray | None = None
        incomplete = np.zeros(len(frame), dtype=bool)
        for x in ratings.values():
            incomplete |= np.isnan(x).any(axis=1)
        self._n_incomplete_input = int(incomplete.sum())
        if incomplete.any() and nan_policy == "raise":
            letter, j = next(
                (lt, int(np.where(np.isnan(x).any(axis=0))[0][0]))
                for lt, x in ratings.items()
                if np.isnan(x).any()
            )
            rows = index[np.isnan(ratings[letter][:, j])]
            raise with_rows(
                DataError(
                    f"Column {self._columns[letter][j]!r} has missing ratings at rows "
                    f"{fmt_list(rows)}. Use nan_policy='pairwise' or 'listwise' to analyse "
                    "incomplete responses."
                ),
                rows,
            )
        if incomplete.any() and nan_policy == "listwise":
            keep = ~incomplete
            if not keep.any():
                raise DataError(
                    "nan_policy='listwise' leaves no respondent: every row has a missing rating."
                )
            warnings.warn(
                f"nan_policy='listwise' dropped {int(incomplete.sum())} of {len(frame)} "
                f"respondents with missing ratings (rows {fmt_list(index[incomplete])}).",
                MissingDataWarning,
                stacklevel=2,
            )
        self._dropped_rows = tuple(index[incomplete]) if keep is not None else ()
        self._kept = keep  # rows of ``data`` kept (None: all), to align read_survey's info

        # ---- extras --------------------------------------------------------------
        seg = self._resolve_segments(frame, segments)
        imp = self._resolve_importance(frame, importance, importance_sum)
        w = self._resolve_weights(frame, weights)
        out = self._resolve_outcomes(frame, outcomes, missing_codes)

        if keep is not None:
            ratings = {k: v[keep] for k, v in ratings.items()}
            index = index[keep]
            seg = seg.loc[keep] if seg is not None else None
            imp = imp[keep] if imp is not None else None
            w = w[keep] if w is not None else None
            out = out.loc[keep] if out is not None else None

        if imp is not None:
            empty = np.isnan(imp).all(axis=1)
            if empty.all():
                raise ImportanceWeightError(
                    "Every importance row is empty: no respondent allocated importance points."
                )
            if empty.any():
                warnings.warn(
                    f"{int(empty.sum())} of {len(empty)} respondents gave no importance points "
                    f"(rows {fmt_list(index[empty])}); they are left out of importance-weighted "
                    "scores (weighted=True) and kept everywhere else.",
                    MissingDataWarning,
                    stacklevel=2,
                )
        for x in ratings.values():
            x.setflags(write=False)
        self._ratings = ratings
        self._index = index.copy()
        self._has_nan = any(np.isnan(x).any() for x in ratings.values())
        self._segments = seg.set_axis(self._index) if seg is not None else None
        if imp is not None:
            imp.setflags(write=False)
        self._importance = imp
        if w is not None:
            w.setflags(write=False)
        self._weights = w
        self._outcomes = out.set_axis(self._index) if out is not None else None

    def _set_export(self, info: pd.DataFrame | None, texts: Mapping[str, str]) -> None:
        """Keep a platform export's response metadata and give items without wording
        the export's question text (called by :func:`servqual.read_survey`)."""
        if info is not None:
            info = info.loc[self._kept] if self._kept is not None else info
            info = info.set_axis(self._index)
        self._info = None if info is None else info.copy()
        if texts:
            inst = self._instrument
            dims = tuple(
                dataclasses.replace(
                    d,
                    items=tuple(
                        dataclasses.replace(i, text=texts[i.code]) if i.code in texts else i
                        for i in d.items
                    ),
                )
                for d in inst.dimensions
            )
            self._instrument = dataclasses.replace(inst, dimensions=dims)

    # ------------------------------------------------------------------ resolution
    def _resolve_columns(self, frame: pd.DataFrame, columns: ColumnsSpec) -> dict[str, list[str]]:
        inst = self._instrument
        items = inst.items

        def from_template(tpl: str, letter: str) -> list[str]:
            try:
                return [tpl.format(rating=letter, n=i.number, code=i.code) for i in items]
            except (KeyError, IndexError) as exc:
                raise InstrumentError(
                    f"Column template {tpl!r} uses an unknown field {exc}; use {{rating}}, "
                    "{n} and {code}."
                ) from None
            except ValueError as exc:
                raise InstrumentError(
                    f"Column template {tpl!r} is not a valid template ({exc}); write fields "
                    "as {rating}, {n} and {code}, and a literal brace as {{ or }}."
                ) from None

        mapping: dict[str, list[str]] = {}
        if isinstance(columns, str) and "(?P<" in columns:
            try:
                columns = re.compile(columns)
            except re.error as exc:
                raise DataError(
                    f"columns={columns!r} is read as a regular expression (it has a named group "
                    f"'(?P<'), but it does not compile: {exc}."
                ) from None
        if not isinstance(columns, re.Pattern):
            if self._rating_labels:
                raise DataError(
                    "rating_labels= names the words of a columns regex's (?P<rating>...) group; "
                    "pass columns= as a regex with groups (?P<n>...) and (?P<rating>...)."
                )
            if self._match != "full":
                raise DataError(
                    f"match={self._match!r} applies to a columns regex; pass columns= as a regex "
                    "with groups (?P<n>...) and (?P<rating>...)."
                )
        if columns is None or isinstance(columns, str):
            tpl = "{rating}{n}" if columns is None else columns
            if len(inst.ratings) > 1 and "{rating}" not in tpl:
                looks_regex = any(t in tpl for t in ("\\", "(", "[", "*", "+", "?", "^", "$"))
                raise InstrumentError(
                    f"Template {tpl!r} has no {{rating}} field but {inst.name!r} has ratings "
                    f"{list(inst.ratings)}; use a mapping such as "
                    "{'E': 'exp_{n}', 'P': 'perc_{n}'}."
                    + (
                        " A string is read as a regular expression only when it has named "
                        "groups: (?P<n>...) for the item number and (?P<rating>...)."
                        if looks_regex
                        else ""
                    )
                )
            mapping = {r: from_template(tpl, r) for r in inst.ratings}
        elif isinstance(columns, re.Pattern):
            mapping = self._columns_from_regex(frame, columns)
        elif isinstance(columns, Mapping):
            # rating letters in either case ({"e": "exp_{n}"}); other keys as given
            columns = {
                (k.upper() if isinstance(k, str) and k.upper() in RATINGS else k): v
                for k, v in columns.items()
            }
            keys = list(columns)
            if all(isinstance(k, str) and k in RATINGS for k in keys):
                extra = [k for k in keys if k not in inst.ratings]
                if extra:
                    raise InstrumentError(
                        f"columns names rating(s) {fmt_list(extra)} but {inst.name!r} is "
                        f"answered on {list(inst.ratings)}; map those letters only."
                    )
                for r in inst.ratings:
                    spec = columns.get(r, "{rating}{n}")
                    if isinstance(spec, str):
                        mapping[r] = from_template(spec, r)
                    else:
                        cols = list(spec)
                        if len(cols) != len(items):
                            raise InstrumentError(
                                f"columns[{r!r}] lists {len(cols)} columns but {inst.name!r} "
                                f"has {len(items)} items."
                            )
                        mapping[r] = [str(c) for c in cols]
                        self._check_order(r, mapping[r])
            else:
                mapping = {
                    r: [str(columns.get(c, c)) for c in from_template("{rating}{n}", r)]
                    for r in inst.ratings
                }
                defaults = {c for r in inst.ratings for c in from_template("{rating}{n}", r)}
                unknown = [k for k in keys if k not in defaults and k not in RATINGS]
                if not unknown and any(k in RATINGS for k in keys):
                    raise InstrumentError(
                        f"columns mixes rating letters ({fmt_list([k for k in keys if k in RATINGS])}) "
                        "with column names; give templates per letter ({'E': 'exp_{n}', ...}) or "
                        "names per default column ({'E1': 'q1_exp', ...}), not both."
                    )
                if unknown:
                    raise InstrumentError(
                        f"columns maps {fmt_list(unknown)}, which are neither rating letters "
                        f"{list(inst.ratings)} nor default column names of {inst.name!r} "
                        f"(E1, P1 ...); use {{'E': 'exp_{{n}}', 'P': 'perc_{{n}}'}} or "
                        "{'E1': 'q1_exp', ...}."
                    )
        else:
            raise InstrumentError(
                f"columns must be None, a template string, a mapping or a regex (a compiled "
                f"pattern or a string with (?P<n>...) and (?P<rating>...) groups); got "
                f"{type(columns).__name__}."
            )
        flat = [c for r in inst.ratings for c in mapping[r]]
        seen: dict[str, int] = {}
        for c in flat:
            seen[c] = seen.get(c, 0) + 1
        dupes = [c for c, k in seen.items() if k > 1]
        if dupes:
            raise DuplicateColumnError(
                f"Column(s) {fmt_list(dupes)} are mapped to more than one item/rating; "
                "each rating of each item needs its own column."
            )
        require_columns(frame, flat, f"instrument {inst.name!r}")
        return mapping

    def _check_order(self, letter: str, cols: list[str]) -> None:
        """Warn (raise under ``strict=True``) when columns listed in file order carry item
        numbers that contradict their positions (header ``9-1.`` given for item 8).

        A header's number is its first run of digits. The check runs only when every
        header of the list has one, they are all different and they do not follow the
        items at a constant offset (``Q5``..``Q26`` for items 1..22 is a consistent
        numbering, not a trap)."""
        items = self._instrument.items
        found = [re.search(r"\d+", c) for c in cols]
        if not all(found):
            return
        numbers = [int(m.group()) for m in found if m]
        if len(set(numbers)) != len(numbers):
            return
        offsets = {h - i.number for h, i in zip(numbers, items, strict=True)}
        if len(offsets) == 1:
            return
        known = {i.number for i in items}
        wrong = [
            (c, h, i)
            for c, h, i in zip(cols, numbers, items, strict=True)
            if h != i.number and h in known
        ]
        if not wrong:
            return
        shown = "; ".join(
            f"{c!r} carries number {h} but is mapped to item {i.number} ({i.code!r})"
            for c, h, i in wrong[:3]
        )
        more = f" and {len(wrong) - 3} more" if len(wrong) > 3 else ""
        msg = (
            f"columns[{letter!r}] lists columns by position, and {len(wrong)} of them carry "
            f"another item's number: {shown}{more}. List the columns in the instrument's item "
            "order (not the file's), or pass a regex with (?P<n>...) so that the numbers decide."
        )
        if self._strict:
            raise DataError(msg + " (strict=True makes this an error.)")
        warnings.warn(msg, ServqualWarning, stacklevel=4)

    def _columns_from_regex(
        self, frame: pd.DataFrame, pattern: re.Pattern[str]
    ) -> dict[str, list[str]]:
        inst = self._instrument
        groups = pattern.groupindex
        if "rating" not in groups and len(inst.ratings) > 1:
            raise InstrumentError(
                f"The column regex {pattern.pattern!r} needs a named group (?P<rating>...) "
                f"because {inst.name!r} has ratings {list(inst.ratings)}."
            )
        if "n" not in groups and "code" not in groups:
            raise InstrumentError(
                f"The column regex {pattern.pattern!r} needs a named group (?P<n>...) (the item "
                "number) or (?P<code>...) (the item code)."
            )
        by_number = {i.number: i.code for i in inst.items}
        by_code = {i.code.upper(): i.code for i in inst.items}
        find = pattern.fullmatch if self._match == "full" else pattern.match
        found: dict[tuple[str, str], list[str]] = {}
        unread: dict[str, str] = {}  # rating text not recognised → first column
        unused: dict[str, str] = {}  # a rating the instrument does not have → first column
        unused_columns: list[str] = []
        for col in map(str, frame.columns):
            m = find(col)
            if not m:
                continue
            if "rating" in groups:
                text = m.group("rating") or ""
                letter = self._rating_labels.get(text.strip().casefold()) or _rating_from_text(text)
            else:
                letter = inst.ratings[0]
            if "n" in groups:
                try:
                    code = by_number.get(int(m.group("n")))
                except (TypeError, ValueError):
                    code = None
            else:
                code = by_code.get((m.group("code") or "").strip().upper())
            if letter is None or code is None:
                if "rating" in groups and letter is None:
                    unread.setdefault(m.group("rating"), col)
                unused_columns.append(col)
                continue
            if letter not in inst.ratings:
                unused.setdefault(letter, col)
                unused_columns.append(col)
                continue
            found.setdefault((letter, code), []).append(col)
        clash = {k: v for k, v in found.items() if len(v) > 1}
        if clash:
            (letter, code), cols = next(iter(clash.items()))
            others = (
                f" {len(clash) - 1} other item/rating(s) are ambiguous too."
                if len(clash) > 1
                else ""
            )
            raise DuplicateColumnError(
                f"Ambiguous columns: the column regex {pattern.pattern!r} matches "
                f"{len(cols)} columns for rating {letter!r} ({RATINGS[letter]}) of item {code!r}: "
                f"{fmt_list(cols)}.{others} A later block may reuse the item numbering (an "
                "importance or Kano block); make the pattern specific enough to match one "
                "column, e.g. by its rating words, or list the columns in a mapping."
            )
        mapping: dict[str, list[str]] = {}
        missing = []
        for r in inst.ratings:
            mapping[r] = []
            for i in inst.items:
                hit = found.get((r, i.code))
                if hit:
                    mapping[r].append(hit[0])
                else:
                    missing.append(f"{r}{i.number} ({i.code})")
        if missing:
            hint = ""
            if unread:
                hint += (
                    f" The rating group matched {fmt_list(list(unread))} (e.g. column "
                    f"{next(iter(unread.values()))!r}), which name no rating; ratings are "
                    f"{fmt_list([f'{k} ({v})' for k, v in RATINGS.items()])}. Say what the "
                    f"words mean with rating_labels=, e.g. "
                    f"rating_labels={{{next(iter(unread))!r}: 'E'}}."
                )
            if unused:
                hint += (
                    f" Columns for rating(s) {fmt_list(list(unused))} were found but "
                    f"{inst.name!r} has {list(inst.ratings)}."
                )
            if not found and not unused_columns:
                hint += " The regex matches no column at all" + (
                    " (it must match the whole header; pass match='prefix' to match its "
                    "start, or end the pattern with .*)."
                    if self._match == "full"
                    else "."
                )
            raise MissingColumnError(
                f"The column regex {pattern.pattern!r} found no column for {len(missing)} "
                f"rating(s): {fmt_list(missing)}.{hint}"
            )
        self._unused_columns = tuple(unused_columns)
        return mapping

    def _resolve_segments(self, frame: pd.DataFrame, segments: Any) -> pd.DataFrame | None:
        if segments is None:
            return None
        out: dict[str, Any] = {}
        if isinstance(segments, str):
            segments = [segments]
        if isinstance(segments, pd.Series):
            name = str(segments.name) if segments.name is not None else "segment"
            segments = {name: segments}
        if not isinstance(segments, Mapping | Sequence | np.ndarray | pd.Index) or isinstance(
            segments, bytes
        ):
            raise DataError(
                "segments must be a column name, a list of column names, a Series or a "
                f"mapping name → column/values; got {type(segments).__name__}."
            )
        if isinstance(segments, Mapping):
            for name, values in segments.items():
                if isinstance(values, str):
                    require_columns(frame, [values], f"segment {name!r}")
                    out[str(name)] = frame[values].to_numpy()
                else:
                    values = _aligned(values, frame.index)
                    arr = values.to_numpy() if isinstance(values, pd.Series) else np.asarray(values)
                    if len(arr) != len(frame):
                        raise DataError(
                            f"Segment {name!r} has {len(arr)} values but the data has "
                            f"{len(frame)} rows."
                        )
                    out[str(name)] = arr
        else:
            cols = [str(c) for c in segments]
            require_columns(frame, cols, "segments")
            for c in cols:
                out[c] = frame[c].to_numpy()
        result = pd.DataFrame(out, index=frame.index)
        for c in result.columns:
            labels = pd.unique(result[c].dropna())
            by_text: dict[str, list[Any]] = {}
            for v in labels:
                by_text.setdefault(str(v), []).append(v)
            alike = [vs for vs in by_text.values() if len(vs) > 1]
            if alike:
                shown = " and ".join(f"{v!r} ({type(v).__name__})" for v in alike[0])
                raise DataError(
                    f"Segment {c!r} has labels that differ only in type: {shown} would print "
                    f"alike but count as different segments. Recode them to one type, e.g. "
                    f"df[{c!r}].astype(str)."
                )
            result[c] = result[c].astype("category")
        return result

    def _resolve_importance(
        self, frame: pd.DataFrame, importance: Any, policy: str
    ) -> np.ndarray | None:
        if importance is None:
            return None
        names = [d.name for d in self._instrument.quality_dimensions]
        if isinstance(importance, str):
            try:
                cols = [importance.format(dimension=n) for n in names]
            except (KeyError, IndexError, ValueError) as exc:
                raise ImportanceWeightError(
                    f"Importance template {importance!r} is not valid ({type(exc).__name__}: "
                    f"{exc}); use the field {{dimension}}, e.g. 'imp_{{dimension}}'."
                ) from None
            require_columns(frame, cols, "importance points")
            sub = frame[cols]
        elif isinstance(importance, Mapping):
            unknown = sorted(set(importance) - set(names))
            missing = [n for n in names if n not in importance]
            if unknown or missing:
                raise ImportanceWeightError(
                    f"importance must name each quality dimension once; unknown {unknown}, "
                    f"missing {missing}."
                )
            cols = [str(importance[n]) for n in names]
            require_columns(frame, cols, "importance points")
            sub = frame[cols]
        elif isinstance(importance, pd.DataFrame):
            missing = [n for n in names if n not in importance.columns]
            if missing:
                raise MissingColumnError(
                    f"The importance frame has no column for dimension(s) {fmt_list(missing)}; "
                    f"its columns must be {names}."
                )
            if len(importance) != len(frame):
                raise ImportanceWeightError(
                    f"The importance frame has {len(importance)} rows but the data has {len(frame)}."
                )
            sub = _aligned(importance[names], frame.index).set_axis(frame.index)
            cols = names
        else:
            raise ImportanceWeightError(
                "importance must be a DataFrame, a mapping dimension → column, or a template "
                "such as 'imp_{dimension}'."
            )
        x = numeric_matrix(sub, list(sub.columns))
        neg = x < 0
        if neg.any():
            j = int(np.where(neg.any(axis=0))[0][0])
            raise ImportanceWeightError(
                f"Importance column {cols[j]!r} has negative points at rows "
                f"{fmt_list(sub.index[neg[:, j]])} (values {fmt_list(x[neg[:, j], j].tolist())})."
            )
        answered = ~np.isnan(x).all(axis=1)
        partial = answered & np.isnan(x).any(axis=1)
        if partial.any():
            raise with_rows(
                ImportanceWeightError(
                    f"Importance points are incomplete at rows {fmt_list(sub.index[partial])}: "
                    "give points for every dimension or leave the whole row empty."
                ),
                sub.index[partial],
            )
        sums = np.nansum(x, axis=1)
        off = answered & (np.abs(sums - 100.0) > 1e-6)
        if off.any():
            if policy == "raise":
                raise with_rows(
                    ImportanceWeightError(
                        f"Importance points must sum to 100 per respondent; rows "
                        f"{fmt_list(sub.index[off])} sum to {fmt_list(sums[off].tolist())}. "
                        "Fix them or pass importance_sum='rescale'."
                    ),
                    sub.index[off],
                )
            with np.errstate(invalid="ignore", divide="ignore"):
                x[off] = x[off] / sums[off, None] * 100.0
            zero = off & (sums == 0)
            if zero.any():
                raise ImportanceWeightError(
                    f"Importance points sum to 0 at rows {fmt_list(sub.index[zero])}; cannot rescale."
                )
        return x

    def _resolve_weights(self, frame: pd.DataFrame, weights: Any) -> np.ndarray | None:
        if weights is None:
            return None
        if isinstance(weights, str):
            require_columns(frame, [weights], "survey weights")
            name = weights
            w = numeric_matrix(frame, [weights])[:, 0]
        else:
            name = "weights"
            weights = _aligned(weights, frame.index)
            try:
                w = np.asarray(weights, dtype=np.float64).ravel()
            except (TypeError, ValueError):
                raise DataError(
                    "weights must be a column name or numbers, one per respondent."
                ) from None
            if len(w) != len(frame):
                raise DataError(f"weights has {len(w)} values but the data has {len(frame)} rows.")
        bad = ~np.isfinite(w) | (w <= 0)
        if bad.any():
            raise DataError(
                f"Survey weight column {name!r} must be positive and finite; rows "
                f"{fmt_list(frame.index[bad])} have {fmt_list(w[bad].tolist())}."
            )
        return _rescale_weights(w, name, frame.index)

    def _resolve_outcomes(
        self, frame: pd.DataFrame, outcomes: Any, missing_codes: Sequence[float]
    ) -> pd.DataFrame | None:
        if outcomes is None:
            return None
        if isinstance(outcomes, str):
            outcomes = {outcomes: outcomes}
        elif not isinstance(outcomes, Mapping):
            outcomes = {str(c): str(c) for c in outcomes}
        cols = [str(c) for c in outcomes.values()]
        require_columns(frame, cols, "outcomes")
        x = numeric_matrix(frame, cols, missing_codes)
        return pd.DataFrame(x, index=frame.index, columns=[str(k) for k in outcomes])

    # ------------------------------------------------------------------ accessors
    @property
    def instrument(self) -> Instrument:
        """The instrument the responses were validated against."""
        return self._instrument

    @property
    def index(self) -> pd.Index:
        """Respondent labels (the caller's index, after listwise deletion)."""
        return self._index.copy()

    @property
    def n_respondents(self) -> int:
        """Number of respondents kept."""
        return len(self._index)

    def __len__(self) -> int:
        return len(self._index)

    @property
    def nan_policy(self) -> NanPolicy:
        """The missing-data policy chosen at construction."""
        return self._nan_policy

    @property
    def dropped_rows(self) -> tuple[Any, ...]:
        """Index labels of respondents dropped by ``nan_policy='listwise'``."""
        return self._dropped_rows

    @property
    def invariance(self) -> Mapping[tuple[str, str], Any]:
        """Measurement-invariance results recorded on this survey, keyed by
        ``(segment, score)`` (a read-only view; empty until tested).

        :func:`servqual.measurement_invariance` called with this survey and ``by=``
        records its :class:`~servqual.InvarianceResult` here (a later call for the same
        segment and score replaces it). :func:`servqual.compare_groups` and
        :func:`servqual.gap_scores` read it: when the segment they compare has been
        tested they say in their header whether scalar invariance was established, and
        warn (:class:`~servqual.InvarianceWarning`) when it was not. Recording on the
        survey keeps the test and the comparisons it qualifies together without passing
        the result around; pass ``invariance=`` to those functions to use another result.

        Examples
        --------
        >>> import servqual as sq
        >>> dict(sq.load_example("retail_bank").invariance)
        {}
        """
        return types.MappingProxyType(self.__dict__.setdefault("_invariance", {}))

    def _record_invariance(self, segment: str, score: str, result: Any) -> None:
        """Record a measurement-invariance result under ``(segment, score)``."""
        self.__dict__.setdefault("_invariance", {})[(segment, score)] = result

    @property
    def recoded(self) -> pd.DataFrame:
        """Out-of-range values set to missing with ``out_of_range='nan'`` (column, row, value)."""
        rows = [
            {"column": r["column"], "row": row, "value": v}
            for r in self._recoded
            for row, v in zip(r["rows"], r["values"], strict=True)
        ]
        return pd.DataFrame(rows, columns=["column", "row", "value"])

    @property
    def columns(self) -> dict[str, list[str]]:
        """Rating letter → the data's column names in item order."""
        return {k: list(v) for k, v in self._columns.items()}

    @property
    def unused_columns(self) -> list[str]:
        """Columns a ``columns`` regex matched but that rate nothing the instrument has
        (an item number it does not have, or a rating word that names no rating of it);
        empty for templates and mappings."""
        return list(self._unused_columns)

    @property
    def info(self) -> pd.DataFrame | None:
        """Respondent information kept from a survey-platform export (response id, start
        and end dates, ``Finished``, ``Progress`` ...), one row per respondent kept, or
        ``None`` (a Survey built from a frame, or a plain CSV/Excel/SPSS file)."""
        return None if self._info is None else self._info.copy()

    @property
    def n_incomplete(self) -> int:
        """Respondents with at least one missing rating (among those kept)."""
        inc = np.zeros(len(self._index), dtype=bool)
        for x in self._ratings.values():
            inc |= np.isnan(x).any(axis=1)
        return int(inc.sum())

    @property
    def segments(self) -> pd.DataFrame | None:
        """Segment variables as categorical columns (a copy), or ``None``."""
        return None if self._segments is None else self._segments.copy()

    def segment(self, by: str) -> pd.Series:
        """One segment variable as a categorical Series aligned with the respondents."""
        if self._segments is None or by not in self._segments.columns:
            have = [] if self._segments is None else list(self._segments.columns)
            raise MissingColumnError(
                f"No segment {by!r}; segments are {have}. Name segment columns with segments= "
                "(Survey, SurveySummary.from_frame, summarize_csv)."
            )
        return self._segments[by].copy()

    @property
    def weights(self) -> np.ndarray | None:
        """Survey weights (read-only array) or ``None``."""
        return self._weights

    @property
    def importance(self) -> pd.DataFrame | None:
        """Per-respondent importance points per quality dimension, or ``None``."""
        if self._importance is None:
            return None
        names = [d.name for d in self._instrument.quality_dimensions]
        return pd.DataFrame(self._importance, index=self._index, columns=names)

    @property
    def outcomes(self) -> pd.DataFrame | None:
        """Outcome ratings (overall quality, satisfaction ...) or ``None``."""
        return None if self._outcomes is None else self._outcomes.copy()

    def outcome(self, name: str) -> pd.Series:
        """One outcome column as a Series."""
        if self._outcomes is None or name not in self._outcomes.columns:
            have = [] if self._outcomes is None else list(self._outcomes.columns)
            raise MissingColumnError(
                f"No outcome {name!r}; outcomes are {have}. Name outcome columns with outcomes= "
                "(Survey, SurveySummary.from_frame, summarize_csv)."
            )
        return self._outcomes[name].copy()

    def has_rating(self, letter: str) -> bool:
        """Whether items were answered on rating ``letter`` (``"E"``, ``"A"`` ...)."""
        return letter in self._ratings

    def matrix(self, letter: str) -> np.ndarray:
        """Read-only (n_respondents, n_items) float array of one rating (reverse-keyed).

        Columns follow ``instrument.items``; NaN marks a missing rating.
        """
        if letter not in self._ratings:
            raise InstrumentError(
                f"Instrument {self._instrument.name!r} has no {RATINGS.get(letter, letter)!r} "
                f"ratings ({letter!r}); it has {list(self._ratings)}."
            )
        return self._ratings[letter]

    def ratings(self, rating: str = "P") -> pd.DataFrame:
        """One rating as a DataFrame: respondents × item codes (reverse-keyed items recoded).

        ``rating`` is a letter (``"P"``) or a score name (``"perception"``).
        """
        letter = SCORE_TO_RATING.get(rating, rating)
        return pd.DataFrame(
            self.matrix(letter), index=self._index, columns=list(self._instrument.item_codes)
        )

    @property
    def responses(self) -> pd.DataFrame:
        """All ratings, columns a (rating, item) MultiIndex; a new frame each call."""
        parts = {r: self.ratings(r) for r in self._ratings}
        return pd.concat(parts, axis=1, names=["rating", "item"])

    def item_scores(self, score: str = "perception", dimension: str | None = None) -> pd.DataFrame:
        """Item-level scores as respondents × items (for reliability and factor analysis).

        ``score`` is a rating name (``"perception"``, ``"expectation"`` ...), a letter,
        or ``"gap"`` (perception minus the default reference), ``"msa"``, ``"mss"``.
        ``dimension`` restricts to one dimension's items.
        """

        codes, x = _gap_engine.item_score_matrix(self, score)
        frame = pd.DataFrame(x, index=self._index, columns=codes)
        if dimension is not None:
            dim = self._instrument.dimension(dimension)
            frame = frame[[i.code for i in dim.items if i.code in frame.columns]]
        return frame

    # ------------------------------------------------------------------ display
    # ------------------------------------------------------------------ source protocol
    @property
    def survey_weighted(self) -> bool:
        """Whether survey weights were given (design-based estimates)."""
        return self._weights is not None

    def require_rows(self, statistic: str, instead: str) -> None:
        """A Survey holds the rows: every statistic can run (see ``servqual._source``)."""

    def segment_masks(
        self, by: str | Sequence[str] | None
    ) -> tuple[tuple[str, ...] | None, list[tuple[Any, np.ndarray]]]:
        """(segment names, [(segment key, boolean row mask)]); one group keyed None without ``by``.

        Respondents with a missing segment value belong to no group.
        """
        if by is None:
            return None, [(None, np.ones(self.n_respondents, dtype=bool))]
        names = check_by(by)
        segs = pd.concat([self.segment(b) for b in names], axis=1)
        no_segment = segs.isna().any(axis=1).to_numpy()
        if no_segment.any():
            empty = [b for b in names if segs[b].isna().any()]
            warnings.warn(
                f"{int(no_segment.sum())} of {len(segs)} respondents have no value for segment "
                f"{fmt_list(empty)} (rows {fmt_list(self._index[no_segment])}); they are in no "
                "segment's rows (recode the missing values to a label to keep them).",
                MissingDataWarning,
                stacklevel=4,
            )
        grouped = segs.groupby(list(names), observed=True, sort=True, dropna=True)
        codes = grouped.ngroup().to_numpy()
        keys = grouped.size().index
        return names, [(key, codes == g) for g, key in enumerate(keys)]

    def unit_moments(
        self,
        level: str,
        reference: str,
        weighted: bool,
        by: str | Sequence[str] | None,
        confidence_level: float,
    ) -> Groups:
        """Moments of perception, reference and gap per unit and segment, from the arrays.

        A unit's respondent needs both scores (pairwise over units). With survey
        weights, means are weighted, standard errors are Taylor-linearisation
        estimates (R ``survey::svymean``) and the share meeting the reference has
        the logit interval of R ``svyciprop(method = "logit")``.
        """
        u = _gap_engine.units(self, level, reference=reference, weighted=weighted)
        names, groups = self.segment_masks(by)
        w_all = self._weights
        if w_all is None:
            # blocks of rows: no temporaries the size of the data (issue 13)
            out = []
            for key, mask in groups:
                m = paired_moments(u.perception, u.reference, None if key is None else mask)
                out.append(
                    (
                        key,
                        UnitMoments(
                            labels=u.labels,
                            dimensions=u.dimensions,
                            reference_code=u.reference_code,
                            n=m["n"],
                            perception=m["perception"],
                            reference=m["reference"],
                            gap=m["mean"],
                            sd=m["sd"],
                            se=m["se"],
                            n_meeting=m["n_meeting"],
                            share=m["n_meeting"] / m["n"],
                        ),
                    )
                )
            return names, out
        gap = u.perception - u.reference
        conformance = self._instrument.perspective == "conformance"
        out = []
        for key, mask in groups:
            whole = key is None
            g = gap if whole else gap[mask]
            p = u.perception if whole else u.perception[mask]
            r = u.reference if whole else u.reference[mask]
            w = None if w_all is None else w_all[mask]
            ok = None
            if self._has_nan:  # a unit's row needs both perception and reference
                missing = np.isnan(g)
                p = np.where(missing, np.nan, p)
                r = np.where(missing, np.nan, r)
                ok = ~missing
            meets = g >= -1e-12  # before column_moments may centre g in place
            if ok is not None:
                meets &= ok
            mg = column_moments(g, w, overwrite=g is gap or not whole)
            n_meeting = np.count_nonzero(meets, axis=0)
            interval = None
            with np.errstate(divide="ignore", invalid="ignore"):  # n < 2: the statistic refuses
                if w is None:
                    share = n_meeting / mg["n"]
                else:
                    okw = np.ones_like(g, dtype=bool) if ok is None else ok
                    ww = np.where(okw, w[:, None], 0.0)
                    share = (ww * meets).sum(axis=0) / ww.sum(axis=0)
                    if conformance:
                        interval = weighted_share_interval(meets, okw, w, share, confidence_level)
            out.append(
                (
                    key,
                    UnitMoments(
                        labels=u.labels,
                        dimensions=u.dimensions,
                        reference_code=u.reference_code,
                        n=mg["n"].astype(np.int64),
                        perception=column_means(p, w),
                        reference=column_means(r, w),
                        gap=mg["mean"],
                        sd=mg["sd"],
                        se=mg["se"],
                        n_meeting=n_meeting,
                        share=share,
                        share_interval=interval,
                    ),
                )
            )
        return names, out

    def _summary(self) -> str:
        inst = self._instrument
        nd = len(inst.dimensions)
        return (
            f"Survey {inst.name!r} · {nd} dimension{'s' if nd != 1 else ''} · "
            f"{inst.n_items} item{'s' if inst.n_items != 1 else ''} · "
            f"{inst.scale.points}-point · {self.n_respondents} "
            f"respondent{'s' if self.n_respondents != 1 else ''} "
            f"({self.n_incomplete} incomplete)"
        )

    def __repr__(self) -> str:
        return self._summary()

    def _repr_html_(self) -> str:
        return f"<p><b>{html.escape(self._summary())}</b></p>"

    def describe(self) -> pd.DataFrame:
        """Per item and rating: n answered, mean, sd, min, max (for the sample description)."""
        rows = []
        for letter, x in self._ratings.items():
            n = (~np.isnan(x)).sum(axis=0)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                mean = np.nanmean(x, axis=0)
                sd = np.nanstd(x, axis=0, ddof=1)
                mn = np.nanmin(x, axis=0)
                mx = np.nanmax(x, axis=0)
            for j, item in enumerate(self._instrument.items):
                rows.append(
                    {
                        "rating": RATINGS[letter],
                        "item": item.code,
                        "dimension": self._instrument.dimension_of(item.code),
                        "n": int(n[j]),
                        "mean": mean[j],
                        "sd": sd[j],
                        "min": mn[j],
                        "max": mx[j],
                    }
                )
        return pd.DataFrame(rows).set_index(["rating", "item"])


def _rescale_weights(w: np.ndarray, name: str, index: pd.Index) -> np.ndarray:
    """Survey weights divided by a power of two near their maximum when they are very
    large or very small (1e200, 1e-170), so that the sums of squared weights in the
    standard errors neither overflow nor underflow; weights are scale-free and a
    power of two divides exactly, so every estimate is unchanged."""
    hi, lo = float(w.max()), float(w.min())
    if hi / lo > 1e150:
        raise DataError(
            f"Survey weight column {name!r} spans more than 150 orders of magnitude "
            f"(row {index[int(np.argmin(w))]!r} has {lo:g}, row {index[int(np.argmax(w))]!r} "
            f"{hi:g}); squared weights cannot be represented. Check the weights."
        )
    if 2.0**-64 <= hi <= 2.0**64:
        return w
    return np.ldexp(w, -int(np.frexp(hi)[1]))


def weighted_share_interval(
    meets: np.ndarray, ok: np.ndarray, w: np.ndarray, share: np.ndarray, conf: float
) -> tuple[np.ndarray, np.ndarray]:
    """Logit interval of a survey-weighted share (R ``svyciprop(method = "logit")``);
    Wilson's on Kish's effective sample size where the share is 0 or 1."""
    m = column_moments(np.where(ok, meets.astype(np.float64), np.nan), w)
    lo, hi = logit_interval(share, m["se"], m["n"], conf)
    edge = (share <= 0) | (share >= 1)
    if edge.any():
        ww = np.where(ok, w[:, None], 0.0)
        n_eff = ww.sum(axis=0) ** 2 / (ww**2).sum(axis=0)
        wlo, whi = wilson_interval(share * n_eff, n_eff, conf)
        lo, hi = np.where(edge, wlo, lo), np.where(edge, whi, hi)
    return lo, hi


def require_survey(data: Any, what: str = "This analysis") -> Survey:
    """``data`` if it is a :class:`Survey`, else a DataError saying how to build one."""
    if not isinstance(data, Survey):
        raise DataError(
            f"{what} needs a servqual Survey, got {type(data).__name__}; build one with "
            "sq.Survey(df, instrument) or sq.read_survey(path, instrument)."
        )
    return data
