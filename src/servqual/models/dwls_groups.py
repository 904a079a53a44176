"""Multi-group WLSMV: ordinal indicators in several groups with thresholds per group,
as ``lavaan::cfa(model, data, ordered = TRUE, group = "g", group.equal = ...)``
(lavaan 0.6's defaults: DWLS, robust standard errors, scaled-and-shifted test, delta
parameterization).

Each group ``g`` has its own sample statistics (thresholds, polychoric correlations and
Γ_g, :func:`~servqual.models.ordinal.ordinal_stats` on the group's rows) and its own
parameters: the single-group table of :mod:`.dwls` per group plus

* the thresholds ``τ_g`` (rows ``"x|t1"``, free);
* the scaling factors ``Δ_g`` (rows ``"x~*~x"``): fixed at 1, freed in groups 2..G when
  the thresholds are equal across groups (``group_equal`` contains ``"thresholds"``);
* the intercepts ``ν`` of the latent responses (``"x~1"``, fixed at 0) and the latent
  means ``α_g`` (``"f~1"``): fixed at 0, freed in groups 2..G when ``"thresholds"`` or
  ``"intercepts"`` (but not ``"means"``) are equal — with ordinal data each of those two
  implies the other, as in lavaan's ``lav_options_set``; with ``std_lv`` and equal loadings
  the latent variances of groups 2..G are freed (unless ``"lv.variances"`` are equal).

These are lavaan's rules (``lav_partable_flat``; Wu & Estabrook, 2016, on their
identification). The model statistics of group g are the thresholds
``Δ_g (τ_g − ν − Λ_g α_g)`` (with regressions among the latent variables,
``Λ(I − B)⁻¹α``) and the correlations ``Δ_g Σ*_g Δ_g`` below the diagonal, where
``Σ*_g = Λ_g Ψ_g Λ_gᵀ + Θ_g`` and the residual variances are not parameters:
``θ_jj = Δ_j⁻² − [Λ_g Ψ_g Λ_gᵀ]_jj``.

* Estimates minimise ``F = Σ_g (N_g/N) · ½ (s_g − σ_g)ᵀ W_g (s_g − σ_g)``,
  ``W_g = diag(Γ_g)⁻¹`` (Gauss–Newton with step halving, exact complex-step Jacobians).
* Test: ``T = Σ_g (N_g − 1)·(s_g − σ_g)ᵀ W_g (s_g − σ_g)`` (lavaan's ``stat.group``).
* Robust covariance (Muthén, du Toit & Spisic, 1997), with the total information
  ``E = Σ_g f_g Δ_gᵀ W_g Δ_g``, ``f_g = N_g/N``:
  ``V = E⁻¹ (Σ_g f_g Δ_gᵀ W_g Γ_g W_g Δ_g) E⁻¹ / (N − G)``.
* Scaled-and-shifted test (Asparouhov & Muthén, 2010), as lavaan's
  ``lav_test_satorra_bentler`` (ABA form): per group
  ``UΓ_g = Γ_g W_g − f_g Δ_g E⁻¹ Δ_gᵀ W_g Γ_g W_g``, ``t₁ = Σ_g tr(UΓ_g)``,
  ``t₂ = Σ_g tr(UΓ_g²)``, ``a = √(df/t₂)``, ``T_ss = a·T + df − a·t₁``.
* Baseline: thresholds free in every group, all correlations 0.
"""

from __future__ import annotations

import dataclasses
import difflib
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from .._fitindex import _cfi, _rmsea_ci
from .._validation import fmt_list
from ..exceptions import (
    DataError,
    InstrumentError,
    InsufficientDataError,
    ServqualWarning,
)
from .dwls import WLSMV_FIT_NAMES, _build_model, _resolve_ordered, gauss_newton
from .matrices import RAM
from .mgfit import group_labels
from .multigroup import GROUP_EQUAL, _kind, partial_names
from .ordinal import OrdinalStats, _lower_pairs, ordinal_stats
from .partable import ParTable, build_partable
from .result import (
    SEMResult,
    WLSParts,
    _definitions,
    _effects,
    _evaluate_defined,
    _improper,
    _standardized,
    parameter_table,
    r2_variables,
    warn_improper,
)
from .sample import listwise
from .start import start_values
from .syntax import parse_model
from .vcov import delta_se

__all__ = ["WLSMV_GROUP_EQUAL", "WLSMV_GROUP_FIT_NAMES", "wlsmv_groups_sem"]

#: kinds of parameters ``group_equal`` accepts with ordinal data
WLSMV_GROUP_EQUAL = ("thresholds", *GROUP_EQUAL)

#: the same fit measures as one group (lavaan's names)
WLSMV_GROUP_FIT_NAMES = WLSMV_FIT_NAMES

_ROBUST = (
    "cfi_robust",
    "tli_robust",
    "nnfi_robust",
    "rmsea_robust",
    "rmsea_ci_lower_robust",
    "rmsea_ci_upper_robust",
    "rmsea_pvalue_robust",
)

_MAXIT = 500
_H = 1e-30  # complex step


def _normalise_equal(group_equal: str | Sequence[str]) -> tuple[str, ...]:
    items = [group_equal] if isinstance(group_equal, str) else list(group_equal)
    out = []
    for item in items:
        if not isinstance(item, str) or item not in WLSMV_GROUP_EQUAL:
            close = difflib.get_close_matches(str(item), WLSMV_GROUP_EQUAL, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise DataError(
                f"group_equal: unknown kind of parameter {item!r}{hint}; valid with ordered "
                f"data are {', '.join(map(repr, WLSMV_GROUP_EQUAL))}."
            )
        out.append(item)
    return tuple(dict.fromkeys(out))


# --------------------------------------------------------------------------- data
def _group_stats(
    frame: pd.DataFrame,
    group: str,
    labels: list[Any],
    ov: list[str],
    nan_policy: str,
) -> tuple[list[OrdinalStats], tuple[Any, ...]]:
    """Listwise deletion over all groups, the pooled categories of every item (lavaan's
    levels), a :class:`DataError` for a category empty in some group, then the sample
    statistics of each group."""
    sub = frame[ov]
    missing = sub.isna().any(axis=1).to_numpy()
    dropped = listwise(frame, missing, nan_policy, what="SEM (WLSMV)", stacklevel=5)
    if dropped:
        frame = frame.loc[~missing]
    col = frame[group].to_numpy()
    in_group = [col == label for label in labels]
    for label, mask in zip(labels, in_group, strict=True):
        if mask.sum() < 2:
            raise InsufficientDataError(
                f"Group {label!s} of {group!r} has {int(mask.sum())} complete row(s); WLSMV "
                "needs at least 2 in every group."
            )
    # the categories of each item over all groups; every group must use each of them
    for v in ov:
        values = frame[v]
        if isinstance(values.dtype, pd.CategoricalDtype):
            codes = values.cat.codes.to_numpy()
            shown = np.asarray(values.cat.categories, dtype=object)
            present = np.unique(codes[codes >= 0])
            keys = codes
            names = {c: shown[c] for c in present}
        else:
            keys_f = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
            present = np.unique(keys_f[np.isfinite(keys_f)])
            keys = keys_f
            names = {c: c for c in present}
        if len(present) < 2:
            continue  # ordinal_stats names the constant item
        for label, mask in zip(labels, in_group, strict=True):
            counts = np.array([int(np.sum(keys[mask] == c)) for c in present])
            if (counts == 0).any():
                empty = [names[c] for c in present[counts == 0]]
                elsewhere = ", ".join(
                    f"{lab!s}: {int(np.sum(keys[m] == c))}"
                    for c in present[counts == 0][:1]
                    for lab, m in zip(labels, in_group, strict=True)
                    if lab != label
                )
                freq = ", ".join(
                    f"{_show(names[c])}: {k}" for c, k in zip(present, counts, strict=True)
                )
                raise DataError(
                    f"Ordered variable {v!r} has no respondent in category "
                    f"{', '.join(_show(e) for e in empty)} in group {label!s} of {group!r} "
                    f"(its frequencies there: {freq}; in the other groups: {elsewhere}). "
                    "Thresholds are estimated per group from the categories observed in all "
                    "groups, so a category observed in some groups only cannot be fitted (lavaan "
                    "stops: 'some categories of variable are empty in group'). Merge the "
                    "category with a neighbour (or drop the item or the group)."
                )
    out = []
    for label, mask in zip(labels, in_group, strict=True):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                st = ordinal_stats(frame.loc[mask, ov], ov, "raise")
            except (DataError, InsufficientDataError) as exc:
                raise type(exc)(f"Group {label!s} of {group!r}: {exc}") from None
        for w in caught:
            warnings.warn(
                f"Group {label!s} of {group!r}: {w.message}",
                w.category,
                stacklevel=4,
            )
        out.append(st)
    return out, dropped


def _show(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --------------------------------------------------------------------------- model
@dataclasses.dataclass
class _Group:
    """One group: the rows of its part of the table, its RAM (indexed by the global
    vector followed by the group's derived θ_jj) and the index vectors of the
    thresholds, scaling factors and means."""

    pt: ParTable
    ram: RAM
    n_x: int
    theta_rows: np.ndarray  # RAM rows of the derived θ_jj (one per variable)
    th_par: np.ndarray  # global index of each threshold (sample order)
    th_var: np.ndarray  # variable of each threshold
    delta_par: np.ndarray  # global index of Δ_j, −1: fixed at 1
    mean_par: np.ndarray  # global index of each latent mean (−1: fixed at 0)
    mean_pos: np.ndarray  # position of the latent variable among the RAM variables
    rows_i: np.ndarray
    rows_j: np.ndarray

    def _theta_vec(self, x: np.ndarray) -> np.ndarray:
        """x (k, n_x) → z (k, n_x + p) with θ = 0."""
        return np.concatenate([x, np.zeros((x.shape[0], self.ram.p), dtype=x.dtype)], axis=1)

    def moments(self, x: np.ndarray) -> np.ndarray:
        """Model thresholds then correlations, for a batch x (k, n_x) (complex allowed)."""
        ram = self.ram
        k = x.shape[0]
        z = self._theta_vec(x)
        a = np.broadcast_to(ram.a_fixed, (k, ram.m, ram.m)).astype(x.dtype)
        s = np.broadcast_to(ram.s_fixed, (k, ram.m, ram.m)).astype(x.dtype)
        ka, ks = ram.a_rows, ram.s_rows
        a[:, ram.row_i[ka], ram.row_j[ka]] = z[:, ram.row_par[ka]]
        s[:, ram.row_i[ks], ram.row_j[ks]] = z[:, ram.row_par[ks]]
        s[:, ram.row_j[ks], ram.row_i[ks]] = z[:, ram.row_par[ks]]
        b = np.linalg.inv(np.eye(ram.m, dtype=x.dtype)[None] - a)
        fb = b[:, : ram.p, :]
        sig = fb @ s @ np.swapaxes(fb, 1, 2)
        mvec = np.zeros((k, ram.m), dtype=x.dtype)
        free = self.mean_par >= 0
        mvec[:, self.mean_pos[free]] = x[:, self.mean_par[free]]
        mu = np.einsum("kpm,km->kp", fb, mvec)
        delta = np.ones((k, ram.p), dtype=x.dtype)
        dfree = self.delta_par >= 0
        delta[:, dfree] = x[:, self.delta_par[dfree]]
        tau = x[:, self.th_par]
        th = delta[:, self.th_var] * (tau - mu[:, self.th_var])
        rho = delta[:, self.rows_i] * delta[:, self.rows_j] * sig[:, self.rows_i, self.rows_j]
        return np.concatenate([th, rho], axis=1)

    def jacobian(self, x: np.ndarray) -> np.ndarray:
        """∂σ_g/∂xᵀ by the complex step (exact to rounding)."""
        used = self.used()
        xs = np.tile(x.astype(complex), (len(used), 1))
        xs[np.arange(len(used)), used] += 1j * _H
        out = np.zeros((len(self.rows_i) + len(self.th_par), len(x)))
        out[:, used] = (self.moments(xs).imag / _H).T
        return out

    def used(self) -> np.ndarray:
        """The global parameters this group's statistics depend on."""
        pars = np.concatenate([self.ram.row_par, self.th_par, self.delta_par, self.mean_par])
        return np.unique(pars[(pars >= 0) & (pars < self.n_x)])

    def full(self, x: np.ndarray) -> np.ndarray:
        """The group's RAM vector: x then θ_jj = Δ_j⁻² − [Σ*(θ = 0)]_jj."""
        z = self._theta_vec(x[None])[0]
        sig0 = self.ram.sigma(z)
        delta = np.ones(self.ram.p, dtype=x.dtype)
        dfree = self.delta_par >= 0
        delta[dfree] = x[self.delta_par[dfree]]
        z[self.n_x :] = 1.0 / delta**2 - np.diag(sig0)
        return z


@dataclasses.dataclass
class _Stacked:
    """All groups: the stacked statistics for :func:`_gauss_newton`."""

    groups: list[_Group]
    sizes: list[int]

    def sigma(self, x: np.ndarray) -> np.ndarray:
        return np.concatenate([g.moments(x[None])[0] for g in self.groups])

    def jacobian(self, x: np.ndarray) -> np.ndarray:
        return np.vstack([g.jacobian(x) for g in self.groups])


def _build_table(
    pt1: ParTable,
    th_names: tuple[str, ...],
    n_groups: int,
    equal: tuple[str, ...],
    partial: Sequence[str],
    std_lv: bool,
) -> pd.DataFrame:
    """The stacked table: per group the written rows, the thresholds, the default rows,
    the scaling factors and the ``~1`` rows (lavaan's order), with ``par`` the index of
    the distinct free parameter (−1 fixed) and ``theta`` marking the derived θ_jj."""
    t0 = pt1.table
    ov, lv = list(pt1.ov), list(pt1.lv)
    user = t0[t0["user"] == 1]
    default = t0[t0["user"] == 0]

    def rows_of(frame: pd.DataFrame) -> list[dict[str, Any]]:
        out = []
        for _, r in frame.iterrows():
            is_theta = r["op"] == "~~" and r["lhs"] == r["rhs"] and r["lhs"] in ov
            out.append(
                {
                    "lhs": r["lhs"],
                    "op": r["op"],
                    "rhs": r["rhs"],
                    "user": int(r["user"]),
                    "free": bool(r["par"] >= 0) and not is_theta,
                    "ustart": np.nan if is_theta else r["ustart"],
                    "label": r["label"],
                    "theta": is_theta,
                }
            )
        return out

    base = rows_of(user)
    base += [
        {
            "lhs": nm.split("|")[0],
            "op": "|",
            "rhs": nm.split("|")[1],
            "user": 0,
            "free": True,
            "ustart": np.nan,
            "label": "",
            "theta": False,
        }
        for nm in th_names
    ]
    base += rows_of(default)
    base += [
        {"lhs": v, "op": "~*~", "rhs": v, "user": 0, "free": False, "ustart": 1.0}
        | {"label": "", "theta": False}
        for v in ov
    ]
    base += [
        {"lhs": v, "op": "~1", "rhs": "", "user": 0, "free": False, "ustart": 0.0}
        | {"label": "", "theta": False}
        for v in ov + lv
    ]
    names = [f"{r['lhs']}{r['op']}{r['rhs']}" for r in base]
    part = partial_names(partial, names, "'visual=~x2', 'x3|t1', 'f~1'")
    ovs, lvs = set(ov), set(lv)

    def kind(r: dict[str, Any]) -> str:
        if r["op"] == "|":
            return "thresholds"
        if r["op"] == "~*~":
            return ""
        return _kind(r["op"], r["lhs"], r["rhs"], ovs, lvs)

    kinds = [kind(r) for r in base]
    eq = [k in equal and nm not in part for k, nm in zip(kinds, names, strict=True)]
    all_rows = []
    for g in range(n_groups):
        for k, r in enumerate(base):
            row = dict(r)
            row["group"] = g + 1
            if g > 0 and row["user"] == 0 and not row["free"] and not row["theta"]:
                if row["op"] == "~*~" and "thresholds" in equal:
                    row["free"], row["ustart"] = True, np.nan
                if (
                    kinds[k] == "means"
                    and ("intercepts" in equal or "thresholds" in equal)
                    and "means" not in equal
                ):
                    row["free"], row["ustart"] = True, np.nan
                if (
                    std_lv
                    and kinds[k] == "lv.variances"
                    and "loadings" in equal
                    and "lv.variances" not in equal
                ):
                    row["free"], row["ustart"] = True, np.nan
            row["_row"], row["_equal"] = k, eq[k]
            all_rows.append(row)
    par_of: dict[object, int] = {}
    n_free = 0
    for pos, row in enumerate(all_rows):
        if not row["free"]:
            row["par"] = -1
            continue
        if row["label"]:
            key: object = ("label", row["label"])
        elif row["_equal"]:
            key = ("row", row["_row"])
        else:
            key = ("own", pos)
        if key not in par_of:
            par_of[key] = n_free
            n_free += 1
        row["par"] = par_of[key]
    table = pd.DataFrame(all_rows)
    table["par"] = table["par"].astype(int)
    return table[["lhs", "op", "rhs", "group", "user", "free", "ustart", "label", "par", "theta"]]


def _group_model(table: pd.DataFrame, g: int, pt1: ParTable, st: OrdinalStats, n_x: int) -> _Group:
    rows = table[(table["group"] == g + 1).to_numpy()]
    ov, lv = list(pt1.ov), list(pt1.lv)
    p = len(ov)
    ram_rows = rows[rows["op"].isin(["=~", "~", "~~"]).to_numpy()].copy()
    is_theta = ram_rows["theta"].to_numpy().astype(bool)
    par = ram_rows["par"].to_numpy().copy()
    lhs = ram_rows["lhs"].to_numpy()
    par[is_theta] = [n_x + ov.index(v) for v in lhs[is_theta]]
    ram_rows["par"] = par
    ram_rows["exo"] = 0
    pt = dataclasses.replace(pt1, table=ram_rows.reset_index(drop=True), n_free=n_x + p)
    ram = RAM(pt)
    th_rows = rows[(rows["op"] == "|").to_numpy()]
    th_key = [f"{a}|{b}" for a, b in zip(th_rows["lhs"], th_rows["rhs"], strict=True)]
    th_par = th_rows["par"].to_numpy()
    order = [th_key.index(nm) for nm in st.th_names]
    d_rows = rows[(rows["op"] == "~*~").to_numpy()]
    m_rows = rows[((rows["op"] == "~1") & rows["lhs"].isin(lv)).to_numpy()]
    pos = {v: k for k, v in enumerate(ram.names)}
    i, j = _lower_pairs(p)
    return _Group(
        pt=pt,
        ram=ram,
        n_x=n_x,
        theta_rows=np.flatnonzero(is_theta),
        th_par=th_par[order].astype(int),
        th_var=np.asarray(st.th_var, dtype=np.intp),
        delta_par=np.array(
            [int(d_rows["par"].to_numpy()[list(d_rows["lhs"]).index(v)]) for v in ov], dtype=int
        ),
        mean_par=m_rows["par"].to_numpy().astype(int),
        mean_pos=np.array([pos[v] for v in m_rows["lhs"]], dtype=int),
        rows_i=i,
        rows_j=j,
    )


def _gauss_newton(
    mod: _Stacked, s: np.ndarray, w: np.ndarray, x0: np.ndarray
) -> tuple[np.ndarray, int]:
    """Minimise ½ Σ w (s − σ(x))² over the stacked groups (:func:`.dwls.gauss_newton`)."""
    x, _f, it = gauss_newton(
        mod.sigma,
        mod.jacobian,
        s,
        w,
        x0,
        gtol=1e-13,
        what="multi-group DWLS estimation",
        hint="check the syntax, group_equal and group_partial",
    )
    return x, it


def _start(
    table: pd.DataFrame, groups: list[_Group], stats_g: list[OrdinalStats], n_x: int
) -> np.ndarray:
    total = np.zeros(n_x)
    count = np.zeros(n_x)
    for g, (gm, st) in enumerate(zip(groups, stats_g, strict=True)):
        pt = dataclasses.replace(
            gm.pt,
            table=gm.pt.table.assign(
                par=np.where(gm.pt.table["theta"].to_numpy().astype(bool), -1, gm.pt.table["par"])
            ),
            n_free=n_x,
        )
        x0 = start_values(pt, RAM(pt), st.cor)
        used = np.unique(pt.table["par"].to_numpy())
        used = used[used >= 0]
        total[used] += x0[used]
        count[used] += 1
        np.add.at(total, gm.th_par, st.th)
        np.add.at(count, gm.th_par, 1.0)
        rows = table[(table["group"] == g + 1).to_numpy()]
        d = rows[(rows["op"] == "~*~") & (rows["par"] >= 0)]["par"].to_numpy().astype(int)
        np.add.at(total, d, 1.0)
        np.add.at(count, d, 1.0)
    return total / np.maximum(count, 1.0)


# --------------------------------------------------------------------------- fit
def _scaled_shifted(t: float, df: float, t1: float, t2: float) -> tuple[float, float, float]:
    if df <= 0 or not np.isfinite(t2) or t2 <= 0:
        return float("nan"), float("nan"), float("nan")
    a = np.sqrt(df / t2)
    shift = df - a * t1
    return float(a * t + shift), float(1.0 / a), float(shift)


def wlsmv_groups_sem(
    frame: pd.DataFrame,
    model: str,
    *,
    group: str,
    ordered: Any,
    group_equal: str | Sequence[str],
    group_partial: str | Sequence[str],
    std_lv: bool,
    nan_policy: str,
    level: float,
) -> Any:
    """Fit ``model`` to ordinal items in the groups of ``group`` by WLSMV; an
    :class:`~servqual.SEMResult` laid out as lavaan's ``parameterEstimates`` (all rows of
    group 1, then group 2, …; thresholds ``|``, scaling factors ``~*~`` and ``~1`` rows
    included)."""

    equal = _normalise_equal(group_equal)
    # lavaan (lav_options_set): with ordered data equal intercepts imply equal thresholds
    # and equal thresholds imply equal intercepts (those of the y* are fixed at 0)
    if "intercepts" in equal:
        equal = tuple(dict.fromkeys([*equal, "thresholds"]))
    if "thresholds" in equal:
        equal = tuple(dict.fromkeys([*equal, "intercepts"]))
    if isinstance(group_partial, str):
        group_partial = [group_partial] if group_partial else []
    frame, labels, _col = group_labels(frame, group)
    statements, defined = parse_model(model)
    if any(s.op == "~1" for s in statements):
        raise InstrumentError(
            "WLSMV with groups: intercept statements (~ 1) are not supported; the "
            "intercepts of the latent responses are fixed at 0 and the latent means follow "
            "lavaan's rules (freed in groups 2..G with equal thresholds)."
        )
    columns = [str(c) for c in frame.columns if c != group]
    used = {s.lhs for s in statements} | {s.rhs for s in statements}
    if group in used:
        raise InstrumentError(
            f"The grouping column {group!r} is also a variable of the model; a group cannot "
            "be a model variable."
        )
    base = build_partable(statements, defined, columns, bool(std_lv))
    ordinal = _resolve_ordered(ordered, base, columns)
    cont = [v for v in base.ov if v not in ordinal]
    if cont:
        raise InstrumentError(
            f"WLSMV with group=: {fmt_list(cont)} would be continuous; multi-group WLSMV "
            "needs every observed model variable ordinal (ordered=True). Fit mixed "
            "continuous and ordinal indicators in one group, or cut the continuous ones."
        )
    pt1 = _build_model(base, ordinal).pt  # the checks of single-group WLSMV
    ov = list(pt1.ov)
    stats_g, dropped = _group_stats(frame, group, labels, ov, nan_policy)
    n_groups = len(labels)
    table = _build_table(pt1, stats_g[0].th_names, n_groups, equal, group_partial, bool(std_lv))
    n_x = int(table["par"].max()) + 1
    groups = [_group_model(table, g, pt1, st, n_x) for g, st in enumerate(stats_g)]
    sizes = [st.n for st in stats_g]
    n = int(sum(sizes))
    fg = np.array(sizes, dtype=float) / n
    # the objective weights the groups by (N_g − 1)/(N − G) (lavaan's categorical
    # stat.group = (N_g − 1)·e'We); the information by f_g = N_g/N
    wobj = (np.array(sizes, dtype=float) - 1.0) / (n - len(sizes))
    p = len(ov)
    m_g = [len(st.th) + p * (p - 1) // 2 for st in stats_g]
    n_stat = int(sum(m_g))
    if n_x > n_stat:
        raise InstrumentError(
            f"The model has {n_x} free parameters but only {n_stat} sample statistics "
            f"(thresholds and polychoric correlations of all groups; df = {n_stat - n_x}); "
            "it is not identified."
        )
    i_low, j_low = _lower_pairs(p)
    s_g = [np.concatenate([st.th, st.cor[i_low, j_low]]) for st in stats_g]
    w_g = [1.0 / np.diag(st.gamma) for st in stats_g]
    s_all = np.concatenate(s_g)
    w_all = np.concatenate([f * w for f, w in zip(wobj, w_g, strict=True)])
    stacked = _Stacked(groups, m_g)
    x0 = _start(table, groups, stats_g, n_x)
    x, nit = _gauss_newton(stacked, s_all, w_all, x0)

    # residuals, Jacobians, information
    e_g = [s - g.moments(x[None])[0] for s, g in zip(s_g, groups, strict=True)]
    j_g = [g.jacobian(x) for g in groups]
    info = sum(f * (jac.T * w) @ jac for f, jac, w in zip(fg, j_g, w_g, strict=True))
    assert isinstance(info, np.ndarray)
    singular = np.linalg.cond(info) > 1e14
    if singular:
        warnings.warn(
            "WLSMV: the information matrix Δ'WΔ is singular (the model may not be "
            "identified); standard errors and the scaled test are NaN.",
            ServqualWarning,
            stacklevel=3,
        )
        vcov = np.full((n_x, n_x), np.nan)
        e_inv = np.full((n_x, n_x), np.nan)
    else:
        e_inv = np.linalg.inv(info)
        meat = sum(
            f * (jac.T * w) @ st.gamma @ (jac * w[:, None])
            for f, jac, w, st in zip(fg, j_g, w_g, stats_g, strict=True)
        )
        vcov = e_inv @ meat @ e_inv / (n - n_groups)

    # tests
    stat_group = np.array(
        [
            (st.n - 1.0) * float(np.sum(w * e * e))
            for st, w, e in zip(stats_g, w_g, e_g, strict=True)
        ]
    )
    x2 = float(stat_group.sum())
    df = float(n_stat - n_x)
    # UΓ over all groups stacked (lavaan's lav_test_satorra_bentler_trace_original):
    # V = ⊕ f_g W_g, Γ = ⊕ Γ_g / f_g, U = V − V Δ E⁻¹ Δ' V
    v_all = np.concatenate([f * w for f, w in zip(fg, w_g, strict=True)])
    gam_all = np.zeros((n_stat, n_stat))
    start = 0
    for f, st in zip(fg, stats_g, strict=True):
        k = len(st.gamma)
        gam_all[start : start + k, start : start + k] = st.gamma / f
        start += k
    d_all = np.vstack(j_g)
    vd = d_all * v_all[:, None]
    u_all = np.diag(v_all) - vd @ e_inv @ vd.T
    ug = u_all @ gam_all
    t1 = float(np.sum(u_all * gam_all))
    t2 = float(np.sum(ug * ug.T))
    x2s, c, shift = _scaled_shifted(x2, df, t1, t2)
    # baseline: thresholds free per group, correlations 0
    x2_b = 0.0
    t1_b = t2_b = 0.0
    for st, w in zip(stats_g, w_g, strict=True):
        nt = len(st.th)
        r = st.cor[i_low, j_low]
        wc = w[nt:]
        x2_b += (st.n - 1.0) * float(np.sum(wc * r * r))
        ug_b = st.gamma[nt:, nt:] * wc[None, :]
        t1_b += float(np.trace(ug_b))
        t2_b += float(np.sum(ug_b * ug_b.T))
    df_b = float(n_groups * p * (p - 1) // 2)
    x2s_b, c_b, shift_b = _scaled_shifted(x2_b, df_b, t1_b, t2_b)
    cfi, tli = _cfi(x2, df, x2_b, df_b)
    cfi_s, tli_s = _cfi(x2s, df, x2s_b, df_b)

    def nfi_ifi(a: float, b: float) -> tuple[float, float]:
        return float((b - a) / b), float((b - a) / (b - df))

    nfi, ifi = nfi_ifi(x2, x2_b)
    nfi_s, ifi_s = nfi_ifi(x2s, x2s_b)
    n_r = float(n - n_groups)
    root_g = np.sqrt(n_groups)

    def rmsea(xx: float) -> tuple[float, float, float, float]:
        if not np.isfinite(xx):
            return (float("nan"),) * 4
        if df <= 0:
            return 0.0, 0.0, 0.0, float("nan")
        value = float(np.sqrt(max((xx - df) / (n_r * df), 0.0))) * root_g
        lo, hi = _rmsea_ci(xx, df, n_r)
        pv = float(stats.ncx2.sf(xx, df, n_r * df * 0.05**2 / n_groups))
        return value, float(lo * root_g), float(hi * root_g), pv

    rm = rmsea(x2)
    rms = rmsea(x2s)
    srmr_g = []
    wrmr_num = 0.0
    for g, (gm, st, e, w) in enumerate(zip(groups, stats_g, e_g, w_g, strict=True)):
        nt = len(st.th)
        res = np.zeros((p, p))
        res[i_low, j_low] = e[nt:]
        low = np.tril_indices(p)
        srmr_g.append(float(np.sqrt(np.mean(res[low] ** 2))))
        wrmr_num += float(np.sum(e * e * w)) * (st.n - 1.0)
        del g, gm
    srmr = float(fg @ np.array(srmr_g))
    # lavaan: sqrt(X2 / nel) with nel the statistics of the first group only
    wrmr = float(np.sqrt(x2 / m_g[0]))

    def pval(xx: float, d: float) -> float:
        return float(stats.chi2.sf(xx, d)) if d > 0 and np.isfinite(xx) else float("nan")

    fit = {
        "npar": float(n_x),
        "fmin": x2 / (2.0 * n),
        "chisq": x2,
        "df": df,
        "pvalue": pval(x2, df),
        "chisq_scaled": x2s,
        "df_scaled": df,
        "pvalue_scaled": pval(x2s, df),
        "chisq_scaling_factor": c,
        "chisq_shift_parameters": shift,
        "baseline_chisq": x2_b,
        "baseline_df": df_b,
        "baseline_pvalue": pval(x2_b, df_b),
        "baseline_chisq_scaled": x2s_b,
        "baseline_df_scaled": df_b,
        "baseline_pvalue_scaled": pval(x2s_b, df_b),
        "baseline_chisq_scaling_factor": c_b,
        "baseline_chisq_shift_parameters": shift_b,
        "cfi": cfi,
        "tli": tli,
        "nnfi": tli,
        "nfi": nfi,
        "ifi": ifi,
        "cfi_scaled": cfi_s,
        "tli_scaled": tli_s,
        "nnfi_scaled": tli_s,
        "nfi_scaled": nfi_s,
        "ifi_scaled": ifi_s,
        "ntotal": float(n),
        "rmsea": rm[0],
        "rmsea_ci_lower": rm[1],
        "rmsea_ci_upper": rm[2],
        "rmsea_pvalue": rm[3],
        "rmsea_scaled": rms[0],
        "rmsea_ci_lower_scaled": rms[1],
        "rmsea_ci_upper_scaled": rms[2],
        "rmsea_pvalue_scaled": rms[3],
        **_catml_robust(table, groups, stats_g, x, e_g, j_g, w_g, fg, e_inv, df, singular),
        "srmr": srmr,
        "wrmr": wrmr,
    }
    return SEMResult(
        **_layout(
            table=table,
            groups=groups,
            stats_g=stats_g,
            labels=labels,
            base=pt1,
            x=x,
            vcov=vcov,
            level=level,
            defined_fn=(_definitions, _evaluate_defined, _standardized, _effects, _improper),
        ),
        model=model,
        n=n,
        observed=pt1.ov,
        latent=pt1.lv,
        estimator="wlsmv",
        std_lv=bool(std_lv),
        npar=n_x,
        iterations=nit,
        dropped_rows=dropped,
        missing="listwise",
        ordered=tuple(ov),
        groups=tuple(str(v) for v in labels),
        n_per_group=tuple(int(v) for v in sizes),
        group=group,
        group_equal=equal,
        group_partial=tuple(str(v) for v in group_partial),
        meanstructure=True,
        _group_fit=pd.DataFrame(
            {"n": sizes, "chisq": stat_group, "srmr": srmr_g},
            index=pd.Index([str(v) for v in labels], name="group"),
        ),
        _fit=pd.Series({k: fit[k] for k in WLSMV_GROUP_FIT_NAMES}, name="fit", dtype=float),
        se_type="robust",
        ci_type="wald",
        n_boot=0,
        n_boot_failed=0,
        n_boot_improper=0,
        _pt=pt1,
        _est=x,
        _wls=WLSParts(tuple(j_g), tuple(w_g), tuple(st.gamma for st in stats_g), fg),
    )


def _catml_robust(
    table: pd.DataFrame,
    groups: list[_Group],
    stats_g: list[OrdinalStats],
    x: np.ndarray,
    e_g: list[np.ndarray],
    j_g: list[np.ndarray],
    w_g: list[np.ndarray],
    fg: np.ndarray,
    e_inv: np.ndarray,
    df: float,
    singular: bool,
) -> dict[str, float]:
    """lavaan 0.6's categorical "robust" CFI/TLI/RMSEA (Savalei, 2021;
    ``lav_fit_catml_dwls``) over groups: ``X₃ = Σ_g N_g F_ML(R_g, Σ̂_g)`` at the DWLS
    estimates, ``ĉ = tr(U'VUΓ)/df`` with the groups stacked (``V = ⊕ f_g V_g``,
    ``Γ = ⊕ Γ_g/f_g`` over the correlations, ``U = I − Δ E⁻¹ Δ' W``), the baseline
    ``X₃₀ = −Σ_g N_g log|R_g|`` with ``ĉ₀ = tr(Γ)/df₀``. NaN (as lavaan) when a polychoric
    matrix is not positive definite or when the thresholds are not free per group (equal
    thresholds, free scaling factors or latent means: lavaan's ML refit of the correlations
    then fails)."""
    nan = dict.fromkeys(_ROBUST, float("nan"))
    shared_th = table[(table["op"] == "|") & (table["par"] >= 0)]["par"].duplicated().any()
    other = table[table["op"].isin(["~*~", "~1"]) & (table["par"] >= 0)]
    if singular or df <= 0 or shared_th or len(other):
        return nan
    eps = np.sqrt(np.finfo(float).eps)
    if any(np.linalg.eigvalsh(st.cor)[0] < eps for st in stats_g):
        return nan
    n_groups = len(groups)
    n = sum(st.n for st in stats_g)
    x3 = x3_b = 0.0
    v_blocks, w_c, g_blocks, d_rows = [], [], [], []
    for gm, st, jac, w, f in zip(groups, stats_g, j_g, w_g, fg, strict=True):
        nt = len(st.th)
        r_mat = st.cor
        p = len(r_mat)
        sig = gm.ram.sigma(gm.full(x))
        try:
            sig_inv = np.linalg.inv(sig)
        except np.linalg.LinAlgError:
            return nan
        logdet_sig = np.linalg.slogdet(sig)[1]
        logdet_r = np.linalg.slogdet(r_mat)[1]
        x3 += st.n * float(logdet_sig + np.sum(r_mat * sig_inv) - logdet_r - p)
        x3_b += -st.n * float(logdet_r)
        a, b = gm.rows_i, gm.rows_j
        v = (
            sig_inv[np.ix_(a, a)] * sig_inv[np.ix_(b, b)]
            + sig_inv[np.ix_(a, b)] * sig_inv[np.ix_(b, a)]
        )
        v_blocks.append(f * v)
        w_c.append(f * w[nt:])
        g_blocks.append(st.gamma[nt:, nt:] / f)
        d_rows.append(jac[nt:])
    from scipy.linalg import block_diag

    v_all = block_diag(*v_blocks)
    g_all = block_diag(*g_blocks)
    w_all = np.concatenate(w_c)
    d_all = np.vstack(d_rows)
    u = np.eye(len(w_all)) - d_all @ e_inv @ (d_all.T * w_all)
    c = float(np.sum((u.T @ v_all @ u) * g_all.T)) / df
    df_b = float(len(w_all))
    c_b = float(np.trace(g_all)) / df_b
    cfi, tli = _cfi(x3, df, x3_b, df_b, c, c_b)
    n1 = float(n - n_groups)
    root_g = np.sqrt(n_groups)
    rmsea = float(np.sqrt(max(x3 / n1 / df - c / n1, 0.0))) * root_g
    x3s = x3 / c
    lo, hi = _rmsea_ci(x3s, df, n1)
    return {
        "cfi_robust": cfi,
        "tli_robust": tli,
        "nnfi_robust": tli,
        "rmsea_robust": rmsea,
        "rmsea_ci_lower_robust": float(np.sqrt(c) * lo * root_g),
        "rmsea_ci_upper_robust": float(np.sqrt(c) * hi * root_g),
        "rmsea_pvalue_robust": float(stats.ncx2.sf(x3s, df, n1 * df * 0.05**2 / (c * n_groups))),
    }


def _layout(
    *,
    table: pd.DataFrame,
    groups: list[_Group],
    stats_g: list[OrdinalStats],
    labels: list[Any],
    base: ParTable,
    x: np.ndarray,
    vcov: np.ndarray,
    level: float,
    defined_fn: tuple[Any, ...],
) -> dict[str, Any]:
    """The parameter table, R², effects and per-group moments of the result."""
    _definitions, _evaluate_defined, _standardized, _effects, _improper = defined_fn
    names_g = [str(v) for v in labels]
    ov, lv = list(base.ov), list(base.lv)
    p = len(ov)
    par = table["par"].to_numpy()
    free = par >= 0
    n_x = len(x)
    se_x = np.sqrt(np.clip(np.diag(vcov), 0.0, None))
    est = np.zeros(len(table))
    se = np.where(free, se_x[np.where(free, par, 0)], 0.0)
    std_all = np.zeros(len(table))
    std_lvv = np.zeros(len(table))
    r2_parts, eff_parts, problems = [], [], []
    implied, sample, th_parts = [], [], []
    vcov_big = np.zeros((n_x + p, n_x + p))
    vcov_big[:n_x, :n_x] = vcov
    for g, (gm, st) in enumerate(zip(groups, stats_g, strict=True)):
        rows = np.flatnonzero((table["group"] == g + 1).to_numpy())
        sub = table.iloc[rows]
        z = gm.full(x)
        ops = sub["op"].to_numpy()
        in_ram = np.isin(ops, ["=~", "~", "~~"])
        ram_pos = rows[in_ram]
        est[ram_pos] = gm.ram.row_values(z)
        std_all[ram_pos] = _standardized(gm.ram, z, "all")
        std_lvv[ram_pos] = _standardized(gm.ram, z, "lv")
        total = gm.ram.implied_all(z)
        sd_all = np.sqrt(np.clip(np.diag(total), 0.0, None))
        delta = np.ones(p)
        dfree = gm.delta_par >= 0
        delta[dfree] = x[gm.delta_par[dfree]]
        posv = {v: k for k, v in enumerate(gm.ram.names)}
        for k in np.flatnonzero(~in_ram):
            r = rows[k]
            op, lhs = ops[k], sub["lhs"].iat[k]
            if par[r] >= 0:
                value = x[par[r]]
            else:
                value = float(sub["ustart"].iat[k])
            est[r] = value
            sd = sd_all[posv[lhs]]
            if op == "|":
                std_all[r] = value / sd
                std_lvv[r] = value
            elif op == "~*~":  # Δ_j times sd(y*_j) = 1/Δ_j (as lavaan)
                std_all[r] = value * sd
                std_lvv[r] = value
            else:  # ~1
                std_all[r] = value / sd if sd > 0 else 0.0
                std_lvv[r] = value / sd if lhs in lv and sd > 0 else value
        # R² of the latent responses (variance Δ⁻²) and of endogenous latent variables
        _a, s_m = gm.ram.matrices(z)
        r2_names = r2_variables(base)
        r2_parts.append(
            pd.Series(
                [1.0 - s_m[posv[v], posv[v]] / total[posv[v], posv[v]] for v in r2_names],
                index=pd.MultiIndex.from_product(
                    [[names_g[g]], r2_names], names=["group", "variable"]
                ),
                name="r2",
            )
        )
        eff = _effects(gm.pt, gm.ram, z, vcov_big)
        eff.insert(0, "group", names_g[g])
        eff.index = pd.Index([f"{i}|{names_g[g]}" for i in eff.index], name="effect")
        eff_parts.append(eff)
        problems += [f"group {names_g[g]}: {msg}" for msg in _improper(gm.pt, gm.ram, z)]
        sig = gm.ram.sigma(z) * np.outer(delta, delta)
        implied.append(sig)
        sample.append(st.cor)
        th_parts.append(
            pd.Series(
                st.th,
                index=pd.MultiIndex.from_product(
                    [[names_g[g]], list(st.th_names)], names=["group", "threshold"]
                ),
            )
        )
    warn_improper(problems, groups=True, stacklevel=4)
    # labels: the user's, else lavaan's ".pK." of the first row of an equality
    label = table["label"].astype(str).to_numpy().copy()
    shared = np.zeros(n_x, dtype=int)
    np.add.at(shared, par[free], 1)
    first_row: dict[int, int] = {}
    for row in range(len(table)):
        if par[row] >= 0:
            first_row.setdefault(int(par[row]), row)
    for row in range(len(table)):
        if par[row] >= 0 and not label[row] and shared[par[row]] > 1:
            label[row] = f".p{first_row[int(par[row])] + 1}."
    grp = [names_g[g - 1] for g in table["group"]]
    codes = _definitions(base)
    if codes:
        flat = dataclasses.replace(base, table=table.assign(label=table["label"]))

        def row_vals(z: np.ndarray) -> np.ndarray:
            out = np.zeros(len(table), dtype=z.dtype)
            for g, gm in enumerate(groups):
                rows = np.flatnonzero((table["group"] == g + 1).to_numpy())
                ops = table["op"].to_numpy()[rows]
                in_ram = np.isin(ops, ["=~", "~", "~~"])
                out[rows[in_ram]] = gm.ram.row_values(gm.full(z))
                for k in np.flatnonzero(~in_ram):
                    r = rows[k]
                    out[r] = z[par[r]] if par[r] >= 0 else table["ustart"].iat[r]
            return out

        def dfun(z: np.ndarray) -> np.ndarray:
            return np.asarray(_evaluate_defined(flat, codes, row_vals(z)))

        dval = dfun(x)
        dse = delta_se(dfun, x, vcov)
        dstd_all = _evaluate_defined(flat, codes, std_all)
        dstd_lv = _evaluate_defined(flat, codes, std_lvv)
    else:
        dval = dse = dstd_all = dstd_lv = np.zeros(0)
    nd = len(dval)
    lhs = list(table["lhs"]) + [d.name for d in base.defined]
    op = list(table["op"]) + [":="] * nd
    rhs = list(table["rhs"]) + [
        d.expression.replace("**", "^").replace(" ", "") for d in base.defined
    ]
    lab = list(label) + [d.name for d in base.defined]
    grp_all = grp + [""] * nd
    free_all = np.concatenate([free, np.zeros(nd, dtype=bool)])
    has_se = np.concatenate([free, np.ones(nd, dtype=bool)])
    out_table = parameter_table(
        lhs=lhs,
        op=op,
        rhs=rhs,
        label=lab,
        free=free_all,
        est=np.concatenate([est, dval]),
        se=np.concatenate([se, dse]),
        std_lv=np.concatenate([std_lvv, dstd_lv]),
        std_all=np.concatenate([std_all, dstd_all]),
        level=level,
        has_se=has_se,
        group=grp_all,
    )
    index = list(out_table.index)
    par_names = [""] * n_x
    for k in np.flatnonzero(free)[::-1]:
        par_names[par[k]] = index[k]
    gi = pd.MultiIndex.from_product([names_g, ov], names=["group", "variable"])
    # every group has the same statistics (the categories are those of all groups)
    stat_names = list(stats_g[0].th_names) + [
        f"{ov[a]}~~{ov[b]}" for a, b in zip(groups[0].rows_j, groups[0].rows_i, strict=True)
    ]
    return {
        "_table": out_table,
        "level": float(level),
        "sample_cov": pd.DataFrame(np.vstack(sample), index=gi, columns=ov),
        "implied_cov": pd.DataFrame(np.vstack(implied), index=gi, columns=ov),
        "vcov": pd.DataFrame(vcov, index=par_names, columns=par_names),
        "improper": tuple(problems),
        "sample_thresholds": pd.concat(th_parts).rename("threshold"),
        "gamma": pd.DataFrame(
            np.vstack([st.gamma for st in stats_g]),
            index=pd.MultiIndex.from_product([names_g, stat_names], names=["group", "statistic"]),
            columns=stat_names,
        ),
        "_r2": pd.concat(r2_parts),
        "_effects": pd.concat(eff_parts) if eff_parts else pd.DataFrame(),
    }
