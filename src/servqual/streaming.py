"""Reading a CSV export of any length in chunks (internal).

:func:`iter_chunks` yields blocks of ``chunksize`` rows labelled by their global
row number in the file, optionally parsed one block ahead in a background thread
(:func:`prefetch`). :func:`servqual.summarize_csv` (in :mod:`servqual.summary`)
validates and summarises each block; memory use depends on ``chunksize``, not on
the length of the file.
"""

from __future__ import annotations

import csv
import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from ._validation import fmt_list
from .exceptions import DataError, MissingColumnError

__all__ = ["iter_chunks", "prefetch", "segment_dtypes"]


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
) -> Iterator[pd.DataFrame]:
    """Yield the rows of a CSV in DataFrames of ``chunksize`` rows.

    Without ``index_col`` the chunks carry the global 0-based row number of the
    file (after the header) as their index, exactly as ``pandas.read_csv`` of
    the whole file would.
    """
    p = Path(path)
    if not p.exists():
        raise DataError(f"File {str(p)!r} does not exist.")
    if not isinstance(chunksize, int) or isinstance(chunksize, bool) or chunksize < 1:
        raise DataError(f"chunksize must be a positive integer number of rows; got {chunksize!r}.")
    try:
        if sep is None:
            sep = _sniff_sep(p, encoding)
        if index_col is not None:
            header = list(pd.read_csv(p, nrows=0, encoding=encoding, sep=sep).columns)
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
        )
        with reader:
            yield from reader
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{p.name} is not valid {encoding!r} text ({exc.reason}); pass the export's "
            "encoding, e.g. encoding='cp949' or 'latin-1'."
        ) from None


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
