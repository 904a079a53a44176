"""lavaan model syntax → a list of statements (the "flat" table of lavaan's parser).

Supported: the operators ``=~`` (is measured by), ``~`` (is regressed on), ``~~`` (is
correlated with), ``~ 1`` (intercept of an observed variable, mean of a latent one; it
switches the mean structure on, as in lavaan) and ``:=`` (defined parameter); the modifiers ``0*x`` / ``1.5*x``
(fixed value), ``a*x`` (label; equal labels mean equal parameters), ``NA*x`` (free,
e.g. a first loading); comments starting with ``#`` or ``!``; several right-hand terms
joined by ``+``; several statements on a line separated by ``;``; and statements that
continue on the next line when a line ends with an operator, ``+`` or ``*`` (or the next
line starts with ``+`` or ``*``), as in lavaan.

Errors raise :class:`servqual.InstrumentError` naming the line and the offending token.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from ..exceptions import InstrumentError

__all__ = ["Defined", "Statement", "parse_model"]

_NAME = r"[A-Za-z_.][A-Za-z0-9_.]*"
_NAME_RE = re.compile(rf"^{_NAME}$")
_NUMBER_RE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
# longest first, so that "=~" is not read as "=" and "~~" not as "~"
_OPERATORS = (":=", "=~", "~~", "<~", "==", "~*~", "~", "<", ">", "|")
_SUPPORTED = {"=~", "~", "~~", ":="}
_UNSUPPORTED_WHY = {
    "<~": "formative indicators (<~) are not supported",
    "==": "explicit equality constraints (==) are not supported; give the parameters the "
    "same label instead (a*x1 + a*x2)",
    "~*~": "scaling factors (~*~) are not supported",
    "<": "inequality constraints (<) are not supported",
    ">": "inequality constraints (>) are not supported",
    "|": "thresholds (|) are not supported (ordinal data)",
}
_CONTINUES = ("+", "*", "=~", "~", "~~", ":=")


@dataclass(frozen=True, slots=True)
class Statement:
    """One ``lhs op rhs`` relation with its modifier: ``fixed`` value or ``label``
    (``free=True`` for an explicit ``NA*``)."""

    lhs: str
    op: str
    rhs: str
    line: int
    fixed: float | None = None
    label: str = ""
    free: bool = False


@dataclass(frozen=True, slots=True)
class Defined:
    """A defined parameter ``name := expression`` (expression of labels)."""

    name: str
    expression: str
    line: int
    names: tuple[str, ...]


def _error(line: int, token: str, why: str) -> InstrumentError:
    return InstrumentError(f"Model syntax error on line {line} at {token!r}: {why}.")


def _strip_comment(text: str) -> str:
    cut = [i for i in (text.find("#"), text.find("!")) if i >= 0]
    return text[: min(cut)] if cut else text


def _statements(model: str) -> list[tuple[int, str]]:
    """Split the syntax into (first line number, statement text)."""
    pieces: list[tuple[int, str]] = []
    for number, raw in enumerate(model.splitlines(), start=1):
        for part in _strip_comment(raw).split(";"):
            part = part.strip()
            if part:
                pieces.append((number, part))
    out: list[tuple[int, str]] = []
    for number, text in pieces:
        if out and (out[-1][1].endswith(_CONTINUES) or text.startswith(("+", "*"))):
            out[-1] = (out[-1][0], f"{out[-1][1]} {text}")
        else:
            out.append((number, text))
    return out


def _find_operator(text: str, line: int) -> tuple[str, int]:
    for i in range(len(text)):
        for op in _OPERATORS:
            if text.startswith(op, i):
                return op, i
    token = text.split()[0] if text.split() else text
    raise _error(
        line,
        token,
        "no operator; every statement needs one of =~ (is measured by), ~ (is regressed on), "
        "~~ (covaries with) or := (defined parameter)",
    )


def _term(term: str, line: int) -> tuple[str, float | None, str, bool]:
    """``[modifier*]...name`` → (name, fixed value, label, explicit NA)."""
    parts = [p.strip() for p in term.split("*")]
    if any(not p for p in parts):
        raise _error(line, term or "+", "empty term (a stray '+' or '*')")
    name = parts[-1]
    if not _NAME_RE.match(name):
        raise _error(line, name, "not a variable name")
    fixed: float | None = None
    label = ""
    free = False
    for mod in parts[:-1]:
        if mod == "NA":
            free = True
        elif _NUMBER_RE.match(mod):
            fixed = float(mod)
        elif _NAME_RE.match(mod):
            if label:
                raise _error(line, mod, f"a second label for {name!r} (already {label!r})")
            label = mod
        else:
            raise _error(line, mod, "a modifier must be a number, a label or NA")
    if fixed is not None and free:
        raise _error(line, term, "a parameter cannot be both fixed and NA (free)")
    return name, fixed, label, free


_ALLOWED_NODES = (
    ast.Expression,
    ast.BinOp,
    ast.UnaryOp,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.Pow,
    ast.USub,
    ast.UAdd,
    ast.Name,
    ast.Load,
    ast.Constant,
    ast.Call,
)
_FUNCTIONS = ("exp", "log", "sqrt")


def _defined(lhs: str, rhs: str, line: int) -> Defined:
    if not _NAME_RE.match(lhs) or "." in lhs:
        raise _error(line, lhs, "the name of a defined parameter must be an identifier")
    expr = rhs.replace("^", "**")
    try:
        tree = ast.parse(expr, mode="eval")
    except SyntaxError:
        raise _error(line, rhs, "not an arithmetic expression of labels") from None
    names: list[str] = []
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            raise _error(line, rhs, f"{type(node).__name__} is not allowed in a := expression")
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in _FUNCTIONS:
                raise _error(line, ast.unparse(node), f"only {', '.join(_FUNCTIONS)} may be called")
        elif isinstance(node, ast.Constant) and not isinstance(node.value, int | float):
            raise _error(line, repr(node.value), "only numbers and labels are allowed")
        elif isinstance(node, ast.Name) and node.id not in _FUNCTIONS:
            names.append(node.id)
    return Defined(lhs, expr, line, tuple(dict.fromkeys(names)))


def parse_model(model: str) -> tuple[list[Statement], list[Defined]]:
    """Parse lavaan model syntax into relations and defined parameters.

    Raises
    ------
    InstrumentError
        A syntax error; the message names the line number and the token.
    """
    if not isinstance(model, str) or not model.strip():
        raise InstrumentError(
            f"model must be lavaan model syntax, e.g. 'visual =~ x1 + x2 + x3'; got {model!r}."
        )
    statements: list[Statement] = []
    defined: list[Defined] = []
    for line, text in _statements(model):
        op, at = _find_operator(text, line)
        if op not in _SUPPORTED:
            raise _error(line, op, _UNSUPPORTED_WHY[op])
        lhs, rhs = text[:at].strip(), text[at + len(op) :].strip()
        if not lhs:
            raise _error(line, op, "nothing on the left of the operator")
        if not rhs:
            raise _error(line, op, "nothing on the right of the operator")
        if op == "~" and rhs.replace(" ", "").split("*")[-1] == "1":
            # an intercept (observed) or mean (latent): "x ~ 1", "x ~ a*1", "f ~ 0*1"
            mods = [m.strip() for m in rhs.split("*")[:-1]]
            _name, fixed, label, free = _term("*".join([*mods, "one_"]), line)
            for left in [t.strip() for t in lhs.split("+")]:
                if not _NAME_RE.match(left):
                    raise _error(line, left, "not a variable name")
                statements.append(Statement(left, "~1", "", line, fixed, label, free))
            continue
        if op == ":=":
            defined.append(_defined(lhs, rhs, line))
            continue
        lhs_names = [t.strip() for t in lhs.split("+")]
        for name in lhs_names:
            if not _NAME_RE.match(name):
                raise _error(line, name, "not a variable name")
        for term in rhs.split("+"):
            name, fixed, label, free = _term(term.strip(), line)
            for left in lhs_names:
                if op != "=~" and left == name and op == "~":
                    raise _error(line, name, "a variable cannot be regressed on itself")
                statements.append(Statement(left, op, name, line, fixed, label, free))
    return statements, defined
