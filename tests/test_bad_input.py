"""Bad-input corpus (issue 13): every public entry point against malformed input.

Each case feeds one bad input to one entry point (``sq.__all__`` functions, the
``Survey`` / ``SurveySummary`` constructors and the command line) and asserts one
of two outcomes:

- a :class:`~servqual.ServqualError` whose message names the column, rows or
  values at fault, or
- a correct result;

never another exception type, never a silent NaN/inf in a result table and never
a changed input frame (every frame, Series and array argument is compared with a
deep copy taken before the call).

Cases live in the ``CASES`` registry (``@case`` / ``@cases``) and run through one
parametrized test, so ``pytest -k 1e308`` selects a family.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
import pytest

import servqual as sq
from servqual import cli
from servqual.exceptions import ServqualError

matplotlib.use("Agg", force=True)

# --------------------------------------------------------------------------- harness


@dataclass
class Outcome:
    result: Any = None
    error: ServqualError | None = None
    warnings: list[warnings.WarningMessage] = field(default_factory=list)

    @property
    def message(self) -> str:
        return "" if self.error is None else str(self.error)

    def warned(self, category: type[Warning], pattern: str = "") -> bool:
        return any(
            issubclass(w.category, category) and re.search(pattern, str(w.message))
            for w in self.warnings
        )


def _watched(values: Any) -> list[Any]:
    return [v for v in values if isinstance(v, pd.DataFrame | pd.Series | np.ndarray)]


def _same(a: Any, b: Any) -> None:
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    elif isinstance(a, pd.Series):
        pd.testing.assert_series_equal(a, b, check_exact=True)
    else:
        np.testing.assert_array_equal(a, b)


def _tables(result: Any) -> list[pd.DataFrame]:
    """The result tables of an entry point (``to_frame()``, a frame, a Series)."""
    if isinstance(result, pd.DataFrame):
        return [result]
    if isinstance(result, pd.Series):
        return [result.to_frame()]
    to_frame = getattr(result, "to_frame", None)
    if callable(to_frame):
        try:
            frame = to_frame()
        except TypeError:
            return []
        return [frame] if isinstance(frame, pd.DataFrame) else []
    return []


def assert_finite(result: Any, allow_nan: bool = False) -> None:
    for table in _tables(result):
        num = table.select_dtypes(include="number")
        if num.empty:
            continue
        x = num.to_numpy(dtype=np.float64, na_value=np.nan)
        assert not np.isinf(x).any(), f"±inf in the result table:\n{table}"
        if not allow_nan:
            assert not np.isnan(x).any(), f"NaN in the result table:\n{table}"


def call(fn: Callable[..., Any], *args: Any, allow_nan: bool = False, **kwargs: Any) -> Outcome:
    """Run ``fn``; a ServqualError is an outcome, any other exception fails the case."""
    watched = _watched([*args, *kwargs.values()])
    before = [copy.deepcopy(v) for v in watched]
    out = Outcome()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            out.result = fn(*args, **kwargs)
        except ServqualError as exc:
            out.error = exc
        except Exception as exc:
            pytest.fail(
                f"{getattr(fn, '__name__', fn)} raised {type(exc).__name__}, not a "
                f"ServqualError: {exc}"
            )
    out.warnings = list(caught)
    for now, then in zip(watched, before, strict=True):
        _same(now, then)
    if out.error is None:
        assert_finite(out.result, allow_nan=allow_nan)
    return out


def expect_error(
    fn: Callable[..., Any],
    *args: Any,
    error: type[ServqualError] = ServqualError,
    names: tuple[str, ...] = (),
    **kwargs: Any,
) -> Outcome:
    """A ServqualError of type ``error`` whose message contains each of ``names``."""
    out = call(fn, *args, **kwargs)
    assert out.error is not None, f"expected {error.__name__}, got a result: {out.result!r}"
    assert isinstance(out.error, error), f"expected {error.__name__}, got {out.error!r}"
    for name in names:
        assert name in out.message, f"{name!r} not in the message: {out.message}"
    assert len(out.message) < 2000, "the message is too long"
    return out


def expect_ok(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Outcome:
    out = call(fn, *args, **kwargs)
    assert out.error is None, f"expected a result, got {out.error!r}"
    return out


def _with_instrument(argv: tuple[Any, ...]) -> tuple[Any, ...]:
    if argv and argv[0] in ("gaps", "report") and not {"-i", "--instrument"} & set(argv):
        return (*argv, "-i", "servqual22")
    return argv


def run_cli(*argv: str) -> tuple[int, str, str]:
    """``python -m servqual ARGV`` in process: (exit code, stdout, stderr).

    ``gaps``/``report`` get ``-i servqual22`` unless the case names an instrument
    (the CLI requires one: a wrong default would mislabel a file)."""
    argv = _with_instrument(argv)
    stdout, stderr = io.StringIO(), io.StringIO()
    with (
        contextlib.redirect_stdout(stdout),
        contextlib.redirect_stderr(stderr),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore")
        try:
            rc = cli.main([str(a) for a in argv])
        except SystemExit as exc:  # argparse usage errors
            rc = int(exc.code or 0)
        except Exception as exc:
            pytest.fail(f"the CLI raised {type(exc).__name__}: {exc}")
    return rc, stdout.getvalue(), stderr.getvalue()


def cli_error(*argv: str, names: tuple[str, ...] = (), code: int = 1) -> str:
    """The CLI's message for bad data or files: exit code 1 (2 is for usage errors)."""
    rc, _out, err = run_cli(*argv)
    assert rc == code, f"exit code {rc}; stderr: {err}"
    assert err.startswith("servqual: error:"), err
    assert "Traceback" not in err
    for name in names:
        assert name in err, f"{name!r} not in: {err}"
    return err


CASES: dict[str, Callable[[Path], None]] = {}


def case(fn: Callable[..., None]) -> Callable[..., None]:
    CASES[fn.__name__] = fn
    return fn


def cases(*params: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """One case per parameter: ``name[param]``."""

    def deco(fn: Callable[..., None]) -> Callable[..., None]:
        for p in params:
            CASES[f"{fn.__name__}[{p}]"] = lambda tmp, p=p: fn(tmp, p)
        return fn

    return deco


# --------------------------------------------------------------------------- data


def frame(n: int = 40, **kwargs: Any) -> pd.DataFrame:
    kwargs.setdefault("segments", {"branch": ["north", "south"]})
    return sq.datasets.simulate(n, rng=kwargs.pop("rng", 1), **kwargs)


def survey(df: pd.DataFrame | None = None, **options: Any) -> sq.Survey:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sq.MissingDataWarning)
        return sq.Survey(frame() if df is None else df, "servqual22", **options)


def csv_file(tmp: Path, df: pd.DataFrame | None = None, name: str = "export.csv") -> Path:
    path = tmp / name
    (frame() if df is None else df).to_csv(path)
    return path


def items_frame(n: int = 30, k: int = 5) -> pd.DataFrame:
    """Respondents × items of one scale (perception items of tangibles + reliability)."""
    return frame(n)[[f"P{j}" for j in range(1, k + 1)]].astype(float)


def huge(df: pd.DataFrame, column: str = "P3", row: int = 4) -> pd.DataFrame:
    out = df.copy()
    out[column] = out[column].astype(float)
    out.iloc[row, out.columns.get_loc(column)] = 1e308
    return out


# --------------------------------------------------------------------------- files


@cases("read_survey", "summarize_csv", "cli")
def empty_csv(tmp: Path, entry: str) -> None:
    path = tmp / "empty.csv"
    path.write_bytes(b"")
    if entry == "cli":
        cli_error("gaps", path, names=("empty.csv", "empty"))
    else:
        fn = sq.read_survey if entry == "read_survey" else sq.summarize_csv
        expect_error(fn, path, "servqual22", error=sq.DataError, names=("empty.csv", "empty"))


@cases("read_survey", "summarize_csv")
def header_only_csv(tmp: Path, entry: str) -> None:
    path = tmp / "header.csv"
    path.write_text(",".join(frame().columns) + "\n", encoding="utf-8")
    fn = sq.read_survey if entry == "read_survey" else sq.summarize_csv
    expect_error(fn, path, "servqual22", error=sq.DataError, names=("no rows",))


def _ragged(tmp: Path, kind: str) -> Path:
    df = frame(30)
    path = tmp / f"{kind}.csv"
    lines = df.to_csv(index=False).splitlines()
    if kind == "ragged":
        lines[11] += ",9,9,9"  # line 12 of the file: three fields too many
    else:
        lines[11] = lines[11].replace(",", ',"', 1)  # a stray quote opens a field
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@cases("ragged", "stray_quote")
def streaming_parser_error(tmp: Path, kind: str) -> None:
    path = _ragged(tmp, kind)
    out = expect_error(sq.summarize_csv, path, "servqual22", chunksize=7, error=sq.DataError)
    assert "line 12" in out.message or (kind == "stray_quote" and "line" in out.message)
    assert path.name in out.message


@cases("read_survey", "cli")
def ragged_line_in_memory(tmp: Path, entry: str) -> None:
    path = _ragged(tmp, "ragged")
    if entry == "cli":
        cli_error("gaps", path, names=("line 12",))
    else:
        expect_error(sq.read_survey, path, "servqual22", error=sq.DataError, names=("line 12",))


@case
def streaming_line_split_in_two(tmp: Path) -> None:
    df = frame(30).drop(columns=["branch"])
    lines = df.to_csv(index=False).splitlines()
    fields = lines[8].split(",")
    lines[8] = ",".join(fields[:20]) + "\n" + ",".join(fields[20:])  # line 9 split after 20
    path = tmp / "split.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = call(sq.summarize_csv, path, "servqual22", chunksize=10)
    said = out.message + " ".join(str(w.message) for w in out.warnings)
    assert "line 9" in said and "split" in said, said


@cases("read_survey", "summarize_csv", "cli")
def directory_as_path(tmp: Path, entry: str) -> None:
    path = tmp / "folder.csv"
    path.mkdir()
    if entry == "cli":
        cli_error("gaps", path, names=("folder.csv", "directory"))
    else:
        fn = sq.read_survey if entry == "read_survey" else sq.summarize_csv
        expect_error(fn, path, "servqual22", error=sq.DataError, names=("folder.csv", "directory"))


@case
def directory_as_instrument(tmp: Path) -> None:
    path = tmp / "inst.json"
    path.mkdir()
    expect_error(
        sq.instruments.Instrument.from_file, path, error=sq.InstrumentError, names=("inst.json",)
    )


@cases("read_survey", "summarize_csv")
def missing_file(tmp: Path, entry: str) -> None:
    fn = sq.read_survey if entry == "read_survey" else sq.summarize_csv
    expect_error(fn, tmp / "nope.csv", "servqual22", error=sq.DataError, names=("nope.csv",))


@case
def xlsx_given_to_summarize_csv(tmp: Path) -> None:
    path = tmp / "export.xlsx"
    frame(10).to_excel(path)
    out = expect_error(sq.summarize_csv, path, "servqual22", error=sq.DataError)
    assert "Excel" in out.message and "read_survey" in out.message
    assert "encoding" not in out.message


@case
def xlsx_renamed_csv_to_summarize_csv(tmp: Path) -> None:
    path = tmp / "export.xlsx"
    frame(10).to_excel(path)
    renamed = tmp / "export.csv"
    path.rename(renamed)
    out = expect_error(sq.summarize_csv, renamed, "servqual22", error=sq.DataError)
    assert "Excel" in out.message


def _decimal_comma_file(tmp: Path) -> Path:
    df = frame(20).drop(columns=["branch"])
    df["P2"] = df["P2"] - 0.5  # 4.5 → "4,5"
    path = tmp / "comma.csv"
    df.to_csv(path, sep=";", decimal=",")
    return path


@cases("read_survey", "summarize_csv")
def decimal_commas(tmp: Path, entry: str) -> None:
    path = _decimal_comma_file(tmp)
    fn = sq.read_survey if entry == "read_survey" else sq.summarize_csv
    expect_error(fn, path, "servqual22", error=sq.NonNumericError, names=("'E1'", "decimal=','"))


@cases("read_survey", "summarize_csv")
def decimal_commas_read_with_decimal(tmp: Path, entry: str) -> None:
    path = _decimal_comma_file(tmp)
    fn = sq.read_survey if entry == "read_survey" else sq.summarize_csv
    out = expect_ok(fn, path, "servqual22", decimal=",", index_col=0)
    gaps = sq.gap_scores(out.result, level="item").to_frame()
    df = frame(20)
    assert gaps["perception"].iloc[1] == pytest.approx((df["P2"] - 0.5).mean())


def _bom_file(tmp: Path) -> Path:
    path = tmp / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + frame().to_csv(index=False).encode("utf-8"))
    return path


@cases("read_survey", "summarize_csv")
def utf8_bom(tmp: Path, entry: str) -> None:
    path = _bom_file(tmp)
    fn = sq.read_survey if entry == "read_survey" else sq.summarize_csv
    out = expect_ok(fn, path, "servqual22", segments="branch")
    expected = sq.gap_scores(survey(frame(), segments="branch")).to_frame()
    got = sq.gap_scores(out.result).to_frame()
    pd.testing.assert_series_equal(got["gap"], expected["gap"], rtol=1e-12)
    assert out.result.n_respondents == 40


@case
def utf8_bom_cli(tmp: Path) -> None:
    rc, out, err = run_cli("gaps", _bom_file(tmp), "--level", "overall", "--segments", "branch")
    assert rc == 0, err
    assert "40 respondents" in out


def _dup_header_file(tmp: Path) -> Path:
    df = frame(20)
    lines = df.to_csv().splitlines()
    header = lines[0].split(",")
    header[header.index("E5")] = "P3"  # two P3 columns; pandas renames one P3.1
    lines[0] = ",".join(header)
    path = tmp / "dup.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@cases("read_survey", "summarize_csv", "read_table")
def duplicate_header(tmp: Path, entry: str) -> None:
    path = _dup_header_file(tmp)
    fn = {
        "read_survey": sq.read_survey,
        "summarize_csv": sq.summarize_csv,
        "read_table": lambda p, _i: sq.io.read_table(p),
    }[entry]
    out = expect_error(fn, path, "servqual22", error=sq.DuplicateColumnError, names=("'P3'",))
    assert "P3.1" not in out.message or "rename" in out.message


@case
def duplicate_header_cli(tmp: Path) -> None:
    cli_error("gaps", _dup_header_file(tmp), names=("'P3'",))


@case
def duplicate_header_excel(tmp: Path) -> None:
    df = frame(10).rename(columns={"E5": "P3"})
    path = tmp / "dup.xlsx"
    df.to_excel(path)
    expect_error(sq.read_survey, path, "servqual22", error=sq.DuplicateColumnError, names=("'P3'",))


@case
def cli_as_a_module(tmp: Path) -> None:
    """``python -m servqual`` on a 0-byte file: exit code 2, one line, no traceback."""
    import subprocess
    import sys

    path = tmp / "empty.csv"
    path.write_bytes(b"")
    src = Path(sq.__file__).parents[1]
    env = {**os.environ, "PYTHONPATH": str(src)}
    proc = subprocess.run(
        [sys.executable, "-m", "servqual", "gaps", str(path), "-i", "servqual22"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.startswith("servqual: error:") and "empty.csv" in proc.stderr
    assert "Traceback" not in proc.stderr


@case
def duplicate_header_legit_dot_one(tmp: Path) -> None:
    """A real column named like pandas' renaming (``Q.1``) without a ``Q`` is not a duplicate."""
    df = frame(20)
    df["note.1"] = 1
    out = expect_ok(sq.read_survey, csv_file(tmp, df), "servqual22")
    assert out.result.n_respondents == 20


@case
def instrument_file_not_utf8(tmp: Path) -> None:
    path = tmp / "latin.json"
    path.write_bytes('{"name": "Caf\xe9", "dimensions": []}'.encode("latin-1"))
    expect_error(sq.instruments.get, str(path), error=sq.InstrumentError, names=("latin.json",))


# --------------------------------------------------------------------------- templates


@cases("survey", "read_survey", "cli")
def unclosed_column_template(tmp: Path, entry: str) -> None:
    if entry == "cli":
        cli_error("gaps", csv_file(tmp), "--columns", "{rating}{n", names=("{rating}{n",))
    elif entry == "read_survey":
        expect_error(
            sq.read_survey,
            csv_file(tmp),
            "servqual22",
            columns="{rating}{n",  # options are keyword-only after path, instrument
            error=sq.InstrumentError,
            names=("{rating}{n",),
        )
    else:
        expect_error(
            sq.Survey,
            frame(),
            "servqual22",
            "{rating}{n",
            error=sq.InstrumentError,
            names=("{rating}{n",),
        )


@case
def positional_field_in_column_template(tmp: Path) -> None:
    expect_error(
        sq.Survey,
        frame(),
        "servqual22",
        "{rating}{0}",
        error=sq.InstrumentError,
        names=("{rating}{0}",),
    )


@cases("survey", "cli")
def positional_field_in_importance_template(tmp: Path, entry: str) -> None:
    if entry == "cli":
        cli_error("gaps", csv_file(tmp), "--importance", "imp_{0}", names=("imp_{0}",))
    else:
        expect_error(
            sq.Survey,
            frame(),
            "servqual22",
            importance="imp_{0}",
            error=sq.ImportanceWeightError,
            names=("imp_{0}",),
        )


@cases("unclosed", "unknown_field")
def bad_importance_template(tmp: Path, kind: str) -> None:
    tpl = "imp_{dimension" if kind == "unclosed" else "imp_{dim}"
    expect_error(
        sq.Survey,
        frame(),
        "servqual22",
        importance=tpl,
        error=sq.ImportanceWeightError,
        names=(tpl,),
    )


@case
def cli_bad_columns_regex(tmp: Path) -> None:
    cli_error("gaps", csv_file(tmp), "--columns", "re:(?P<rating>", names=("does not compile",))


@case
def cli_missing_codes_not_numbers(tmp: Path) -> None:
    cli_error("gaps", csv_file(tmp), "--missing-codes", "x", names=("--missing-codes",))


# --------------------------------------------------------------------------- instruments


def _write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


@cases("from_file", "read_survey", "cli")
def instrument_items_not_texts(tmp: Path, entry: str) -> None:
    # plain ints are item numbers (issue 11); a float or None is neither text nor number
    spec = {"name": "Bad", "dimensions": [{"name": "speed", "items": [1.5, None]}]}
    path = _write(tmp, "bad.json", json.dumps(spec))
    if entry == "cli":
        cli_error("instrument", path, names=("speed",))
    elif entry == "read_survey":
        expect_error(
            sq.read_survey, csv_file(tmp), str(path), error=sq.InstrumentError, names=("speed",)
        )
    else:
        expect_error(
            sq.instruments.Instrument.from_file, path, error=sq.InstrumentError, names=("speed",)
        )


@case
def instrument_item_mapping_with_bad_number(tmp: Path) -> None:
    spec = {"name": "Bad", "dimensions": [{"name": "speed", "items": [{"number": "one"}]}]}
    expect_error(
        sq.instruments.Instrument.from_dict, spec, error=sq.InstrumentError, names=("one",)
    )


@cases("from_file", "cli")
def yaml_syntax_error(tmp: Path, entry: str) -> None:
    path = _write(tmp, "bad.yaml", "name: Bad\ndimensions: [\n  - name: x\n    items: {a\n")
    if entry == "cli":
        cli_error("instrument", path, names=("bad.yaml",))
    else:
        expect_error(
            sq.instruments.Instrument.from_file,
            path,
            error=sq.InstrumentError,
            names=("bad.yaml", "YAML"),
        )


@case
def yaml_python_tag(tmp: Path) -> None:
    path = _write(tmp, "evil.yaml", "name: !!python/object/apply:os.system ['echo hi']\n")
    expect_error(
        sq.instruments.Instrument.from_file, path, error=sq.InstrumentError, names=("evil.yaml",)
    )


@case
def yaml_top_level_list(tmp: Path) -> None:
    path = _write(tmp, "list.yaml", "- a\n- b\n")
    expect_error(sq.instruments.Instrument.from_file, path, error=sq.InstrumentError)


@case
def json_invalid(tmp: Path) -> None:
    path = _write(tmp, "bad.json", '{"name": "x", ')
    expect_error(
        sq.instruments.Instrument.from_file, path, error=sq.InstrumentError, names=("bad.json",)
    )


@case
def instrument_unknown_name(tmp: Path) -> None:
    expect_error(sq.Survey, frame(), "servqual23", error=sq.InstrumentError, names=("servqual23",))


@case
def instrument_unknown_rating_letter(tmp: Path) -> None:
    spec = {"name": "Bad", "ratings": ["X", "P"], "dimensions": [{"name": "a", "items": ["t"]}]}
    expect_error(sq.instruments.Instrument.from_dict, spec, error=sq.InstrumentError, names=("X",))


# --------------------------------------------------------------------------- 1e308


FACTOR_ENTRIES = {
    "kmo": sq.kmo,
    "bartlett": sq.bartlett_sphericity,
    "efa": sq.efa,
    "omega": lambda d: sq.omega(d, n_factors=2),
    "parallel_analysis": lambda d: sq.parallel_analysis(d, n_iter=5, rng=1),
    "alpha": sq.cronbach_alpha,
    "item_analysis": sq.item_analysis,
    "split_half": sq.split_half,
    "htmt": lambda d: sq.htmt(d, {"a": ["P1", "P2", "P3"], "b": ["P4", "P5", "P6"]}),
    "cfa": lambda d: sq.cfa(d, {"a": ["P1", "P2", "P3"], "b": ["P4", "P5", "P6"]}),
}


@cases(*FACTOR_ENTRIES)
def huge_value_in_raw_frame(tmp: Path, entry: str) -> None:
    df = huge(items_frame(40, 6))
    out = expect_error(FACTOR_ENTRIES[entry], df, error=sq.DataError, names=("P3", "1e+308"))
    assert "1797693" not in out.message and "10000000000" not in out.message


@cases("alpha", "efa")
def huge_value_with_missing(tmp: Path, entry: str) -> None:
    df = huge(items_frame(40, 6))
    df.iloc[2, 0] = np.nan
    expect_error(FACTOR_ENTRIES[entry], df, error=sq.DataError, names=("P3",))


@cases("alpha", "kmo")
def infinite_value_in_raw_frame(tmp: Path, entry: str) -> None:
    df = items_frame(30, 6)
    df.iloc[3, 1] = np.inf
    expect_error(FACTOR_ENTRIES[entry], df, names=("P2", "infinite"))


@case
def huge_rating_message_is_short(tmp: Path) -> None:
    out = expect_error(sq.Survey, huge(frame()), "servqual22", error=sq.ScaleRangeError)
    assert "1e+308" in out.message and "P3" in out.message
    assert not re.search(r"\d{20}", out.message)


@case
def wtp_premium_huge(tmp: Path) -> None:
    df = pd.DataFrame({"premium": [0.0, 5.0, 10.0, 1e308, 2.0, 0.0]})
    out = call(sq.wtp_premium, df, premium="premium")
    if out.error is None:
        assert_finite(out.result)
    else:
        assert "premium" in out.message and "1e+308" in out.message


@case
def wtp_premium_infinite(tmp: Path) -> None:
    df = pd.DataFrame({"premium": [0.0, 5.0, np.inf, 2.0]})
    expect_error(sq.wtp_premium, df, premium="premium", names=("premium", "infinite"))


# --------------------------------------------------------------------------- weights


def _weighted(scale: float, n: int = 40) -> tuple[sq.Survey, sq.Survey]:
    df = frame(n)
    return survey(df, weights=np.full(n, scale) * (1 + np.arange(n) % 3)), survey(
        df, weights=1.0 + np.arange(n) % 3
    )


@cases("1e200", "1e-170", "1e-300")
def extreme_weights_gap_scores(tmp: Path, scale: str) -> None:
    s, ref = _weighted(float(scale))
    for level in ("dimension", "item", "overall"):
        got = expect_ok(sq.gap_scores, s, level=level).result.to_frame()
        want = sq.gap_scores(ref, level=level).to_frame()
        pd.testing.assert_frame_equal(got, want, rtol=1e-9)


@case
def extreme_weights_paired_tests(tmp: Path) -> None:
    s, ref = _weighted(1e200)
    got = expect_ok(sq.paired_tests, s, level="dimension").result.to_frame()
    want = sq.paired_tests(ref, level="dimension").to_frame()
    pd.testing.assert_frame_equal(got, want, rtol=1e-9)


@case
def extreme_weights_plot_gaps(tmp: Path) -> None:
    import matplotlib.pyplot as plt

    s, _ = _weighted(1e200)
    out = expect_ok(sq.plot_gaps, sq.gap_scores(s, level="item"))
    plt.close("all")
    assert out.result is not None


@case
def extreme_weights_report(tmp: Path) -> None:
    s, _ = _weighted(1e200)
    out = expect_ok(
        sq.report, s, tmp / "r.html", factor=False, validity=False, drivers=False, likert=False
    )
    assert Path(out.result).exists()


@case
def extreme_weights_cli(tmp: Path) -> None:
    df = frame()
    df["w"] = 1e200 * (1 + np.arange(len(df)) % 3)
    rc, _out, err = run_cli("gaps", csv_file(tmp, df), "--weights", "w", "-o", tmp / "out")
    assert rc == 0, err
    table = pd.read_csv(tmp / "out" / "gaps_dimension.csv")
    assert np.isfinite(table.select_dtypes("number").to_numpy()).all()


@case
def weights_spanning_too_many_orders(tmp: Path) -> None:
    df = frame()
    w = np.ones(len(df))
    w[0], w[1] = 1e-200, 1e200
    expect_error(sq.Survey, df, "servqual22", weights=w, error=sq.DataError, names=("weights",))


@cases("negative", "zero", "nan", "inf")
def bad_weights(tmp: Path, kind: str) -> None:
    df = frame()
    df["w"] = 1.0
    df.loc[df.index[5], "w"] = {"negative": -1.0, "zero": 0.0, "nan": np.nan, "inf": np.inf}[kind]
    expect_error(sq.Survey, df, "servqual22", weights="w", names=("'w'", str(df.index[5])))


@case
def weights_wrong_length(tmp: Path) -> None:
    expect_error(
        sq.Survey, frame(), "servqual22", weights=np.ones(3), error=sq.DataError, names=("3",)
    )


# --------------------------------------------------------------------------- reliability


def _non_pd_pairwise() -> pd.DataFrame:
    """Three items whose pairwise covariances are inconsistent (no complete row)."""
    rng = np.random.default_rng(3)
    n = 30
    a = rng.normal(size=n)
    x = pd.DataFrame(
        {"A": a, "B": a + 0.05 * rng.normal(size=n), "C": -a + 0.05 * rng.normal(size=n)}
    )
    x.loc[0:9, "C"] = np.nan  # A-B on rows 0-9 ...
    x.loc[10:19, "B"] = np.nan  # A-C on rows 10-19 ...
    x.loc[20:29, "A"] = np.nan  # ... and B-C on 20-29 with the opposite sign
    x.loc[20:29, "C"] = x.loc[20:29, "B"] + 0.05 * rng.normal(size=10)
    return x


@cases("split_half", "alpha", "item_analysis")
def non_positive_definite_pairwise(tmp: Path, entry: str) -> None:
    """Split halves of an impossible covariance matrix exceed 1: refused; alpha warns."""
    if entry == "split_half":
        expect_error(
            sq.split_half,
            _non_pd_pairwise(),
            error=sq.DataError,
            names=("positive definite", "'A'"),
        )
        return
    fn = sq.cronbach_alpha if entry == "alpha" else sq.item_analysis
    out = expect_ok(fn, _non_pd_pairwise())
    assert out.warned(sq.ReliabilityWarning, "not positive definite")


@case
def omega_one_item_dimension(tmp: Path) -> None:
    df = items_frame(60, 7)
    out = call(sq.omega, df, n_factors=3)
    if out.error is None:
        table = out.result.to_frame()
        assert not table.select_dtypes("number").isna().all(axis=1).any(), table
        assert_finite(out.result, allow_nan=True)


@case
def omega_survey_one_item_dimension(tmp: Path) -> None:
    inst = sq.instruments.Instrument.from_dict(
        {
            "name": "Short",
            "ratings": ["P"],
            "perspective": "performance",
            "dimensions": [
                {"name": "a", "items": ["a1", "a2", "a3"]},
                {"name": "b", "items": ["b1", "b2", "b3"]},
                {"name": "c", "items": ["c1"]},
            ],
        }
    )
    df = items_frame(80, 7).iloc[:, :7]
    df.columns = [f"P{j}" for j in range(1, 8)]
    s = sq.Survey(df, inst)
    out = call(sq.omega, s)
    if out.error is None:
        table = out.result.to_frame()
        assert not table.select_dtypes("number").isna().all(axis=1).any(), table
    else:
        assert "'c'" in out.message


def _corr(r12: float, extra: float = 0.5) -> pd.DataFrame:
    labels = ["A", "B", "C"]
    m = np.array([[1.0, r12, extra], [r12, 1.0, extra], [extra, extra, 1.0]])
    return pd.DataFrame(m, index=labels, columns=labels)


@cases("alpha", "split_half", "item_analysis")
def correlation_above_one(tmp: Path, entry: str) -> None:
    fn = {
        "alpha": sq.cronbach_alpha,
        "split_half": sq.split_half,
        "item_analysis": sq.item_analysis,
    }[entry]
    expect_error(fn, _corr(1.5), n_obs=100, error=sq.DataError, names=("1.5", "'A'", "'B'"))


@cases("alpha", "split_half")
def correlation_not_positive_definite(tmp: Path, entry: str) -> None:
    m = _corr(0.9, 0.0)
    m.loc["A", "C"] = m.loc["C", "A"] = 0.9
    m.loc["B", "C"] = m.loc["C", "B"] = -0.9
    if entry == "split_half":
        expect_error(sq.split_half, m, n_obs=100, error=sq.DataError, names=("positive definite",))
    else:
        out = expect_ok(sq.cronbach_alpha, m, n_obs=100)
        assert out.warned(sq.ReliabilityWarning, "not positive definite")


@case
def correlation_not_symmetric(tmp: Path) -> None:
    m = _corr(0.5)
    m.loc["A", "B"] = 0.2
    expect_error(sq.cronbach_alpha, m, n_obs=50, error=sq.DataError, names=("A", "B"))


@case
def alpha_constant_item(tmp: Path) -> None:
    df = items_frame()
    df["P2"] = 4.0
    expect_error(sq.cronbach_alpha, df, error=sq.InsufficientDataError, names=("P2",))


@case
def alpha_two_respondents(tmp: Path) -> None:
    expect_error(sq.cronbach_alpha, items_frame(2), error=sq.InsufficientDataError)


@case
def efa_too_many_factors(tmp: Path) -> None:
    expect_error(sq.efa, items_frame(30, 4), n_factors=4, error=sq.DataError, names=("4",))


@case
def kmo_text_column(tmp: Path) -> None:
    df = items_frame().astype(object)
    df.iloc[3, 2] = "n/a"
    expect_error(sq.kmo, df, error=sq.NonNumericError, names=("P3", "n/a"))


@case
def complex_ratings(tmp: Path) -> None:
    df = frame()
    df["P4"] = df["P4"] + 1j
    expect_error(sq.Survey, df, "servqual22", error=sq.NonNumericError, names=("P4", "complex"))


@case
def complex_items_alpha(tmp: Path) -> None:
    df = items_frame().astype(complex)
    expect_error(sq.cronbach_alpha, df, error=sq.NonNumericError, names=("P1",))


# --------------------------------------------------------------------------- operations


@case
def nps_on_bool_column(tmp: Path) -> None:
    df = pd.DataFrame({"recommend": [True, False, True, True]})
    expect_error(
        sq.nps, df, "recommend", error=sq.NonNumericError, names=("recommend", "true/false")
    )


@case
def nps_on_text(tmp: Path) -> None:
    df = pd.DataFrame({"recommend": ["9", "ten", "3"]})
    expect_error(sq.nps, df, "recommend", error=sq.NonNumericError, names=("recommend", "ten"))


@case
def nps_out_of_range(tmp: Path) -> None:
    df = pd.DataFrame({"recommend": [9, 11, 3]})
    expect_error(sq.nps, df, "recommend", error=sq.ScaleRangeError, names=("recommend", "11"))


@case
def csat_on_bool_column(tmp: Path) -> None:
    df = pd.DataFrame({"sat": [True, False, True]})
    expect_error(sq.csat, df, "sat", error=sq.NonNumericError, names=("sat", "true/false"))


def _records(n: int = 12) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "date": pd.date_range("2024-01-01", periods=n, freq="10D"),
            "type": ["complaint", "praise"] * (n // 2),
            "count": np.arange(n) % 4 + 1,
        }
    )


@case
def kpi_series_zero_rows(tmp: Path) -> None:
    expect_error(sq.kpi_series, _records().iloc[:0], error=sq.InsufficientDataError)


@case
def kpi_series_bool_count(tmp: Path) -> None:
    rec = _records().astype({"count": object})
    rec.loc[2, "count"] = True
    expect_error(sq.kpi_series, rec, count="count", names=("count", "true/false"))


@case
def kpi_series_negative_count(tmp: Path) -> None:
    rec = _records()
    rec.loc[2, "count"] = -3
    expect_error(sq.kpi_series, rec, count="count", error=sq.DataError, names=("count",))


@case
def kpi_series_bad_dates(tmp: Path) -> None:
    rec = _records().astype({"date": object})
    rec.loc[1, "date"] = "yesterday"
    expect_error(sq.kpi_series, rec, error=sq.DataError, names=("date",))


@case
def control_chart_empty(tmp: Path) -> None:
    expect_error(sq.control_chart, pd.DataFrame({"x": []}))


@case
def wtp_premium_negative(tmp: Path) -> None:
    df = pd.DataFrame({"premium": [0.0, 5.0, -2.0]})
    expect_error(sq.wtp_premium, df, premium="premium", error=sq.DataError, names=("premium",))


@case
def kano_bad_answers(tmp: Path) -> None:
    df = pd.DataFrame(
        {"respondent": [1, 2], "feature": ["a", "a"], "functional": [1, 9], "dysfunctional": [5, 5]}
    )
    expect_error(sq.kano, df, error=sq.DataError)


# --------------------------------------------------------------------------- segments


@case
def multiindex_columns_with_segments(tmp: Path) -> None:
    df = frame()
    df.columns = pd.MultiIndex.from_tuples([("q", c) for c in df.columns])
    expect_error(
        sq.Survey, df, "servqual22", segments="branch", error=sq.DataError, names=("MultiIndex",)
    )


@case
def multiindex_columns_summary(tmp: Path) -> None:
    df = frame()
    df.columns = pd.MultiIndex.from_tuples([("q", c) for c in df.columns])
    expect_error(
        sq.SurveySummary.from_frame, df, "servqual22", error=sq.DataError, names=("MultiIndex",)
    )


@case
def segment_labels_one_and_text_one(tmp: Path) -> None:
    df = frame()
    df["branch"] = pd.Series([1, "1"] * 20, index=df.index, dtype=object)
    out = call(lambda: sq.gap_scores(survey(df, segments="branch"), by="branch"))
    if out.error is None:
        table = out.result.to_frame()
        assert len(table.index.get_level_values(0).unique()) == 2
        text = str(out.result)
        assert "'1'" in text or '"1"' in text, text
    else:
        assert "'1'" in out.message and "branch" in out.message


@case
def segment_with_missing_values(tmp: Path) -> None:
    df = frame()
    df.loc[df.index[:3], "branch"] = np.nan
    s = survey(df, segments="branch")
    out = expect_ok(sq.gap_scores, s, by="branch")
    assert out.warned(sq.MissingDataWarning, "branch"), [str(w.message) for w in out.warnings]
    assert out.result.to_frame()["n"].groupby(level=0).max().sum() == 37


@cases("summary_from_frame", "summarize_csv")
def segment_with_missing_values_summary(tmp: Path, entry: str) -> None:
    df = frame()
    df.loc[df.index[:3], "branch"] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sq.MissingDataWarning)
        if entry == "summarize_csv":
            summary = sq.summarize_csv(csv_file(tmp, df), "servqual22", segments="branch")
        else:
            summary = sq.SurveySummary.from_frame(df, "servqual22", segments="branch")
    out = expect_ok(sq.gap_scores, summary, by="branch")
    assert out.warned(sq.MissingDataWarning, "3 of 40 .*'branch'"), [
        str(w.message) for w in out.warnings
    ]


@case
def segment_column_missing(tmp: Path) -> None:
    expect_error(
        sq.Survey,
        frame(),
        "servqual22",
        segments="brnch",
        error=sq.MissingColumnError,
        names=("brnch", "branch"),
    )


@case
def by_unknown_segment(tmp: Path) -> None:
    expect_error(
        sq.gap_scores,
        survey(segments="branch"),
        by="region",
        error=sq.MissingColumnError,
        names=("region",),
    )


@case
def compare_groups_single_group(tmp: Path) -> None:
    df = frame()
    df["branch"] = "north"
    out = call(sq.compare_groups, survey(df, segments="branch"), "branch")
    assert out.error is not None and "branch" in out.message


# --------------------------------------------------------------------------- messages


@case
def dropped_rows_total_in_message(tmp: Path) -> None:
    df = frame(1200, segments=None)
    df.iloc[:1100, 0] = np.nan
    out = expect_ok(sq.SurveySummary.from_frame, df, "servqual22")
    msgs = [str(w.message) for w in out.warnings if issubclass(w.category, sq.MissingDataWarning)]
    assert msgs and "1100 of 1200" in msgs[0]
    assert "and 1092 more" in msgs[0], msgs[0]


@case
def listwise_message_counts(tmp: Path) -> None:
    df = frame(100)
    df.iloc[:50, 3] = np.nan
    out = expect_ok(sq.Survey, df, "servqual22", nan_policy="listwise")
    assert out.warned(sq.MissingDataWarning, "dropped 50 of 100.*and 42 more")


@case
def fmt_list_large_float(tmp: Path) -> None:
    from servqual._validation import fmt_list

    assert fmt_list([1e308, 2.0, 1e20]) == "1e+308, 2, 1e+20"


# --------------------------------------------------------------------------- security


@case
def repr_html_escapes_instrument_name(tmp: Path) -> None:
    inst = sq.instruments.Instrument.from_dict(
        {"name": "<script>alert(1)</script>", "dimensions": [{"name": "a", "items": ["x", "y"]}]}
    )
    df = pd.DataFrame({"E1": [6, 7, 5], "E2": [6, 6, 7], "P1": [5, 6, 5], "P2": [4, 6, 6]})
    html = sq.Survey(df, inst)._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html


@case
def cli_csv_injection(tmp: Path) -> None:
    df = frame()
    df["branch"] = ["=HYPERLINK(1)", "+cmd", "@sum", "-1+2", "\tx"] * 8
    rc, _out, err = run_cli(
        "gaps", csv_file(tmp, df), "--by", "branch", "--level", "dimension", "-o", tmp / "o"
    )
    assert rc == 0, err
    text = (tmp / "o" / "gaps_dimension.csv").read_text(encoding="utf-8")
    for bad in ("=HYPERLINK", "+cmd", "@sum", "-1+2", "\tx"):
        assert f"'{bad}" in text, text[:500]
    assert re.search(r",-\d", text), "negative gaps must stay numbers"
    assert ",'-0." not in text


# --------------------------------------------------------------------------- Survey


@case
def missing_rating_column(tmp: Path) -> None:
    df = frame().drop(columns=["P7"])
    expect_error(sq.Survey, df, "servqual22", error=sq.MissingColumnError, names=("P7",))


@case
def misnamed_rating_column(tmp: Path) -> None:
    df = frame().rename(columns={"P7": "P_7"})
    expect_error(sq.Survey, df, "servqual22", error=sq.MissingColumnError, names=("P7", "P_7"))


@case
def text_rating(tmp: Path) -> None:
    df = frame().astype({"E2": object})
    df.loc[df.index[4], "E2"] = "seven"
    expect_error(
        sq.Survey,
        df,
        "servqual22",
        error=sq.NonNumericError,
        names=("E2", "seven", str(df.index[4])),
    )


@case
def out_of_range_rating(tmp: Path) -> None:
    df = frame()
    df.loc[df.index[2], "P9"] = 9
    expect_error(sq.Survey, df, "servqual22", error=sq.ScaleRangeError, names=("P9", "9"))


@case
def infinite_rating(tmp: Path) -> None:
    df = frame()
    df["P1"] = df["P1"].astype(float)
    df.loc[df.index[2], "P1"] = -np.inf
    expect_error(sq.Survey, df, "servqual22", error=sq.NonNumericError, names=("P1",))


@case
def bool_ratings(tmp: Path) -> None:
    df = frame()
    df["P5"] = df["P5"] > 4
    expect_error(sq.Survey, df, "servqual22", error=sq.NonNumericError, names=("P5",))


@case
def nan_policy_raise(tmp: Path) -> None:
    df = frame()
    df.loc[df.index[6], "E8"] = np.nan
    expect_error(sq.Survey, df, "servqual22", nan_policy="raise", error=sq.DataError, names=("E8",))


@case
def listwise_leaves_nobody(tmp: Path) -> None:
    df = frame()
    df["E1"] = np.nan
    expect_error(sq.Survey, df, "servqual22", nan_policy="listwise", error=sq.DataError)


@case
def empty_frame(tmp: Path) -> None:
    expect_error(sq.Survey, frame().iloc[:0], "servqual22", error=sq.DataError, names=("no rows",))


@case
def duplicate_column_names(tmp: Path) -> None:
    df = frame()
    df = pd.concat([df, df[["P3"]]], axis=1)
    expect_error(sq.Survey, df, "servqual22", error=sq.DuplicateColumnError, names=("P3",))


@case
def not_a_frame(tmp: Path) -> None:
    expect_error(sq.Survey, "data.csv", "servqual22", error=sq.DataError, names=("str",))


@case
def missing_codes_text(tmp: Path) -> None:
    expect_error(
        sq.Survey,
        frame(),
        "servqual22",
        missing_codes=("x",),
        error=sq.DataError,
        names=("missing_codes",),
    )


@case
def importance_not_summing(tmp: Path) -> None:
    df = frame()
    df.loc[df.index[3], "imp_tangibles"] += 10
    expect_error(
        sq.Survey,
        df,
        "servqual22",
        importance="imp_{dimension}",
        error=sq.ImportanceWeightError,
        names=(str(df.index[3]), "110"),
    )


@case
def importance_negative(tmp: Path) -> None:
    df = frame()
    df.loc[df.index[1], "imp_empathy"] = -5
    expect_error(
        sq.Survey,
        df,
        "servqual22",
        importance="imp_{dimension}",
        error=sq.ImportanceWeightError,
        names=("imp_empathy",),
    )


@case
def bad_option_value(tmp: Path) -> None:
    expect_error(
        sq.Survey, frame(), "servqual22", nan_policy="drop", error=sq.DataError, names=("drop",)
    )


# --------------------------------------------------------------------------- statistics


@cases("1.5", "0", "text")
def bad_confidence_level(tmp: Path, value: str) -> None:
    level: Any = value if value == "text" else float(value)
    expect_error(
        sq.gap_scores,
        survey(),
        confidence_level=level,
        error=sq.DataError,
        names=("confidence_level",),
    )


@case
def bad_level(tmp: Path) -> None:
    expect_error(sq.gap_scores, survey(), level="items", error=sq.DataError, names=("items",))


@case
def one_respondent(tmp: Path) -> None:
    expect_error(sq.gap_scores, survey(frame().iloc[:1]), error=sq.InsufficientDataError)


@case
def zero_variance_gaps(tmp: Path) -> None:
    df = frame()
    for j in range(1, 23):
        df[f"P{j}"] = df[f"E{j}"]
    expect_error(
        sq.paired_tests, survey(df), level="dimension", error=sq.DataError, names=("tangibles",)
    )


@case
def key_drivers_unknown_outcome(tmp: Path) -> None:
    expect_error(
        sq.key_drivers,
        survey(outcomes="overall"),
        outcome="loyalty",
        error=sq.MissingColumnError,
        names=("loyalty",),
    )


@case
def wilcoxon_on_summary(tmp: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        summary = sq.SurveySummary.from_frame(frame(), "servqual22")
    out = expect_error(sq.paired_tests, summary, method="wilcoxon", error=sq.CapabilityError)
    assert "wilcoxon" in out.message.lower() and "method='t'" in out.message


@case
def latent_models_on_summary(tmp: Path) -> None:
    # SEM, multi-group CFA and invariance need the respondents' rows: a CapabilityError
    # naming the function, not "data must be a DataFrame" or "model= is required"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        summary = sq.SurveySummary.from_frame(frame(), "servqual22")
    for fn, kwargs in (
        (sq.sem, {}),
        (sq.cfa, {"group": "branch"}),
        (sq.measurement_invariance, {"by": "branch"}),
    ):
        out = expect_error(fn, summary, error=sq.CapabilityError, **kwargs)
        assert fn.__name__ in out.message and "Survey" in out.message


@case
def tolerance_zone_without_zone_ratings(tmp: Path) -> None:
    expect_error(sq.tolerance_zone, survey(), error=sq.InstrumentError)


@case
def value_index_on_servqual(tmp: Path) -> None:
    expect_error(sq.value_index, survey(), error=sq.InstrumentError)


@case
def load_example_given_a_frame(tmp: Path) -> None:
    expect_error(sq.load_example, frame(), error=sq.DataError)


@case
def p_adjust_out_of_range(tmp: Path) -> None:
    expect_error(sq.p_adjust, [0.01, 1.5, np.nan], error=sq.DataError, names=("1.5",))


@case
def power_negative_n(tmp: Path) -> None:
    expect_error(sq.power, 0.3, n=-5, error=sq.DataError, names=("-5",))


@case
def sample_size_zero_effect(tmp: Path) -> None:
    expect_error(sq.sample_size, 0.0, error=sq.DataError)


@case
def summarize_csv_bad_chunksize(tmp: Path) -> None:
    expect_error(
        sq.summarize_csv,
        csv_file(tmp),
        "servqual22",
        chunksize=0,
        error=sq.DataError,
        names=("chunksize",),
    )


@case
def summarize_csv_text_rating_names_global_row(tmp: Path) -> None:
    df = frame(30).astype({"P2": object}).reset_index(drop=True)
    df.loc[23, "P2"] = "x"
    path = tmp / "t.csv"
    df.to_csv(path, index=False)
    expect_error(
        sq.summarize_csv,
        path,
        "servqual22",
        chunksize=7,
        error=sq.NonNumericError,
        names=("P2", "23"),
    )


# --------------------------------------------------------------------------- one-liners


def _perf() -> sq.Survey:
    return sq.Survey(frame()[[f"P{j}" for j in range(1, 23)]], "servperf22")


_HS_MODEL = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"


def _hs() -> pd.DataFrame:
    return pd.read_csv(Path(__file__).parent / "reference" / "invariance_hs_data.csv")


_GROUP_MODEL = "f =~ E1 + E2 + E3 + E4"


def _groups() -> pd.DataFrame:
    return frame(120)[["E1", "E2", "E3", "E4", "branch"]]


def _group_smaller_than_its_parameters(tmp: Path) -> None:
    data = pd.concat([_groups(), _groups().iloc[:10].assign(branch="small")])
    with (
        warnings.catch_warnings(),
        pytest.warns(sq.ServqualWarning, match=r"small.*10 complete rows.*12 free"),
    ):
        warnings.simplefilter("ignore", sq.HeywoodWarning)
        try:
            sq.sem(data, _GROUP_MODEL, group="branch")
        except ServqualError:
            pass  # the warning is the point; a tiny group may not converge


CASES["sem_group_smaller_than_its_parameters"] = _group_smaller_than_its_parameters
_ORD = "f =~ a + b + c"


def _ordinal() -> pd.DataFrame:
    """Three 3-point items, 30 respondents (for the WLSMV cases)."""
    rng = np.random.default_rng(5)
    base = rng.integers(1, 4, size=30)
    cols = {k: np.clip(base + rng.integers(-1, 2, size=30), 1, 3) for k in "abc"}
    return pd.DataFrame(cols)


#: name → (call, error type, words the message must contain)
ONE_LINERS: dict[str, tuple[Callable[[], Any], type[ServqualError], tuple[str, ...]]] = {
    "sem_syntax_error": (
        lambda: sq.sem(frame(), "f =~ E1 + + E2"),
        sq.InstrumentError,
        ("line 1",),
    ),
    "sem_unknown_variable": (
        lambda: sq.sem(frame(), "f =~ E1 + E2 + E99"),
        sq.MissingColumnError,
        ("E99",),
    ),
    "measurement_invariance_group_and_by": (
        lambda: sq.measurement_invariance(_hs(), _HS_MODEL, group="school", by="school"),
        sq.DataError,
        ("group='school'", "by='school'"),
    ),
    "measurement_invariance_unknown_step": (
        lambda: sq.measurement_invariance(_hs(), _HS_MODEL, group="school", steps=["metrik"]),
        sq.DataError,
        ("'metrik'", "'metric'"),
    ),
    "measurement_invariance_missing_group": (
        lambda: sq.measurement_invariance(_hs(), _HS_MODEL, group="shcool"),
        sq.MissingColumnError,
        ("'shcool'", "'school'"),
    ),
    "measurement_invariance_small_group": (
        lambda: sq.measurement_invariance(
            pd.concat([_hs().head(150), _hs().tail(5)]), _HS_MODEL, group="school"
        ),
        sq.InsufficientDataError,
        ("'Grant-White'", "5 complete"),
    ),
    "measurement_invariance_constant_item_in_group": (
        lambda: sq.measurement_invariance(
            _hs().assign(x4=lambda d: d["x4"].where(d["school"] != "Grant-White", 2.0)),
            _HS_MODEL,
            group="school",
        ),
        sq.DataError,
        ("x4", "'Grant-White'"),
    ),
    "measurement_invariance_unknown_segment": (
        lambda: sq.measurement_invariance(survey(), by="region"),
        sq.MissingColumnError,
        ("'region'",),
    ),
    "measurement_invariance_bad_cutoff": (
        lambda: sq.measurement_invariance(
            _hs(), _HS_MODEL, group="school", cutoffs={"delta_cfi": "small"}
        ),
        sq.DataError,
        ("delta_cfi", "'small'"),
    ),
    "lrt_different_rows": (
        lambda: sq.lrt(sq.sem(_hs(), _HS_MODEL), sq.sem(_hs().head(200), "f =~ x1 + x2 + x3")),
        sq.DataError,
        ("different",),
    ),
    "lrt_one_model": (
        lambda: sq.lrt(sq.sem(_hs(), _HS_MODEL)),
        sq.DataError,
        ("at least two",),
    ),
    "compare_groups_invariance_not_a_result": (
        lambda: sq.compare_groups(sq.load_example("retail_bank"), "branch", invariance=3),
        sq.DataError,
        ("invariance=", "int"),
    ),
    "sem_group_column_missing": (
        lambda: sq.sem(_groups(), _GROUP_MODEL, group="brnch"),
        sq.MissingColumnError,
        ("'brnch'", "'branch'"),
    ),
    "sem_group_one_group": (
        lambda: sq.sem(_groups().assign(branch="north"), _GROUP_MODEL, group="branch"),
        sq.DataError,
        ("'branch'", "north", "at least two"),
    ),
    "sem_group_too_few_rows": (
        lambda: sq.sem(
            pd.concat([_groups(), _groups().iloc[:4].assign(branch="tiny")]),
            _GROUP_MODEL,
            group="branch",
        ),
        sq.InsufficientDataError,
        ("tiny", "4 complete"),
    ),
    "sem_group_constant_item": (
        lambda: sq.sem(
            _groups().assign(E3=lambda d: d["E3"].where(d["branch"] != "south", 4.0)),
            _GROUP_MODEL,
            group="branch",
        ),
        sq.DataError,
        ("'E3'", "south"),
    ),
    "sem_group_partial_unknown": (
        lambda: sq.sem(
            _groups(),
            _GROUP_MODEL,
            group="branch",
            group_equal="loadings",
            group_partial="f=~E9",
        ),
        sq.InstrumentError,
        ("'f=~E9'", "closest"),
    ),
    "sem_group_equal_typo": (
        lambda: sq.sem(_groups(), _GROUP_MODEL, group="branch", group_equal="intercept"),
        sq.DataError,
        ("'intercept'", "'intercepts'"),
    ),
    "sem_group_survey_unknown_segment": (
        lambda: sq.sem(survey(segments=["branch"]), group="region"),
        sq.MissingColumnError,
        ("'region'", "branch"),
    ),
    "cfa_group_equal_without_group": (
        lambda: sq.cfa(_groups(), {"f": ["E1", "E2", "E3"]}, group_equal="loadings"),
        sq.DataError,
        ("group=",),
    ),
    "score_tests_not_a_fit": (
        lambda: sq.score_tests(pd.DataFrame({"a": [1]})),
        sq.DataError,
        ("DataFrame",),
    ),
    "score_tests_no_constraints": (
        lambda: sq.score_tests(sq.sem(_groups(), _GROUP_MODEL, group="branch")),
        sq.DataError,
        ("no equality constraints",),
    ),
    "modification_indices_not_a_fit": (
        lambda: sq.modification_indices(pd.DataFrame({"a": [1]})),
        sq.DataError,
        ("DataFrame",),
    ),
    "plot_sem_not_a_fit": (
        lambda: sq.plot_sem(sq.gap_scores(survey())),
        sq.DataError,
        ("GapResult",),
    ),
    "export_tables_unknown_extension": (
        lambda: sq.export_tables(sq.gap_scores(survey()), "tables.pdf"),
        sq.DataError,
        ("'.pdf'",),
    ),
    "export_tables_not_a_result": (
        lambda: sq.export_tables([pd.DataFrame({"a": [1]})], "tables.md"),
        sq.DataError,
        ("DataFrame",),
    ),
    "sem_ordered_fractional_category": (
        lambda: sq.sem(_ordinal().assign(a=[1, 2, 2.5, 1, 3, 2] * 5), _ORD, ordered=True),
        sq.DataError,
        ("'a'", "2.5", "non-integer"),
    ),
    "sem_ordered_one_category": (
        lambda: sq.sem(_ordinal().assign(b=3), _ORD, ordered=True),
        sq.DataError,
        ("'b'", "category 3 only"),
    ),
    "sem_ordered_too_many_categories": (
        lambda: sq.sem(_ordinal().assign(c=range(30)), _ORD, ordered=True),
        sq.DataError,
        ("'c'", "30 distinct values", "20"),
    ),
    "sem_ordered_not_in_model": (
        lambda: sq.sem(_ordinal().assign(d=1), _ORD, ordered=["a", "b", "c", "d"]),
        sq.DataError,
        ("'d'", "not observed variables of the model"),
    ),
    "sem_ordered_text_in_continuous": (
        lambda: sq.sem(_ordinal().astype(object).assign(c="x"), _ORD, ordered=["a", "b"]),
        sq.DataError,
        ("'c'", "non-numeric"),
    ),
    "cfa_ordered_unknown_column": (
        lambda: sq.cfa(_ordinal(), {"f": ["a", "b", "c"]}, ordered=["zz"]),
        sq.DataError,
        ("'zz'", "not columns"),
    ),
    "sem_ordered_group_category_missing": (
        lambda: sq.sem(
            _ordinal()
            .assign(g=["x"] * 15 + ["y"] * 15)
            .assign(a=lambda d: np.where((d["g"] == "y") & (d["a"] == 3), 2, d["a"])),
            _ORD,
            ordered=True,
            group="g",
        ),
        sq.DataError,
        ("'a'", "category 3", "group y of 'g'"),
    ),
    "sem_ordered_group_equal_typo": (
        lambda: sq.sem(
            _ordinal().assign(g=["x", "y"] * 15),
            _ORD,
            ordered=True,
            group="g",
            group_equal="threshold",
        ),
        sq.DataError,
        ("'threshold'", "'thresholds'"),
    ),
    "sem_ordered_group_one_row": (
        lambda: sq.sem(_ordinal().assign(g=["x"] * 29 + ["y"]), _ORD, ordered=True, group="g"),
        sq.InsufficientDataError,
        ("Group y of 'g'", "1 complete row"),
    ),
    "sem_wlsmv_bootstrap": (
        lambda: sq.sem(_ordinal(), _ORD, estimator="wlsmv", se="bootstrap"),
        sq.DataError,
        ("bootstrap",),
    ),
    "polychoric_text_item": (
        lambda: sq.polychoric(pd.DataFrame({"a": ["x", "y", "z"], "b": [1, 2, 3]})),
        sq.NonNumericError,
        ("'a'", "'x'"),
    ),
    "polychoric_fractional_category": (
        lambda: sq.polychoric(pd.DataFrame({"a": [1, 2, 2.5, 1], "b": [1, 2, 3, 1]})),
        sq.DataError,
        ("'a'", "2.5"),
    ),
    "polyserial_fractional_category": (
        lambda: sq.polyserial(
            pd.DataFrame({"c": [1.0, 2.0, 3.0, 4.0]}), pd.DataFrame({"o": [1, 2, 1, 2.5]})
        ),
        sq.DataError,
        ("'o'", "2.5", "rows 3"),
    ),
    "likert_unknown_rating": (
        lambda: sq.likert_distribution(survey(), rating="X"),
        sq.InstrumentError,
        ("'X'",),
    ),
    "respondent_scores_unknown_score": (
        lambda: sq.respondent_scores(survey(), score="foo"),
        sq.DataError,
        ("'foo'",),
    ),
    "importance_performance_without_importance": (
        lambda: sq.importance_performance(survey()),
        sq.InstrumentError,
        ("importance",),
    ),
    "difference_reliability_on_servperf": (
        lambda: sq.difference_reliability(_perf()),
        sq.InstrumentError,
        ("SERVPERF-22",),
    ),
    "gap_scores_on_servperf": (lambda: sq.gap_scores(_perf()), sq.InstrumentError, ("SERVPERF",)),
    "paired_tests_on_servperf": (
        lambda: sq.paired_tests(_perf()),
        sq.InstrumentError,
        ("SERVPERF",),
    ),
    "power_from_survey_power_above_one": (
        lambda: sq.power_from_survey(survey(), power=1.5),
        sq.DataError,
        ("1.5",),
    ),
    "value_links_without_outcomes": (
        lambda: sq.value_links(survey()),
        sq.InstrumentError,
        ("outcomes",),
    ),
    "compare_groups_unknown_segment": (
        lambda: sq.compare_groups(survey(segments="branch"), "region"),
        sq.MissingColumnError,
        ("'region'", "branch"),
    ),
    "key_drivers_without_outcomes": (
        lambda: sq.key_drivers(survey()),
        sq.MissingColumnError,
        ("'overall'",),
    ),
    "plot_gaps_of_an_alpha": (
        lambda: sq.plot_gaps(sq.cronbach_alpha(survey())),
        ServqualError,
        ("gap", "AlphaResult"),
    ),
    "plot_radar_of_a_kmo": (
        lambda: sq.plot_radar(sq.kmo(survey())),
        ServqualError,
        ("KMOResult",),
    ),
    "ave_of_an_efa": (lambda: sq.ave(sq.efa(survey(), 2)), sq.DataError, ("EFAResult",)),
    "tolerance_zone_overall": (
        lambda: sq.tolerance_zone(survey(), level="overall"),
        sq.DataError,
        ("'overall'",),
    ),
    "efa_unknown_rotation": (
        lambda: sq.efa(survey(), 2, rotation="spin"),
        sq.DataError,
        ("'spin'",),
    ),
    "cfa_unknown_item": (
        lambda: sq.cfa(items_frame(), {"a": ["P1", "P2", "Q9"]}),
        sq.MissingColumnError,
        ("'Q9'",),
    ),
    "kano_missing_columns": (
        lambda: sq.kano(pd.DataFrame({"x": [1]})),
        sq.MissingColumnError,
        ("'functional'",),
    ),
    "control_chart_unknown_chart": (
        lambda: sq.control_chart(pd.DataFrame({"count": [1, 2, 3]}), "zz", count="count"),
        sq.DataError,
        ("'zz'",),
    ),
    "p_adjust_unknown_method": (
        lambda: sq.p_adjust([0.1, 0.2], method="nope"),
        sq.DataError,
        ("'nope'",),
    ),
    "csat_reversed_scale": (
        lambda: sq.csat(pd.DataFrame({"s": [1, 2, 3]}), "s", scale=(5, 1)),
        sq.DataError,
        ("scale", "(5, 1)"),
    ),
    "parallel_analysis_quantile_above_one": (
        lambda: sq.parallel_analysis(items_frame(), quantile=1.5, n_iter=5),
        sq.DataError,
        ("1.5",),
    ),
    "split_half_two_items": (
        lambda: sq.split_half(items_frame(30, 2)),
        sq.InsufficientDataError,
        ("'P1'", "'P2'"),
    ),
    "omega_n_factors_text": (
        lambda: sq.omega(items_frame(60, 7), n_factors="three"),
        sq.DataError,
        ("'three'",),
    ),
    "sample_size_power_above_one": (
        lambda: sq.sample_size(0.3, power=1.2),
        sq.DataError,
        ("1.2",),
    ),
}

#: the same with a temporary folder: name → (call(tmp), error type, words)
FILE_ONE_LINERS: dict[str, tuple[Callable[[Path], Any], type[ServqualError], tuple[str, ...]]] = {
    "read_survey_unknown_encoding": (
        lambda tmp: sq.read_survey(csv_file(tmp), "servqual22", encoding="nope"),
        sq.DataError,
        ("'nope'",),
    ),
    "summarize_csv_unknown_encoding": (
        lambda tmp: sq.summarize_csv(csv_file(tmp), "servqual22", encoding="nope"),
        sq.DataError,
        ("'nope'",),
    ),
    "summarize_csv_usecols_not_in_file": (
        lambda tmp: sq.summarize_csv(csv_file(tmp), "servqual22", usecols=["P1", "ZZ"]),
        sq.MissingColumnError,
        ("'ZZ'",),
    ),
    "read_survey_index_col_not_in_file": (
        lambda tmp: sq.read_survey(csv_file(tmp), "servqual22", index_col="nope"),
        sq.MissingColumnError,
        ("'nope'",),
    ),
    "summarize_csv_index_col_not_in_file": (
        lambda tmp: sq.summarize_csv(csv_file(tmp), "servqual22", index_col="nope"),
        sq.MissingColumnError,
        ("'nope'",),
    ),
    "read_survey_csv_as_excel": (
        lambda tmp: sq.read_survey(csv_file(tmp), "servqual22", format="excel"),
        sq.DataError,
        ("export.csv", "excel"),
    ),
    "read_survey_csv_as_spss": (
        lambda tmp: sq.read_survey(csv_file(tmp), "servqual22", format="spss"),
        sq.DataError,
        ("export.csv", "spss"),
    ),
    "read_survey_csv_as_parquet": (
        lambda tmp: sq.read_survey(csv_file(tmp), "servqual22", format="parquet"),
        sq.DataError,
        ("export.csv", "parquet"),
    ),
    "read_survey_unknown_long_option": (
        lambda tmp: sq.read_survey(
            csv_file(tmp), "servqual22", layout="long", long_options={"nope": 1}
        ),
        sq.DataError,
        ("'nope'",),
    ),
    "read_survey_wrong_separator": (
        lambda tmp: sq.read_survey(csv_file(tmp), "servqual22", sep="|"),
        sq.MissingColumnError,
        ("'E1'",),
    ),
    "report_to_a_directory": (
        lambda tmp: sq.report(survey(), tmp),
        sq.DataError,
        ("directory",),
    ),
    "plot_gaps_ax_not_axes": (
        lambda tmp: sq.plot_gaps(sq.gap_scores(survey()), ax="x"),
        sq.DataError,
        ("Axes", "str"),
    ),
    "summarize_csv_weights": (
        lambda tmp: sq.summarize_csv(csv_file(tmp), "servqual22", weights="overall"),
        ServqualError,
        ("weights",),
    ),
}

for _name, (_fn, _error, _names) in FILE_ONE_LINERS.items():
    CASES[_name] = lambda tmp, fn=_fn, error=_error, names=_names: expect_error(
        fn, tmp, error=error, names=names
    )

for _name, (_fn, _error, _names) in ONE_LINERS.items():
    CASES[_name] = lambda tmp, fn=_fn, error=_error, names=_names: expect_error(
        fn, error=error, names=names
    )


# --------------------------------------------------------------------------- the suite


def test_corpus_has_at_least_90_cases() -> None:
    assert len(CASES) >= 90, len(CASES)


def test_every_public_function_is_exercised() -> None:
    """Each ``sq.__all__`` function is called by a case here or by the generic sweep."""
    import inspect

    source = Path(__file__).read_text(encoding="utf-8")
    functions = [n for n in sq.__all__ if inspect.isfunction(getattr(sq, n))]
    missing = [n for n in functions if f"sq.{n}" not in source and n not in SWEEP_ONLY]
    assert not missing, missing


#: entry points covered by the generic sweep below only
SWEEP_ONLY = {
    "ave",
    "composite_reliability",
    "discriminant_validity",
    "fornell_larcker",
    "difference_reliability",
    "hotelling_test",
    "importance_performance",
    "likert_distribution",
    "power_from_survey",
    "respondent_scores",
    "value_links",
    "plot_control",
    "plot_drivers",
    "plot_invariance",
    "plot_ipa",
    "plot_kano",
    "plot_kpi",
    "plot_likert",
    "plot_loadings",
    "plot_nps",
    "plot_radar",
    "plot_ratings",
    "plot_score",
    "plot_scree",
    "plot_snake",
    "plot_tolerance",
}

_GENERIC = {
    "none": None,
    "empty_frame": pd.DataFrame(),
    "text_frame": pd.DataFrame({"a": ["x", "y", "z"]}),
    "number": 5,
}


def _sweep_params() -> list[tuple[str, str]]:
    import inspect

    names = [n for n in sq.__all__ if inspect.isfunction(getattr(sq, n))]
    return [(n, g) for n in names for g in _GENERIC]


@pytest.mark.parametrize(("entry", "bad"), _sweep_params())
def test_generic_bad_first_argument(entry: str, bad: str, tmp_path: Path) -> None:
    """Every public function given None, an empty frame, a text frame or a number."""
    import matplotlib.pyplot as plt

    fn = getattr(sq, entry)
    value = _GENERIC[bad]
    extra: tuple[Any, ...] = ()
    if entry in ("read_survey", "summarize_csv"):
        extra = ("servqual22",)
    elif entry == "compare_groups":
        extra = ("branch",)
    elif entry == "report":
        extra = (tmp_path / "r.html",)
    elif entry == "export_tables":
        extra = (tmp_path / "t.xlsx",)
    elif entry == "polyserial":
        extra = (pd.DataFrame({"o": [1, 2, 1]}),)
    out = call(fn, value, *extra, allow_nan=True)
    plt.close("all")
    if entry in ("power", "sample_size") and bad == "number":
        return  # an effect size of 5 is a valid question
    assert out.error is not None, f"{entry}({bad}) returned {out.result!r}"


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input(name: str, tmp_path: Path) -> None:
    CASES[name](tmp_path)
