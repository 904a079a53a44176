"""Reading survey exports: CSV (any encoding), Excel, SPSS ``.sav`` and long format.

:func:`read_survey` reads a file and hands it to :class:`~servqual.Survey`, so the
same validation (column mapping, numbers, scale, missing data) applies. Long
(tidy) exports with one row per respondent × item × rating are pivoted to wide
with :func:`long_to_wide`.
"""

from __future__ import annotations

import csv
import difflib
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from ._validation import fmt_list, require_columns
from .exceptions import DataError, DuplicateColumnError, MissingColumnError, ServqualError
from .instruments import Instrument, _as_instrument
from .streaming import as_path, check_csv_path, check_encoding, check_header, parser_error
from .survey import Survey

__all__ = ["long_to_wide", "read_survey", "read_table"]

Format = Literal["csv", "excel", "spss", "parquet"]


def _infer_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    if suffix in (".xlsx", ".xlsm", ".xls"):
        return "excel"
    if suffix in (".sav", ".zsav"):
        return "spss"
    if suffix == ".parquet":
        return "parquet"
    raise DataError(
        f"Cannot tell the format of {path.name!r} from its extension; pass format='csv', "
        "'excel', 'spss' or 'parquet'."
    )


def read_table(
    path: str | Path,
    format: Format | None = None,
    *,
    encoding: str = "utf-8",
    sep: str | None = None,
    sheet: str | int = 0,
    index_col: str | int | None = None,
    na_values: Any = None,
    decimal: str = ".",
) -> pd.DataFrame:
    """Read a survey export into a DataFrame (no validation).

    ``encoding`` applies to CSV (``"utf-8"``, ``"cp949"``, ``"latin-1"`` ...); a
    ``sep`` of ``None`` sniffs comma, semicolon or tab. ``sheet`` is one Excel
    worksheet, by name (matched ignoring case when there is no exact match) or by
    position (``0`` = first). ``index_col`` is the respondent id column, by name or
    position. Excel needs ``openpyxl``
    and SPSS needs ``pyreadstat`` (``pip install 'servqual[excel,spss]'``).
    A CSV that starts with a UTF-8 byte-order mark (Excel's "CSV UTF-8") is read
    as ``"utf-8-sig"``; ``decimal=","`` reads decimal commas. A header that names
    a column twice raises :class:`DuplicateColumnError` (pandas would silently
    rename the copy ``P3.1``).
    """
    p = as_path(path)
    check_encoding(encoding)
    if not p.exists():
        raise DataError(f"File {str(p)!r} does not exist.")
    if p.is_dir():
        raise DataError(f"{str(p)!r} is a directory, not a survey export; pass a file.")
    fmt = format or _infer_format(p)
    if fmt in ("excel", "spss", "parquet"):
        try:
            return _read_binary(p, fmt, encoding, sheet, index_col, na_values)
        except ServqualError:
            raise
        except Exception as exc:  # each reader library raises its own error types
            raise DataError(
                f"Could not read {p.name} as {fmt} ({type(exc).__name__}: {exc}); is it "
                f"really a{'n' if fmt == 'excel' else ''} {fmt} file? Pass format= to say "
                "what it is."
            ) from None
    if fmt == "csv":
        p, encoding = check_csv_path(p, encoding, excel_hint=False)
        try:
            frame = pd.read_csv(
                p,
                encoding=encoding,
                sep=sep,
                engine="python" if sep is None else "c",
                na_values=na_values,
                decimal=decimal,
            )
            check_header(p, encoding, sep, frame.columns, decimal)
        except UnicodeDecodeError as exc:
            raise DataError(
                f"{p.name} is not valid {encoding!r} text ({exc.reason} at byte {exc.start}); "
                "pass the export's encoding, e.g. encoding='cp949' or 'latin-1'."
            ) from None
        except pd.errors.ParserError as exc:
            raise parser_error(p.name, exc) from None
        except pd.errors.EmptyDataError as exc:
            raise DataError(f"Could not read {p.name} as CSV: {exc}.") from None
        except csv.Error as exc:
            raise DataError(
                f"Could not read {p.name} as CSV: {exc}; pass sep= (',', ';' or '\\t')."
            ) from None
        return _set_index(frame, index_col, p.name)
    raise DataError(f"Unknown format {fmt!r}; use 'csv', 'excel', 'spss' or 'parquet'.")


def _read_binary(
    p: Path, fmt: str, encoding: str, sheet: str | int, index_col: str | int | None, na_values: Any
) -> pd.DataFrame:
    """An Excel, SPSS or Parquet file."""
    if fmt == "excel":
        return _read_excel(p, sheet, index_col, na_values)
    if fmt == "spss":
        try:
            import pyreadstat
        except ImportError:
            raise DataError(
                "Reading SPSS .sav needs pyreadstat: pip install 'servqual[spss]'."
            ) from None
        frame, _meta = pyreadstat.read_sav(
            str(p), encoding=None if encoding == "utf-8" else encoding
        )
        return _set_index(frame, index_col, p.name)
    return _set_index(pd.read_parquet(p), index_col, p.name)


def _set_index(frame: pd.DataFrame, index_col: str | int | None, name: str) -> pd.DataFrame:
    """Use column ``index_col`` (a name or a position) as the respondent index."""
    if index_col is None:
        return frame
    if isinstance(index_col, int) and index_col not in frame.columns:
        if not 0 <= index_col < frame.shape[1]:
            raise DataError(
                f"index_col={index_col} is not a column position of {name} "
                f"({frame.shape[1]} columns)."
            )
        index_col = frame.columns[index_col]
    if index_col not in frame.columns:
        close = difflib.get_close_matches(str(index_col), [str(c) for c in frame.columns], n=2)
        hint = f" Did you mean {fmt_list(close)}?" if close else ""
        raise MissingColumnError(
            f"index_col={index_col!r} is not a column of {name}.{hint} Its first columns are "
            f"{fmt_list([str(c) for c in frame.columns])}."
        )
    return frame.set_index(index_col)


def _read_excel(
    p: Path, sheet: str | int, index_col: str | int | None, na_values: Any
) -> pd.DataFrame:
    """One worksheet of an Excel file; a sheet that is not there names those that are."""
    if not isinstance(sheet, str | int) or isinstance(sheet, bool):
        raise DataError(f"sheet must be one worksheet name or position (0 = first), got {sheet!r}.")
    try:
        book = pd.ExcelFile(p)
    except ImportError:
        raise DataError("Reading Excel needs openpyxl: pip install 'servqual[excel]'.") from None
    with book:
        names = [str(n) for n in book.sheet_names]
        if isinstance(sheet, str) and sheet not in names:
            folded = [n for n in names if n.strip().casefold() == sheet.strip().casefold()]
            if len(folded) != 1:
                raise DataError(
                    f"{p.name} has no worksheet named {sheet!r}; its sheets are {fmt_list(names)}."
                )
            sheet = folded[0]
        if isinstance(sheet, int) and not -len(names) <= sheet < len(names):
            raise DataError(
                f"sheet={sheet} is out of range: {p.name} has {len(names)} worksheet(s) "
                f"({fmt_list(names)})."
            )
        frame = pd.read_excel(book, sheet_name=sheet, na_values=na_values)
        names = [str(c) for c in frame.columns]
        if any(n.rsplit(".", 1)[0] in names for n in names if "." in n):
            raw = pd.read_excel(book, sheet_name=sheet, header=None, nrows=1, dtype=str)
            header = [str(v).strip() for v in raw.iloc[0].tolist()]
            dupes = sorted({h for h in header if header.count(h) > 1})
            if dupes:
                raise DuplicateColumnError(
                    f"Column name(s) {fmt_list(dupes)} appear more than once in the header of "
                    f"{p.name} (sheet {sheet!r}); rename them so each column is unique."
                )
    return _set_index(frame, index_col, f"{p.name} (sheet {sheet!r})")


def long_to_wide(
    frame: pd.DataFrame,
    *,
    respondent: str = "respondent",
    item: str = "item",
    rating: str | None = "rating",
    value: str = "value",
    template: str = "{rating}{item}",
    keep: list[str] | None = None,
) -> pd.DataFrame:
    """Pivot a long export (respondent, item, rating, value) to one row per respondent.

    Column names are built from ``template`` with ``{rating}`` and ``{item}``
    (default ``E1``, ``P1`` ...). With ``rating=None`` every value is a perception
    rating (``P1``, ``P2`` ..., as a SERVPERF export). ``keep`` lists respondent-level columns (segment,
    weight) that are constant within respondent and carried over.

    Examples
    --------
    >>> import pandas as pd
    >>> from servqual.io import long_to_wide
    >>> long = pd.DataFrame({"respondent": [1, 1, 2, 2], "item": [1, 1, 1, 1],
    ...                      "rating": ["E", "P", "E", "P"], "value": [6, 5, 7, 7]})
    >>> long_to_wide(long).columns.tolist()
    ['E1', 'P1']
    """
    need = [respondent, item, value] + ([rating] if rating else []) + list(keep or [])
    require_columns(frame, need, "the long-format export")
    df = frame.loc[:, need].copy()
    df["_col"] = [
        template.format(rating=r, item=i)
        for r, i in zip(df[rating] if rating else ["P"] * len(df), df[item], strict=True)
    ]
    dup = df.duplicated([respondent, "_col"], keep=False)
    if dup.any():
        rows = df.index[dup]
        raise DuplicateColumnError(
            f"The long export has more than one value for the same respondent and item/rating "
            f"at rows {fmt_list(rows)}; each respondent answers each rating once."
        )
    wide = df.pivot(index=respondent, columns="_col", values=value)
    wide.columns.name = None
    if keep:
        extra = df.groupby(respondent)[keep].first()
        varies = df.groupby(respondent)[keep].nunique(dropna=False).gt(1).any()
        if varies.any():
            raise DataError(
                f"Column(s) {fmt_list(list(varies[varies].index))} vary within a respondent; "
                "only respondent-level columns can be kept."
            )
        wide = wide.join(extra)
    return wide


def read_survey(
    path: str | Path,
    instrument: Instrument | str,
    *,
    columns: Any = None,
    format: Format | None = None,
    encoding: str = "utf-8",
    sep: str | None = None,
    sheet: str | int = 0,
    index_col: str | int | None = None,
    na_values: Any = None,
    decimal: str = ".",
    layout: Literal["wide", "long"] = "wide",
    long_options: dict[str, Any] | None = None,
    **survey_options: Any,
) -> Survey:
    """Read a survey export and validate it against an instrument.

    Parameters
    ----------
    path : str or Path
        CSV/TSV, Excel (``.xlsx``), SPSS (``.sav``) or Parquet file.
    instrument : Instrument or str
        The instrument or a built-in name (``"servqual22"``).
    columns : str, mapping or regex, optional
        Where the ratings are, as in :class:`~servqual.Survey`.
    format : {"csv", "excel", "spss", "parquet"}, optional
        Overrides the extension.
    encoding : str
        Text encoding of a CSV export (``"cp949"`` for Korean Windows exports).
    sep, sheet, index_col, na_values, decimal
        Passed to the reader (``decimal=","`` for decimal commas).
    layout : {"wide", "long"}
        ``"long"`` pivots with :func:`long_to_wide` (options in ``long_options``).
    **survey_options
        Passed to :class:`~servqual.Survey` (segments, importance, weights,
        outcomes, nan_policy, out_of_range, missing_codes ...).

    Returns
    -------
    Survey
        Always a Survey (in memory). To stream a CSV of any length at flat memory,
        use :func:`servqual.summarize_csv` (or ``SurveySummary.from_csv``), which
        returns a mergeable :class:`~servqual.SurveySummary`.

    Examples
    --------
    >>> import servqual as sq, tempfile, os
    >>> df = sq.datasets.simulate(30, rng=1)
    >>> path = os.path.join(tempfile.mkdtemp(), "export.csv")
    >>> df.to_csv(path, encoding="cp949")
    >>> sq.read_survey(path, "servqual22", encoding="cp949", index_col="respondent").n_respondents
    30
    """
    _as_instrument(instrument)
    if "chunksize" in survey_options:
        raise DataError(
            "read_survey always returns an in-memory Survey; to stream a CSV in chunks use "
            "sq.summarize_csv(path, instrument, chunksize=...) (a SurveySummary)."
        )
    frame = read_table(
        path,
        format,
        encoding=encoding,
        sep=sep,
        sheet=sheet,
        index_col=index_col,
        na_values=na_values,
        decimal=decimal,
    )
    if layout == "long":
        allowed = ("respondent", "item", "rating", "value", "template", "keep")
        unknown = [k for k in (long_options or {}) if k not in allowed]
        if unknown:
            raise DataError(
                f"long_options has unknown key(s) {fmt_list(unknown)}; allowed are "
                f"{fmt_list(allowed)} (see servqual.io.long_to_wide)."
            )
        frame = long_to_wide(frame, **(long_options or {}))
    elif layout != "wide":
        raise DataError(f"layout={layout!r} is not allowed; use 'wide' or 'long'.")
    return Survey(frame, instrument, columns, **survey_options)
