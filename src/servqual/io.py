"""Reading survey exports: CSV (any encoding), Excel, SPSS ``.sav``, survey platforms, long format.

:func:`read_survey` reads a file and hands it to :class:`~servqual.Survey`, so the
same validation (column mapping, numbers, scale, missing data) applies. Exports of
Qualtrics, SurveyMonkey, LimeSurvey and Google Forms are recognised from their
header rows (:mod:`servqual.platforms`): their response metadata become
:attr:`Survey.info <servqual.Survey.info>` and their question texts the item
wording. Errors about respondents name the file's line number. Long (tidy)
exports with one row per respondent × item × rating are pivoted to wide with
:func:`long_to_wide`.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from ._validation import check_choice, fmt_list, require_columns
from .exceptions import (
    DataError,
    DuplicateColumnError,
    MissingColumnError,
    MissingDataWarning,
    ServqualError,
)
from .instruments import Instrument, _as_instrument
from .platforms import PLATFORMS, Layout, detect, layout, shared_text
from .streaming import as_path, check_csv_path, check_encoding, check_header, parser_error
from .survey import Survey

__all__ = ["long_to_wide", "read_survey", "read_table"]

Format = Literal[
    "csv",
    "excel",
    "spss",
    "parquet",
    "qualtrics",
    "surveymonkey",
    "limesurvey",
    "google_forms",
]
_FORMATS = ("csv", "excel", "spss", "parquet", *PLATFORMS)

#: header names taken for the respondent id in a plain table (compared folded)
_ID_NAMES = ("respondent", "respondent_id", "respondentid", "id", "response_id", "responseid")


@dataclass
class _Source:
    """A file as read: the frame, how many rows sit above the first respondent and
    (for a platform export) its :class:`~servqual.platforms.Layout`."""

    path: Path
    kind: str  # "text", "excel" or "other"
    frame: pd.DataFrame
    header_rows: int = 1
    encoding: str = "utf-8"
    sep: str | None = None
    sheet: str | int = 0
    layout: Layout | None = None
    indexed: bool = False  # index_col made the ids the row labels

    @property
    def id_column(self) -> str | None:
        if self.indexed:
            return None
        if self.layout is not None:
            return self.layout.id_column if self.layout.id_column in self.frame.columns else None
        for c in self.frame.columns:
            if str(c).strip().casefold() in _ID_NAMES:
                return str(c)
        return None

    def record_lines(self) -> list[int]:
        """1-based line on which each record of a text file starts (blank lines skipped)."""
        starts: list[int] = []
        with self.path.open(encoding=self.encoding, errors="replace", newline="") as fh:
            reader = csv.reader(fh, delimiter=self.sep if self.sep and len(self.sep) == 1 else ",")
            end = 0
            try:
                for row in reader:
                    if row:
                        starts.append(end + 1)
                    end = reader.line_num
            except csv.Error:  # the counting is a courtesy; never an error of its own
                pass
        return starts

    def where(self, rows: Any, frame: pd.DataFrame) -> str:
        """`` In file.csv (header rows counted): row 3 is line 5 (ResponseId 'R_4'); ...``"""
        if rows is None or self.kind == "other" or not frame.index.is_unique:
            return ""
        rows = list(rows)
        pos = frame.index.get_indexer(rows)
        starts = self.record_lines() if self.kind == "text" else []
        ident = self.id_column
        parts = []
        for label, p in list(zip(rows, pos, strict=True))[:5]:
            if p < 0:
                continue
            if self.kind == "text":
                k = self.header_rows + int(p)
                if k >= len(starts):
                    continue
                place = f"line {starts[k]}"
            else:
                sheet = (
                    f"sheet {self.sheet!r}"
                    if isinstance(self.sheet, str)
                    else ("the first sheet" if self.sheet == 0 else f"sheet {self.sheet}")
                )
                place = f"row {self.header_rows + int(p) + 1} of {sheet}"
            who = ""
            if ident is not None:
                who = f" ({ident} {fmt_list([frame[ident].iloc[int(p)]])})"
            parts.append(f"row {fmt_list([label])} is {place}{who}")
        if not parts:
            return ""
        more = f"; and {len(rows) - 5} more" if len(rows) > 5 else ""
        counted = "header rows counted" if self.header_rows > 1 else "header row counted"
        return f" In {self.path.name} ({counted}): {'; '.join(parts)}{more}."

    def encoding_hint(self) -> str:
        """A hint when the header has non-ASCII bytes that another encoding reads as text."""
        if self.kind != "text":
            return ""
        given = codecs.lookup(self.encoding).name
        if given in ("utf-8", "utf-8-sig"):
            return ""  # strict UTF-8 that decoded is almost surely right
        try:
            with self.path.open("rb") as fh:
                raw = b"".join(fh.readline() for _ in range(max(self.header_rows, 1)))
        except OSError:
            return ""
        if raw.isascii():
            return ""
        for cand in ("utf-8", "cp949"):
            if codecs.lookup(cand).name == given:
                continue
            try:
                text = raw.decode(cand)
            except UnicodeDecodeError:
                continue
            wide = [ch for ch in text if ord(ch) > 127]
            if cand == "cp949" and sum("\uac00" <= ch <= "\ud7a3" for ch in wide) < 0.5 * len(wide):
                continue
            sample = next((c for c in text.splitlines()[0].split(",") if not c.isascii()), text)
            return (
                f" The header was decoded as {self.encoding!r} and matched nothing; it also "
                f"decodes as {cand!r} (e.g. {sample.strip()[:40]!r}), so the encoding is "
                f"probably wrong: pass encoding={cand!r}."
            )
        return ""


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
        "'excel', 'spss', 'parquet', 'qualtrics', 'surveymonkey', 'limesurvey' or "
        "'google_forms'."
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

    An export of Qualtrics, SurveyMonkey, LimeSurvey or Google Forms (CSV/TSV, or
    an Excel workbook) is recognised from its header rows (or named with
    ``format=``): the extra header rows are left out and each column gets one name
    (SurveyMonkey: ``"question - option"``). ``format="csv"`` reads any text file
    as a plain table, ``format="excel"`` any workbook as a plain sheet.
    """
    return _read_source(path, format, encoding, sep, sheet, index_col, na_values, decimal).frame


def _platform_names(frame: pd.DataFrame, lay: Layout, name: str) -> pd.DataFrame:
    """``frame`` with the one-name-per-column header of a platform export."""
    if frame.shape[1] != len(lay.names):
        raise DataError(
            f"{name}: the {PLATFORMS[lay.platform]} header names {len(lay.names)} columns but "
            f"the answers have {frame.shape[1]}."
        )
    dupes = sorted({n for n in lay.names if lay.names.count(n) > 1})
    if dupes:
        raise DuplicateColumnError(
            f"Column name(s) {fmt_list(dupes)} appear more than once in the header of "
            f"{name}; rename them in the export so each column is unique."
        )
    return frame.set_axis(lay.names, axis=1)


def _looks_like_excel(p: Path) -> bool:
    """An Excel workbook by its extension or its first bytes."""
    if p.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        return True
    try:
        with p.open("rb") as fh:
            head = fh.read(4)
    except OSError:
        return False
    return head in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")


def _sniff(sample: str) -> str:
    """The delimiter of a text sample: comma, semicolon or tab."""
    try:
        return csv.Sniffer().sniff(sample[:8192], delimiters=",;\t").delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        return max(",;\t", key=first.count)


def _head_rows(p: Path, encoding: str, sep: str | None) -> tuple[list[list[str]], str]:
    """The first three records of a text file as cells, and its delimiter."""
    with p.open(encoding=encoding, errors="replace", newline="") as fh:
        sample = fh.read(65536)
    if sample.startswith("\ufeff"):
        sample = sample[1:]
    delim = sep if sep is not None else _sniff(sample)
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(sample), delimiter=delim if len(delim) == 1 else ","):
            if row:
                rows.append(row)
            if len(rows) == 3:
                break
    except csv.Error:
        pass
    return rows, delim


def _read_source(
    path: Any,
    format: Any,
    encoding: str,
    sep: str | None,
    sheet: str | int,
    index_col: str | int | None,
    na_values: Any,
    decimal: str,
) -> _Source:
    p = as_path(path)
    check_encoding(encoding)
    if not p.exists():
        raise DataError(f"File {str(p)!r} does not exist.")
    if p.is_dir():
        raise DataError(f"{str(p)!r} is a directory, not a survey export; pass a file.")
    if format is not None and format not in _FORMATS:
        raise DataError(f"Unknown format {format!r}; use one of {list(_FORMATS)}.")
    fmt = format or _infer_format(p)
    if fmt == "excel" or (fmt in PLATFORMS and _looks_like_excel(p)):
        mode = fmt if fmt in PLATFORMS else ("auto" if format is None else None)
        try:
            frame, lay = _read_excel(p, sheet, index_col, na_values, mode)
        except ServqualError:
            raise
        except Exception as exc:  # openpyxl/xlrd raise their own error types
            raise DataError(
                f"Could not read {p.name} as excel ({type(exc).__name__}: {exc}); is it "
                "really an excel file? Pass format= to say what it is."
            ) from None
        return _Source(
            p,
            "excel",
            frame,
            header_rows=lay.header_rows if lay else 1,
            sheet=sheet,
            layout=lay,
            indexed=index_col is not None,
        )
    if fmt in ("spss", "parquet"):
        try:
            frame = _read_binary(p, fmt, encoding, sheet, index_col, na_values)
        except ServqualError:
            raise
        except Exception as exc:  # each reader library raises its own error types
            raise DataError(
                f"Could not read {p.name} as {fmt} ({type(exc).__name__}: {exc}); is it "
                f"really a{'n' if fmt == 'excel' else ''} {fmt} file? Pass format= to say "
                "what it is."
            ) from None
        return _Source(p, "other", frame, indexed=index_col is not None)
    p, encoding = check_csv_path(p, encoding, excel_hint=False)
    lay = None
    try:
        rows, delim = _head_rows(p, encoding, sep)
        platform = fmt if fmt in PLATFORMS else (detect(rows) if format is None else None)
        if platform is not None:
            lay = layout(platform, rows, p.name)
            frame = pd.read_csv(
                p,
                encoding=encoding,
                sep=delim,
                header=0,
                skiprows=list(range(1, lay.header_rows)),
                na_values=na_values,
                decimal=decimal,
            )
            frame = _platform_names(frame, lay, p.name)
        else:
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
    return _Source(
        p,
        "text",
        _set_index(frame, index_col, p.name),
        header_rows=lay.header_rows if lay else 1,
        encoding=encoding,
        sep=delim if sep is None else sep,
        layout=lay,
        indexed=index_col is not None,
    )


def _read_binary(
    p: Path, fmt: str, encoding: str, sheet: str | int, index_col: str | int | None, na_values: Any
) -> pd.DataFrame:
    """An SPSS or Parquet file."""
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
    p: Path,
    sheet: str | int,
    index_col: str | int | None,
    na_values: Any,
    platform: str | None = None,
) -> tuple[pd.DataFrame, Layout | None]:
    """One worksheet of an Excel file; a sheet that is not there names those that are.

    ``platform`` is ``"auto"`` to recognise a survey platform's workbook from its
    first rows, a platform name to require one, or None for a plain sheet."""
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
        lay = None
        if platform is not None:
            head = pd.read_excel(book, sheet_name=sheet, header=None, nrows=3, dtype=str)
            rows = head.fillna("").astype(str).to_numpy().tolist()
            found = detect(rows) if platform == "auto" else platform
            if found is not None:
                lay = layout(found, rows, f"{p.name} (sheet {sheet!r})")
        if lay is not None:
            frame = pd.read_excel(
                book,
                sheet_name=sheet,
                header=0,
                skiprows=list(range(1, lay.header_rows)),
                na_values=na_values,
            )
            frame = _platform_names(frame, lay, f"{p.name} (sheet {sheet!r})")
            return _set_index(frame, index_col, f"{p.name} (sheet {sheet!r})"), lay
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
    return _set_index(frame, index_col, f"{p.name} (sheet {sheet!r})"), None


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
    unfinished: Literal["keep", "drop"] = "keep",
    **survey_options: Any,
) -> Survey:
    """Read a survey export and validate it against an instrument.

    Parameters
    ----------
    path : str or Path
        CSV/TSV, Excel (``.xlsx``), SPSS (``.sav``) or Parquet file, or a CSV/TSV
        or Excel export of Qualtrics, SurveyMonkey, LimeSurvey or Google Forms.
    instrument : Instrument or str
        The instrument or a built-in name (``"servqual22"``).
    columns : str, mapping or regex, optional
        Where the ratings are, as in :class:`~servqual.Survey`: a template
        (``"exp_{n}"``), a mapping, or a regex with groups ``(?P<n>...)`` and
        ``(?P<rating>...)`` (a string containing ``(?P<`` is read as a regex). The
        regex must match the whole header unless ``match="prefix"``; rating words
        in any language are named with ``rating_labels={"기대": "E", "인지": "P"}``.
    format : {"csv", "excel", "spss", "parquet", "qualtrics", "surveymonkey", \
"limesurvey", "google_forms"}, optional
        Overrides the extension. Without it an export of one of the survey
        platforms is recognised from its header rows; ``"csv"`` reads any text
        file as a plain one-header table, ``"excel"`` any workbook as a plain sheet.
    encoding : str
        Text encoding of a CSV export (``"cp949"`` for Korean Windows exports).
        When the header decodes but matches nothing and another encoding (UTF-8,
        CP949) reads it as text, the error says so.
    sep, sheet, index_col, na_values, decimal
        Passed to the reader (``decimal=","`` for decimal commas).
    layout : {"wide", "long"}
        ``"long"`` pivots with :func:`long_to_wide` (options in ``long_options``).
    unfinished : {"keep", "drop"}
        Responses the platform marks unfinished (Qualtrics ``Finished`` = 0,
        LimeSurvey without a submission date) are reported in one
        :class:`MissingDataWarning` with their count and ids, and kept (default:
        their answered ratings count, as ``nan_policy`` says) or dropped.
    **survey_options
        Passed to :class:`~servqual.Survey` (segments, importance, weights,
        outcomes, nan_policy, out_of_range, missing_codes, rating_labels, match,
        strict ...).

    Returns
    -------
    Survey
        Always a Survey (in memory). For a platform export, :attr:`Survey.info`
        holds the response metadata (response id, dates, progress ...) and items
        without wording take the export's question text. To stream a CSV of any
        length at flat memory, use :func:`servqual.summarize_csv` (or
        ``SurveySummary.from_csv``), which returns a mergeable
        :class:`~servqual.SurveySummary`.

    Notes
    -----
    Errors about respondents (text that is no number, a rating off the scale, a
    missing rating under ``nan_policy="raise"``) name the row labels and, for a
    file, the line (header rows counted; a spreadsheet's row) and the respondent
    id when the file has an id column.

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
    check_choice(unfinished, "unfinished", ("keep", "drop"))
    src = _read_source(path, format, encoding, sep, sheet, index_col, na_values, decimal)
    frame = src.frame
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
    lay = src.layout if layout == "wide" else None
    if lay is not None:
        frame = _report_unfinished(frame, src, unfinished)
    try:
        survey = Survey(frame, instrument, columns, **survey_options)
    except ServqualError as exc:
        extra = src.where(getattr(exc, "rows", None), src.frame) if layout == "wide" else ""
        if isinstance(exc, MissingColumnError):
            extra += src.encoding_hint()
        if extra:
            exc.args = (f"{exc}{extra}", *exc.args[1:])
        raise
    if lay is not None:
        meta = [c for c in lay.metadata if c in frame.columns]
        texts = _item_texts(survey, lay.texts)
        survey._set_export(frame[meta] if meta else None, texts)
    return survey


def _report_unfinished(frame: pd.DataFrame, src: _Source, unfinished: str) -> pd.DataFrame:
    """One MissingDataWarning for the responses the platform marks unfinished; the
    frame without them when ``unfinished='drop'``."""
    lay = src.layout
    if lay is None or lay.finished is None or lay.finished not in frame.columns:
        return frame
    col = frame[lay.finished]
    if lay.finished_rule == "date":
        done = col.notna() & (col.astype("string").str.strip() != "")
        said = f"no {lay.finished!r} date"
    else:
        text = col.astype("string").str.strip().str.lower()
        done = text.isin(["1", "1.0", "true"])
        said = f"{lay.finished} = 0"
    done = done.fillna(False).to_numpy(dtype=bool)
    if done.all():
        return frame
    ident = src.id_column
    ids = frame.loc[~done, ident].tolist() if ident else list(frame.index[~done])
    who = f"{ident} {fmt_list(ids)}" if ident else f"rows {fmt_list(ids)}"
    n_out = int((~done).sum())
    if unfinished == "drop":
        if done.sum() == 0:
            raise DataError(
                f"unfinished='drop' leaves no respondent: none of the {len(frame)} responses "
                f"in {src.path.name} is finished ({said})."
            )
        what = "they are left out (unfinished='drop')"
    else:
        what = (
            "they are kept, their answered ratings counting as nan_policy says; pass "
            "unfinished='drop' to leave them out"
        )
    warnings.warn(
        f"{n_out} of {len(frame)} responses in {src.path.name} are unfinished ({said}: "
        f"{who}); {what}.",
        MissingDataWarning,
        stacklevel=3,
    )
    return frame.loc[done] if unfinished == "drop" else frame


def _item_texts(survey: Survey, texts: dict[str, str]) -> dict[str, str]:
    """Item code → question text from the export, for items without wording."""
    if not texts:
        return {}
    out = {}
    cols = survey.columns
    for j, item in enumerate(survey.instrument.items):
        if item.text:
            continue
        wording = shared_text([texts.get(cols[r][j], "") for r in survey.instrument.ratings])
        w = wording.strip()
        # question text has words; a column code such as 'E1' or 'Q1_1' is no wording
        if " " in w or (sum(ch.isalpha() for ch in w) >= 3 and not any(ch.isdigit() for ch in w)):
            out[item.code] = wording
    return out
