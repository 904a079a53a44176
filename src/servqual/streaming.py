"""Reading a CSV export of any length in chunks (internal).

:func:`iter_chunks` yields blocks of ``chunksize`` rows labelled by their global
row number in the file, optionally parsed one block ahead in a background thread
(:func:`prefetch`). :func:`servqual.summarize_csv` (in :mod:`servqual.summary`)
validates and summarises each block; memory use depends on ``chunksize``, not on
the length of the file.
"""

from __future__ import annotations

import codecs
import csv
import os
import queue
import re
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._validation import fmt_list
from .exceptions import DataError, DuplicateColumnError, MissingColumnError, MissingDataWarning

__all__ = [
    "as_path",
    "check_csv_path",
    "check_encoding",
    "check_header",
    "check_split_lines",
    "iter_chunks",
    "parser_error",
    "prefetch",
    "segment_dtypes",
]

_EXCEL_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
_BOM = b"\xef\xbb\xbf"


def as_path(path: Any) -> Path:
    """``path`` as a Path, or a DataError for anything that is not a file name."""
    if not isinstance(path, str | os.PathLike):
        raise DataError(
            f"path must be a file name (str or pathlib.Path), got {type(path).__name__}; "
            "to analyse a DataFrame use sq.Survey(df, instrument)."
        )
    return Path(path)


def check_csv_path(path: Any, encoding: str, *, excel_hint: bool = True) -> tuple[Path, str]:
    """(path, encoding) of a CSV that can be read: a DataError for a missing file, a
    directory, an empty file or an Excel workbook; ``"utf-8"`` becomes ``"utf-8-sig"``
    when the file starts with a byte-order mark (Excel's "CSV UTF-8")."""
    p = as_path(path)
    check_encoding(encoding)
    if not p.exists():
        raise DataError(f"File {str(p)!r} does not exist.")
    if p.is_dir():
        raise DataError(f"{str(p)!r} is a directory, not a CSV file; pass the file inside it.")
    try:
        with p.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise DataError(f"Cannot read {p.name}: {exc.strerror}.") from None
    if not head:
        raise DataError(f"{p.name} is empty (0 bytes): there is no header and no respondent.")
    if excel_hint and (
        head.startswith(_EXCEL_MAGIC) or p.suffix.lower() in (".xlsx", ".xlsm", ".xls")
    ):
        raise DataError(
            f"{p.name} is an Excel workbook, not a CSV text file; read it with "
            "sq.read_survey(path, instrument) (in memory), or save it as CSV to stream it."
        )
    if head.startswith(_BOM) and encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
        encoding = "utf-8-sig"
    return p, encoding


def check_encoding(encoding: Any) -> None:
    """A DataError for an encoding name Python does not know."""
    try:
        codecs.lookup(encoding)
    except (LookupError, TypeError):
        raise DataError(
            f"encoding={encoding!r} is not a text encoding Python knows; use e.g. 'utf-8', "
            "'cp949', 'cp1252' or 'latin-1'."
        ) from None


_LINE = re.compile(r"line (\d+)|row (\d+)")


def parser_error(name: str, exc: Exception) -> DataError:
    """A pandas ParserError as a DataError naming the file and its line."""
    text = str(exc).replace("Error tokenizing data. C error: ", "")
    m = _LINE.search(text)
    where = ""
    if m and m.group(2):  # "EOF inside string starting at row 11": a 0-based line number
        where = f" (line {int(m.group(2)) + 1} of the file)"
    hint = ' A quote (") may be left open.' if "inside string" in text else ""
    return DataError(f"Could not read {name} as CSV: {text}{where}.{hint}")


def check_header(p: Path, encoding: str, sep: str | None, columns: Any, decimal: str = ".") -> None:
    """A DuplicateColumnError when pandas renamed a repeated header (``P3`` → ``P3.1``)."""
    names = {str(c) for c in columns}
    renamed = [
        str(c)
        for c in columns
        if re.fullmatch(r".+\.\d+", str(c)) and str(c).rsplit(".", 1)[0] in names
    ]
    if not renamed:
        return
    raw = pd.read_csv(
        p,
        header=None,
        nrows=1,
        dtype=str,
        encoding=encoding,
        sep=sep,
        engine="python" if sep is None else "c",
        decimal=decimal,
    )
    header = [str(v).strip() for v in raw.iloc[0].tolist()]
    dupes = sorted({n for n in header if header.count(n) > 1})
    if dupes:
        raise DuplicateColumnError(
            f"Column name(s) {fmt_list(dupes)} appear more than once in the header of "
            f"{p.name} (pandas would rename the copies {fmt_list(renamed)}); rename them so "
            "each column is unique."
        )


def check_split_lines(chunks: Iterator[pd.DataFrame], name: str) -> Iterator[pd.DataFrame]:
    """Warn when two consecutive lines look like one record split in two.

    A line with fewer fields than the header is padded with NaN by pandas; when
    two consecutive short lines together hold the header's number of fields (or
    one more: a field cut in two), the record was most likely broken by a line
    break. The warning names both lines (1 = the header).
    """
    row = 0
    prev = None  # fields of the last row of the previous chunk
    for chunk in chunks:
        if len(chunk):
            ncol = chunk.shape[1]
            filled = chunk.notna().to_numpy()
            # fields up to the last one that is not empty
            last = np.where(filled.any(axis=1), ncol - np.argmax(filled[:, ::-1], axis=1), 0)
            if prev is not None:
                last = np.concatenate([[prev], last])
            a, b = last[:-1], last[1:]
            split = (
                (a < ncol)
                & (b < ncol)
                & (a > 0)
                & (b > 0)
                & ((a + b == ncol) | (a + b == ncol + 1))
            )
            if split.any():
                first = row - (prev is not None) + np.where(split)[0]
                lines = ", ".join(f"line {i + 2} + {i + 3}" for i in first[:8])
                if len(first) > 8:
                    lines += f" and {len(first) - 8} more pairs"
                warnings.warn(
                    f"{name}: {lines} look like one record split in two "
                    "(each line has fewer fields than the header, together as many): a "
                    "line break inside a record? Fix the file; pandas reads the two "
                    "halves as two respondents padded with missing values.",
                    MissingDataWarning,
                    stacklevel=2,
                )
            prev = int(last[-1])
            row += len(chunk)
        yield chunk


def iter_chunks(
    path: str | Path,
    *,
    chunksize: int = 250_000,
    encoding: str = "utf-8",
    sep: str | None = None,
    index_col: str | int | None = None,
    na_values: Any = None,
    usecols: Any = None,
    dtype: Any = None,
    decimal: str = ".",
) -> Iterator[pd.DataFrame]:
    """Yield the rows of a CSV in DataFrames of ``chunksize`` rows.

    Without ``index_col`` the chunks carry the global 0-based row number of the
    file (after the header) as their index, exactly as ``pandas.read_csv`` of
    the whole file would.
    """
    p, encoding = check_csv_path(path, encoding)
    if not isinstance(chunksize, int) or isinstance(chunksize, bool) or chunksize < 1:
        raise DataError(f"chunksize must be a positive integer number of rows; got {chunksize!r}.")
    try:
        if sep is None:
            sep = _sniff_sep(p, encoding)
        header = list(pd.read_csv(p, nrows=0, encoding=encoding, sep=sep).columns)
        check_header(p, encoding, sep, header, decimal)
        if isinstance(usecols, list | tuple) and all(isinstance(c, str) for c in usecols):
            absent = [c for c in usecols if c not in header]
            if absent:
                raise MissingColumnError(
                    f"usecols names {fmt_list(absent)}, which are not columns of {p.name}; "
                    f"its first columns are {fmt_list(header)}."
                )
        if index_col is not None:
            ok = index_col in header if isinstance(index_col, str) else 0 <= index_col < len(header)
            if not ok:
                raise MissingColumnError(
                    f"index_col={index_col!r} is not a column of {p.name}; its first columns "
                    f"are {fmt_list(header)}."
                )
        reader = pd.read_csv(
            p,
            chunksize=chunksize,
            encoding=encoding,
            sep=sep,
            index_col=index_col,
            na_values=na_values,
            usecols=usecols,
            dtype=dtype,
            decimal=decimal,
        )
        with reader:
            yield from reader
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{p.name} is not valid {encoding!r} text ({exc.reason}); pass the export's "
            "encoding, e.g. encoding='cp949' or 'latin-1'."
        ) from None
    except pd.errors.EmptyDataError:
        raise DataError(f"{p.name} has no header line (no columns to read).") from None
    except pd.errors.ParserError as exc:
        raise parser_error(p.name, exc) from None


def segment_dtypes(segments: Any) -> dict[str, type] | None:
    if isinstance(segments, str):
        return {segments: str}
    if isinstance(segments, list | tuple) and all(isinstance(c, str) for c in segments):
        return dict.fromkeys(segments, str)
    return None


def _sniff_sep(p: Path, encoding: str) -> str:
    """The delimiter of a CSV (comma, semicolon, tab or pipe) from its first 64 KiB."""
    with p.open(encoding=encoding, newline="") as fh:
        head = fh.read(65536)
    lines = head.splitlines()
    if len(lines) > 1 and len(head) == 65536:
        head = "\n".join(lines[:-1])  # drop a line cut in the middle
    try:
        return csv.Sniffer().sniff(head, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


_DONE = object()


def prefetch(chunks: Iterator[pd.DataFrame], depth: int = 1) -> Iterator[pd.DataFrame]:
    """Read the next chunk in a background thread while the current one is summarised.

    The C parser of pandas and the BLAS products release the GIL, so parsing and
    computing overlap; at most ``depth + 2`` chunks are alive at once.
    """
    q: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for chunk in chunks:
                if not put(chunk):
                    return
        except BaseException as exc:  # handed to the consumer and re-raised there
            put(exc)
            return
        put(_DONE)

    thread = threading.Thread(target=work, name="servqual-csv-reader", daemon=True)
    thread.start()
    try:
        while True:
            item = q.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
            del item
    finally:
        stop.set()
        thread.join(timeout=5)
