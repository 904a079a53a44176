"""The parameter table: the parsed statements plus lavaan's default parameters.

Reproduces ``lavaan::lavaanify`` for ``sem()``/``cfa()`` (single group, no mean
structure): user rows first, in the order written, then the defaults lavaan adds, in
lavaan's order — residual variances of the observed variables that are not fixed
exogenous covariates, variances of the latent variables, covariances among the
exogenous latent variables (``auto.cov.lv.x``), covariances among the pure dependent
variables (``auto.cov.y``), and the (fixed) variances and covariances of the observed
exogenous covariates (``fixed.x = TRUE``). The first loading of each factor is fixed
to 1 (``auto.fix.first``) unless ``std_lv``, which fixes the latent variances to 1
instead; the residual variance of the only indicator of a factor is fixed to 0
(``auto.fix.single``). Modifiers written in the syntax override the defaults, and
parameters with the same label are constrained to be equal.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import InstrumentError, MissingColumnError
from .syntax import Defined, Statement

__all__ = ["ParTable", "build_partable"]


@dataclass(frozen=True)
class ParTable:
    """Parameter table plus lavaan's variable classes.

    ``table`` has one row per parameter (lavaan's order) with ``lhs``, ``op``, ``rhs``,
    ``user`` (1 written, 0 default), ``free`` (bool), ``ustart`` (fixed value, NaN if
    free or taken from the data), ``label``, ``exo`` (fixed exogenous covariate moment)
    and ``par`` (index into the vector of distinct free parameters, -1 if fixed).
    """

    table: pd.DataFrame
    defined: tuple[Defined, ...]
    ov: tuple[str, ...]
    lv: tuple[str, ...]
    ov_x: tuple[str, ...]
    n_free: int
    lv_x: tuple[str, ...] = ()


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _missing(name: str, line: int, columns: list[str]) -> MissingColumnError:
    close = difflib.get_close_matches(name, columns, n=1)
    hint = f" The closest column is {close[0]!r}." if close else ""
    return MissingColumnError(
        f"Variable {name!r} (model syntax line {line}) is neither a column of the data nor a "
        f"latent variable defined with =~.{hint}"
    )


def build_partable(
    statements: list[Statement],
    defined: list[Defined],
    columns: list[str],
    std_lv: bool = False,
) -> ParTable:
    """Build the parameter table of a parsed model on data with ``columns``."""
    if not statements:
        raise InstrumentError("The model has no =~, ~ or ~~ statement.")
    seen: dict[tuple[str, str, str], int] = {}
    for st in statements:
        key = (st.lhs, st.op, st.rhs)
        swapped = (st.rhs, st.op, st.lhs)
        if key in seen or (st.op == "~~" and swapped in seen):
            raise InstrumentError(
                f"Model syntax line {st.line}: {st.lhs} {st.op} {st.rhs} is specified twice "
                f"(first on line {seen.get(key, seen.get(swapped))})."
            )
        seen[key] = st.line
    lv = _unique([s.lhs for s in statements if s.op == "=~"])
    clash = [f for f in lv if f in columns]
    if clash:
        raise InstrumentError(
            f"Latent variable name(s) {', '.join(map(repr, clash))} are also columns of the "
            "data; give the latent variables other names."
        )
    v_ind = _unique([s.rhs for s in statements if s.op == "=~"])
    eqs_y = _unique([s.lhs for s in statements if s.op == "~"])
    eqs_x = _unique([s.rhs for s in statements if s.op == "~"])
    ov_ind = [v for v in v_ind if v not in lv]
    ov_y0 = [v for v in eqs_y if v not in lv and v not in ov_ind]
    ov_x = [v for v in eqs_x if v not in lv and v not in ov_ind and v not in ov_y0]
    covs = [s for s in statements if s.op == "~~"]
    ov_cov = [s.lhs for s in covs if s.lhs not in lv] + [s.rhs for s in covs if s.rhs not in lv]
    ov = _unique(ov_ind + ov_y0 + ov_x + ov_cov)
    first_line: dict[str, int] = {}
    for s in statements:
        first_line.setdefault(s.lhs, s.line)
        first_line.setdefault(s.rhs, s.line)
    for name in ov:
        if name not in columns:
            raise _missing(name, first_line[name], columns)
    for st in statements:
        if st.op == "~1" and st.lhs not in ov and st.lhs not in lv:
            if st.lhs in columns:
                raise InstrumentError(
                    f"Model syntax line {st.line}: {st.lhs} ~ 1 is an intercept of a variable "
                    "that is not otherwise in the model."
                )
            raise _missing(st.lhs, st.line, columns)
    user_cov = {s.lhs for s in covs} | {s.rhs for s in covs}
    ov_x = [v for v in ov_x if v not in user_cov]  # written (co)variances: random, as lavaan
    ov_nox = [v for v in ov if v not in ov_x]
    lv_x = [f for f in lv if f not in v_ind and f not in eqs_y]
    ov_y = [v for v in ov if v in eqs_y and v not in v_ind + eqs_x + lv]
    lv_y = [f for f in lv if f in eqs_y and f not in v_ind + eqs_x]

    default: list[tuple[str, str]] = [(v, v) for v in ov_nox + lv]
    default += list(combinations(lv_x, 2))
    default += list(combinations(lv_y + ov_y, 2))
    default += [(ov_x[j], ov_x[i]) for j in range(len(ov_x)) for i in range(j, len(ov_x))]
    written = {(s.lhs, s.rhs) for s in covs} | {(s.rhs, s.lhs) for s in covs}
    default = [d for d in default if d not in written]

    rows: list[dict[str, Any]] = [
        {"lhs": s.lhs, "op": s.op, "rhs": s.rhs, "user": 1, "free": True, "ustart": np.nan}
        for s in statements
    ]
    rows += [
        {"lhs": a, "op": "~~", "rhs": b, "user": 0, "free": True, "ustart": np.nan}
        for a, b in default
    ]
    for r in rows:
        r["label"] = ""
        r["exo"] = 0
    if std_lv:
        for r in rows:
            if r["op"] == "~~" and r["lhs"] == r["rhs"] and r["lhs"] in lv:
                r["free"], r["ustart"] = False, 1.0
    else:
        done: set[str] = set()
        for r in rows:
            if r["op"] == "=~" and r["lhs"] not in done:
                done.add(r["lhs"])
                r["free"], r["ustart"] = False, 1.0
    n_ind: dict[str, list[str]] = {}
    for s in statements:
        if s.op == "=~":
            n_ind.setdefault(s.lhs, []).append(s.rhs)
    single = {its[0] for its in n_ind.values() if len(its) == 1 and its[0] in ov}
    for r in rows:
        if r["user"] == 0 and r["op"] == "~~" and r["lhs"] == r["rhs"] and r["lhs"] in single:
            r["free"], r["ustart"] = False, 0.0
        if r["user"] == 0 and r["op"] == "~~" and r["lhs"] in ov_x and r["rhs"] in ov_x:
            r["free"], r["exo"] = False, 1
    for r, s in zip(rows, statements, strict=False):
        if s.fixed is not None:
            r["free"], r["ustart"] = False, s.fixed
        elif s.free:
            r["free"], r["ustart"] = True, np.nan
        r["label"] = s.label
    labels = [r["label"] for r in rows if r["label"]]
    clash = sorted(set(labels) & (set(ov) | set(lv)))
    if clash:
        raise InstrumentError(f"Label(s) {clash} are also variable names; rename the labels.")
    par_of_label: dict[str, int] = {}
    n_free = 0
    for r in rows:
        if not r["free"]:
            r["par"] = -1
        elif r["label"] and r["label"] in par_of_label:
            r["par"] = par_of_label[r["label"]]
        else:
            r["par"] = n_free
            if r["label"]:
                par_of_label[r["label"]] = n_free
            n_free += 1
    known = set(labels)
    for d in defined:
        for name in d.names:
            if name not in known:
                close = difflib.get_close_matches(name, sorted(known), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise InstrumentError(
                    f"Model syntax error on line {d.line} at {name!r}: {d.name} := "
                    f"{d.expression} uses a label that no parameter has{hint}."
                )
        if d.name in known or d.name in ov or d.name in lv:
            raise InstrumentError(
                f"Model syntax line {d.line}: the defined parameter {d.name!r} reuses the name "
                "of a label or variable."
            )
        known.add(d.name)
    table = pd.DataFrame(
        rows, columns=["lhs", "op", "rhs", "user", "free", "ustart", "label", "exo", "par"]
    )
    return ParTable(table, tuple(defined), tuple(ov), tuple(lv), tuple(ov_x), n_free, tuple(lv_x))
