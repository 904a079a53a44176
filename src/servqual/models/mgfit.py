"""``sem(..., group=)``: the multi-group fit and its :class:`~servqual.models.api.SEMResult`.

The engine is :mod:`.multigroup`; this module checks the grouping column and the groups'
data, fits, and lays the result out as lavaan's ``parameterEstimates`` (all rows of group
1, then group 2, …, then the defined parameters).
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from .._validation import fmt_list, numeric_matrix
from ..exceptions import (
    DataError,
    InstrumentError,
    InsufficientDataError,
    MissingColumnError,
    MissingDataWarning,
    ServqualWarning,
)
from .fit import FIT_NAMES, ROBUST_NAMES, robust_fit_measures
from .multigroup import (
    GroupData,
    GroupModel,
    MultiGroupObjective,
    build_multigroup,
    group_fit_measures,
    mg_fit,
    mlr_parts,
    multigroup_start,
    normalise_equal,
)
from .partable import build_partable
from .result import (
    _definitions,
    _effects,
    _evaluate_defined,
    _improper,
    _standardized,
    parameter_table,
    r_squared,
    warn_improper,
)
from .sample import listwise
from .syntax import parse_model
from .vcov import _inverse_information, delta_se

__all__ = ["fit_multigroup", "group_labels"]


def group_labels(frame: pd.DataFrame, group: str) -> tuple[pd.DataFrame, list[Any], pd.Series]:
    """Rows with a group value, the group values in lavaan's order, and the column.

    Order: first appearance in the data; for a pandas Categorical its category order
    (categories without rows are dropped with a warning). Rows without a group value are
    dropped with a :class:`~servqual.MissingDataWarning`.
    """
    if not isinstance(group, str):
        raise DataError(f"group must be a column name, got {group!r}.")
    if group not in frame.columns:
        close = difflib.get_close_matches(group, [str(c) for c in frame.columns], n=1)
        hint = f" The closest column is {close[0]!r}." if close else ""
        raise MissingColumnError(f"group={group!r} is not a column of the data.{hint}")
    col = frame[group]
    missing = col.isna().to_numpy()
    if missing.any():
        rows = frame.index[missing]
        warnings.warn(
            f"SEM: {int(missing.sum())} row(s) have no value of group {group!r} and were "
            f"dropped (rows {fmt_list(rows)}), as lavaan drops them.",
            MissingDataWarning,
            stacklevel=4,
        )
        frame = frame.loc[~missing]
        col = frame[group]
    if isinstance(col.dtype, pd.CategoricalDtype):
        present = set(col.dropna().unique())
        unused = [c for c in col.cat.categories if c not in present]
        if unused:
            warnings.warn(
                f"SEM: group {group!r} has categories without respondents, left out: "
                f"{fmt_list(unused)}.",
                ServqualWarning,
                stacklevel=4,
            )
        labels = [c for c in col.cat.categories if c in present]
    else:
        labels = list(pd.unique(col))
    if len(labels) < 2:
        raise DataError(
            f"group={group!r} has {len(labels)} group(s) ({fmt_list(labels)}); a multi-group "
            "model needs at least two. Drop group= to fit one group."
        )
    return frame, labels, col


def _group_data(
    frame: pd.DataFrame,
    group: str,
    labels: list[Any],
    ov: list[str],
    nan_policy: str,
) -> tuple[list[GroupData], tuple[Any, ...]]:
    x = numeric_matrix(frame, ov)
    bad = np.isnan(x).any(axis=1)
    dropped = listwise(frame, bad, nan_policy, stacklevel=5)
    col = frame[group].to_numpy()
    out = []
    p = len(ov)
    for label in labels:
        rows_g = x[(col == label) & ~bad]
        n = len(rows_g)
        if n <= p:
            raise InsufficientDataError(
                f"Group {label!s} of {group!r} has {n} complete row(s); a model of {p} observed "
                f"variables needs at least {p + 1} in every group."
            )
        mean = rows_g.mean(axis=0)
        dev = rows_g - mean
        cov = dev.T @ dev / n
        var = np.diag(cov)
        zero = [ov[i] for i in np.flatnonzero(var <= 1e-12 * max(float(var.max()), 1.0))]
        if zero:
            raise DataError(
                f"Item(s) {fmt_list(zero)} are constant within group {label!s} of {group!r} "
                "(zero variance there); drop them or merge the group."
            )
        d = 1.0 / np.sqrt(var)
        w, v = np.linalg.eigh(cov * np.outer(d, d))
        if w[0] < 1e-10 * p:
            involved = [ov[i] for i in np.flatnonzero(np.abs(v[:, 0]) > 1e-3)]
            raise DataError(
                f"The covariance matrix of group {label!s} of {group!r} is singular: "
                f"{fmt_list(involved)} are linearly dependent there."
            )
        out.append(GroupData(str(label), cov, mean, n, rows_g, float(np.linalg.slogdet(cov)[1])))
    return out, dropped


def fit_multigroup(
    frame: pd.DataFrame,
    model: str,
    group: str | None,
    *,
    group_equal: str | Sequence[str],
    group_partial: str | Sequence[str],
    std_lv: bool,
    estimator: str,
    level: float,
    nan_policy: str,
) -> dict[str, Any]:
    """Fit the multi-group model; returns the keyword arguments of ``SEMResult``.

    ``group=None``: one group with a mean structure (``meanstructure=True``); the table
    then has no ``group`` column and its index no ``|group`` suffix."""

    equal = normalise_equal(group_equal)
    if isinstance(group_partial, str):
        group_partial = [group_partial] if group_partial else []
    single = group is None
    if group is None:
        group = "\x00group"
        frame = frame.assign(**{group: ""})
        labels: list[Any] = [""]
    else:
        frame, labels, _col = group_labels(frame, group)
    statements, defined = parse_model(model)
    columns = [str(c) for c in frame.columns if c != group]
    used = {s.lhs for s in statements} | {s.rhs for s in statements}
    if group in used:
        raise InstrumentError(
            f"The grouping column {group!r} is also a variable of the model; a group cannot "
            "be a model variable."
        )
    base = build_partable(statements, defined, columns, bool(std_lv))
    mg = build_multigroup(base, len(labels), equal, list(group_partial), bool(std_lv))
    ov = list(base.ov)
    data, dropped = _group_data(frame, group, labels, ov, nan_policy)
    n_groups = len(labels)
    p = len(ov)
    models = [GroupModel(mg, g) for g in range(n_groups)]
    ndat = n_groups * (p * (p + 1) // 2 + p)
    if mg.n_free > ndat:
        raise InstrumentError(
            f"The model has {mg.n_free} free parameters but only {ndat} sample moments "
            f"(df = {ndat - mg.n_free}); it is not identified."
        )
    for m, d in zip(models, data, strict=True):
        if d.n < len(m.used):
            warnings.warn(
                f"Group {d.label} of {group!r} has {d.n} complete rows but {len(m.used)} free "
                "parameters in its part of the model; the estimates of that group are "
                "unstable (lavaan fits it all the same).",
                ServqualWarning,
                stacklevel=4,
            )
    obj = MultiGroupObjective(models, data)
    x0 = multigroup_start(models, data, mg.n_free)
    est, _f, nit = mg_fit(obj, x0)
    fit, chisq_g, srmr_g = group_fit_measures(obj, est)
    n = obj.n
    names = list(FIT_NAMES)
    vcov = _inverse_information(0.5 * obj.expected_hessian(est), n)
    if estimator == "mlr":
        vr, trace_h0, trace_h1, trace_b = mlr_parts(obj, est)
        if np.all(np.isfinite(vcov)):
            vcov = vr
        df, df_b = fit["df"], fit["baseline_df"]
        c = (trace_h1 - trace_h0) / df if df > 0 else float("nan")
        c_b = (trace_h1 - trace_b) / df_b
        fit.update(robust_fit_measures(fit, c, c_b, n_groups))
        names += list(ROBUST_NAMES)

    t = mg.table
    group_of_row = t["group"].to_numpy() - 1
    values = np.concatenate([m.row_values(est) for m in models])
    par = t["par"].to_numpy()
    free = par >= 0
    se_rows = np.zeros(len(t))
    se_rows[free] = np.sqrt(np.clip(np.diag(vcov), 0.0, None))[par[free]]
    std_parts_all, std_parts_lv = [], []
    for m in models:
        a, s = m.ram.matrices(est)
        b = m.ram.inverse(a)
        sd = np.sqrt(np.clip(np.diag(b @ s @ b.T), 0.0, None))
        mvals = m.means(est)[m.m_idx]
        with np.errstate(divide="ignore", invalid="ignore"):
            m_all = mvals / sd[m.m_idx]
            m_lv = mvals / np.where(m.m_idx < m.ram.p, 1.0, sd[m.m_idx])
        std_parts_all.append(m.place(_standardized(m.ram, est, "all"), m_all))
        std_parts_lv.append(m.place(_standardized(m.ram, est, "lv"), m_lv))
    std_all = np.concatenate(std_parts_all)
    std_lvv = np.concatenate(std_parts_lv)
    # labels: the user's, else lavaan's ".pK." plabel of the first row of an equality
    label = t["label"].astype(str).to_numpy().copy()
    first_row: dict[int, int] = {}
    shared = np.zeros(mg.n_free, dtype=int)
    np.add.at(shared, par[free], 1)
    for k in range(len(t)):
        if par[k] >= 0:
            first_row.setdefault(int(par[k]), k)
    for k in range(len(t)):
        if par[k] >= 0 and not label[k] and shared[par[k]] > 1:
            label[k] = f".p{first_row[int(par[k])] + 1}."
    group_names = [str(x) for x in labels]
    glabel = ["" if single else group_names[g] for g in group_of_row]

    codes = _definitions(base)
    if codes:
        flat = replace(base, table=t)

        def dfun(z: np.ndarray) -> np.ndarray:
            return _evaluate_defined(flat, codes, np.concatenate([m.row_values(z) for m in models]))

        dval = dfun(est)
        dse = delta_se(dfun, est, vcov)
        dstd_all = _evaluate_defined(flat, codes, std_all)
        dstd_lv = _evaluate_defined(flat, codes, std_lvv)
    else:
        dval = dse = dstd_all = dstd_lv = np.zeros(0)
    nd = len(dval)
    lhs = list(t["lhs"]) + [d.name for d in base.defined]
    op = list(t["op"]) + [":="] * nd
    rhs = list(t["rhs"]) + [d.expression.replace("**", "^").replace(" ", "") for d in base.defined]
    lab = list(label) + [d.name for d in base.defined]
    grp = glabel + [""] * nd
    free_all = np.concatenate([free, np.zeros(nd, dtype=bool)])
    has_se = np.concatenate([free, np.ones(nd, dtype=bool)])
    est_all = np.concatenate([values, dval])
    se_all = np.concatenate([se_rows, dse])
    table = parameter_table(
        lhs=lhs,
        op=op,
        rhs=rhs,
        label=lab,
        free=free_all,
        est=est_all,
        se=se_all,
        std_lv=np.concatenate([std_lvv, dstd_lv]),
        std_all=np.concatenate([std_all, dstd_all]),
        level=level,
        has_se=has_se,
        group=grp if not single else [""] * len(lhs),
    )
    index = list(table.index)
    if single:
        table = table.drop(columns=["group"])
    # R² and effects per group; improper solutions per group
    r2_parts, eff_parts, problems = [], [], []
    for g, m in enumerate(models):
        r2_g = r_squared(base, m.ram, est)
        r2_g.index = pd.MultiIndex.from_product(
            [[group_names[g]], list(r2_g.index)], names=["group", "variable"]
        )
        r2_parts.append(r2_g)
        eff = _effects(m.pt, m.ram, est, vcov)
        if not single:
            eff.insert(0, "group", group_names[g])
            eff.index = pd.Index([f"{i}|{group_names[g]}" for i in eff.index], name="effect")
        eff_parts.append(eff)
        where = "" if single else f"group {group_names[g]}: "
        problems += [f"{where}{x}" for x in _improper(m.pt, m.ram, est)]
    warn_improper(problems, groups=True, stacklevel=4)
    par_names = [""] * mg.n_free
    for k in np.flatnonzero(free)[::-1]:
        par_names[par[k]] = index[k]
    gi: pd.Index = pd.MultiIndex.from_product([group_names, ov], names=["group", "variable"])
    if single:
        gi = pd.Index(ov, name="variable")
        r2_parts = [r.droplevel("group") for r in r2_parts]
    moments = [m.moments(est) for m in models]
    group_table = pd.DataFrame(
        {
            "n": [d.n for d in data],
            "chisq": chisq_g,
            "srmr": srmr_g,
        },
        index=pd.Index(group_names, name="group"),
    )
    return {
        "_table": table,
        "model": model,
        "n": int(n),
        "observed": base.ov,
        "latent": base.lv,
        "estimator": estimator,
        "std_lv": bool(std_lv),
        "level": float(level),
        "npar": mg.n_free,
        "iterations": nit,
        "dropped_rows": dropped,
        "sample_cov": pd.DataFrame(np.vstack([d.cov for d in data]), index=gi, columns=ov),
        "implied_cov": pd.DataFrame(np.vstack([s for _m, s in moments]), index=gi, columns=ov),
        "vcov": pd.DataFrame(vcov, index=par_names, columns=par_names),
        "improper": tuple(problems),
        "missing": "listwise",
        "sample_mean": pd.Series(np.concatenate([d.mean for d in data]), index=gi, name="mean"),
        "implied_mean": pd.Series(
            np.concatenate([mu for mu, _s in moments]), index=gi, name="mean"
        ),
        "_fit": pd.Series({k: fit[k] for k in names}, name="fit", dtype=float),
        "_r2": pd.concat(r2_parts),
        "_effects": pd.concat(eff_parts) if eff_parts else pd.DataFrame(),
        "se_type": "robust" if estimator == "mlr" else "standard",
        "ci_type": "wald",
        "n_boot": 0,
        "n_boot_failed": 0,
        "n_boot_improper": 0,
        "_pt": base,
        "_est": est,
        "groups": tuple(group_names),
        "n_per_group": tuple(int(d.n) for d in data),
        "group": None if single else group,
        "group_equal": equal,
        "group_partial": tuple(str(x) for x in group_partial),
        "meanstructure": True,
        "_group_fit": None if single else group_table,
        "_mg": (mg, obj),
    }
