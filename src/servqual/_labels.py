"""Tick labels from the instrument: codes, dimension/item labels or item wording (internal)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

import pandas as pd

from ._validation import check_choice
from .exceptions import DataError, InstrumentError
from .instruments import Instrument, get, list_instruments

__all__ = ["LABEL_CHOICES", "resolve_instrument", "unit_labels", "wrap"]

LABEL_CHOICES = ("code", "label", "text")


def _width(char: str) -> int:
    """Display width of a character: 2 for wide (CJK) characters, else 1."""
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def wrap(text: str, width: int) -> str:
    """Wrap ``text`` at spaces to lines of at most ``width`` columns (CJK characters
    count two); a word longer than a line is broken between characters."""
    lines: list[str] = []
    cur, cur_w = "", 0
    for word in text.split():
        ww = sum(_width(c) for c in word)
        if cur and cur_w + 1 + ww <= width:
            cur, cur_w = f"{cur} {word}", cur_w + 1 + ww
            continue
        if cur:
            lines.append(cur)
        while ww > width:
            acc = take = 0
            for i, c in enumerate(word):
                if acc + _width(c) > width:
                    break
                acc, take = acc + _width(c), i + 1
            take = max(take, 1)
            lines.append(word[:take])
            word = word[take:]
            ww = sum(_width(c) for c in word)
        cur, cur_w = word, ww
    if cur:
        lines.append(cur)
    return "\n".join(lines)


def resolve_instrument(result: Any, instrument: Any = None) -> Instrument | None:
    """The instrument of ``result``: ``instrument=`` when given (an Instrument, a
    built-in name or a path), else the one the result names (``result.instrument``,
    a built-in's key or display name such as ``"SERVQUAL-22"``); None if unknown."""
    if instrument is not None:
        if isinstance(instrument, Instrument):
            return instrument
        inst = getattr(instrument, "instrument", None)  # a Survey
        if isinstance(inst, Instrument):
            return inst
        try:
            return get(instrument)
        except InstrumentError as err:
            raise DataError(f"instrument={instrument!r}: {err}") from None
    name = getattr(result, "instrument", None)
    if isinstance(name, Instrument):
        return name
    if not isinstance(name, str) or not name:
        return None
    try:
        return get(name)
    except InstrumentError:
        pass
    for key in list_instruments():
        inst = get(key)
        if inst.name.lower() == name.lower():
            return inst
    return None


def _lookup(inst: Instrument, unit: str, labels: str, width: int) -> str:
    for d in inst.dimensions:
        if d.name == unit:
            return d.label or unit
        for item in d.items:
            if item.code == unit:
                label = str(getattr(item, "label", "") or "") or unit
                if labels == "text" and item.text:
                    return wrap(item.text, width)
                return label
    return unit


def unit_labels(
    units: Sequence[Any],
    *,
    labels: str,
    result: Any,
    instrument: Any,
    chart: str,
    width: int = 28,
) -> list[str]:
    """Display labels of ``units`` (item codes or dimension names) for ``labels=``.

    ``"code"``: the codes as they are. ``"label"``: the dimension's or item's label
    (an item without one keeps its code). ``"text"``: the item wording wrapped to
    ``width`` columns (dimensions and items without wording: the label). A unit
    the instrument does not know (``"overall"``, an outcome) keeps its name; a unit
    given as a tuple (segment, ..., unit) keeps its segment prefix.
    """
    check_choice(labels, "labels", LABEL_CHOICES)
    if labels == "code":
        return [_join(u) for u in units]
    inst = resolve_instrument(result, instrument)
    if inst is None:
        named = getattr(result, "instrument", None)
        why = (
            f"the result names instrument {named!r}, which is not a built-in"
            if named
            else "the result does not name its instrument"
        )
        raise DataError(
            f"{chart}: labels={labels!r} needs the instrument's labels, but {why}; pass "
            "instrument=survey.instrument (or an Instrument, a built-in name or a path)."
        )
    out = []
    for u in units:
        if isinstance(u, tuple):
            *seg, last = u
            out.append(" / ".join([*map(str, seg), _lookup(inst, str(last), labels, width)]))
        else:
            out.append(_lookup(inst, str(u), labels, width))
    return out


def _join(u: Any) -> str:
    return " / ".join(map(str, u)) if isinstance(u, tuple) else str(u)


def relabel_index(frame: Any, *, labels: str, result: Any, instrument: Any, what: str) -> Any:
    """``frame`` with the items and dimensions of its index named as ``labels=`` asks.

    The levels named ``item`` or ``dimension`` (or a single unnamed text index) are
    relabelled with :func:`unit_labels` (full wording, unwrapped); other levels
    (segments, ``"overall"``) keep their values. ``frame`` is not changed.
    """
    check_choice(labels, "labels", LABEL_CHOICES)
    out = frame.copy()
    if labels == "code":
        return out
    index = out.index
    names = list(index.names)
    targets = [k for k, n in enumerate(names) if n in ("item", "dimension")]
    if not targets and index.nlevels == 1 and index.dtype == object:
        targets = [0]
    if not targets:
        return out

    def relabel(values: Any) -> list[str]:
        return unit_labels(
            list(values),
            labels=labels,
            result=result,
            instrument=instrument,
            chart=what,
            width=10**9,
        )

    if index.nlevels == 1:
        out.index = pd.Index(relabel(index), name=index.name)
        return out
    arrays = [index.get_level_values(k) for k in range(index.nlevels)]
    for k in targets:
        arrays[k] = pd.Index(relabel(arrays[k]), name=names[k])
    out.index = pd.MultiIndex.from_arrays(arrays, names=names)
    return out
