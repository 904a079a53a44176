"""Streaming a survey export of any length into a mergeable summary.

:func:`summarize_csv` reads a CSV in chunks of ``chunksize`` rows, validates each
chunk with :class:`~servqual.Survey` (so error messages are the same as for an
in-memory read, and name rows by their global row number in the file), and
merges the chunk summaries with the pairwise update of Chan, Golub & LeVeque.
Memory use depends on ``chunksize``, not on the length of the file.
"""

from __future__ import annotations

import csv
import queue
import threading
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from ._validation import fmt_list
from .exceptions import DataError, MissingColumnError, MissingDataWarning
from .instruments import Instrument, _as_instrument
from .summary import SurveySummary, warn_dropped

__all__ = ["iter_chunks", "summarize_chunks", "summarize_csv"]


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


def _segment_dtypes(segments: Any) -> dict[str, type] | None:
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


def _prefetch(chunks: Iterator[pd.DataFrame], depth: int = 1) -> Iterator[pd.DataFrame]:
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


def summarize_chunks(
    chunks: Iterable[pd.DataFrame],
    instrument: Instrument | str,
    columns: Any = None,
    segments: Any = None,
    **survey_options: Any,
) -> SurveySummary:
    """Summarise an iterable of DataFrames (blocks of respondents) into one summary.

    Each block is validated by :class:`~servqual.Survey` with the given options;
    errors name the block's index labels, so give the blocks global row labels.
    """
    inst = _as_instrument(instrument)
    total: SurveySummary | None = None
    with warnings.catch_warnings():
        # one listwise warning for the whole file instead of one per chunk
        warnings.filterwarnings("ignore", "nan_policy='listwise' dropped", MissingDataWarning)
        # importance points never enter a summary (weighted=True needs the data)
        warnings.filterwarnings("ignore", r".*gave no importance points", MissingDataWarning)
        for chunk in chunks:
            if len(chunk) == 0:
                continue
            part = SurveySummary.from_frame(chunk, inst, columns, segments, **survey_options)
            del chunk  # release the rows before the next chunk is read
            total = part if total is None else total.merge(part)
    if total is None:
        raise DataError("The data has no rows (respondents).")
    return total


def summarize_csv(
    path: str | Path,
    instrument: Instrument | str,
    columns: Any = None,
    segments: Any = None,
    *,
    chunksize: int = 250_000,
    encoding: str = "utf-8",
    sep: str | None = None,
    index_col: str | int | None = None,
    na_values: Any = None,
    usecols: Any = None,
    prefetch: bool = True,
    **survey_options: Any,
) -> SurveySummary:
    """Read a CSV of any length in chunks into a :class:`~servqual.SurveySummary`.

    Parameters
    ----------
    path : str or Path
        A CSV export, one row per respondent.
    instrument : Instrument or str
        The instrument or a built-in name (``"servqual22"``).
    columns : str, mapping or regex, optional
        Where the ratings are, as in :class:`~servqual.Survey`.
    segments : str or list of str, optional
        Segment columns (store, month ...) to split the moments by. Their labels
        are read as text (``"1"``, not ``1``) so that every chunk agrees.
    chunksize : int
        Rows per chunk; memory use is proportional to it, not to the file length.
    encoding, sep, index_col, na_values, usecols
        Passed to :func:`pandas.read_csv`; ``sep=None`` detects comma, semicolon,
        tab or pipe from the start of the file. Without ``index_col``, error messages
        name rows by their 0-based row number in the file (as ``pandas.read_csv``
        of the whole file would label them).
    prefetch : bool
        Parse the next chunk in a background thread while the current one is
        summarised (one more chunk in memory).
    **survey_options
        Passed to :class:`~servqual.Survey` for each chunk (``out_of_range``,
        ``missing_codes``, ``nan_policy`` ...). Survey weights are not supported.

    Returns
    -------
    SurveySummary
        Listwise: rows with any missing rating are counted in ``n_dropped`` (one
        :class:`MissingDataWarning` for the whole file).

    Raises
    ------
    DataError
        The file does not exist, is empty, or is not valid text in ``encoding``.
    MissingColumnError, NonNumericError, ScaleRangeError
        As :class:`~servqual.Survey`, naming the column and the global rows.

    See Also
    --------
    servqual.SurveySummary : the statistics computed from the summary.

    Notes
    -----
    Chunk summaries are merged with the pairwise update of Chan, Golub & LeVeque
    (1979), so the result equals the summary of the whole file (and the
    statistics equal the in-memory path with ``nan_policy="listwise"``) up to
    floating-point rounding.

    Examples
    --------
    >>> import os, tempfile
    >>> import servqual as sq
    >>> path = os.path.join(tempfile.mkdtemp(), "panel.csv")
    >>> sq.datasets.simulate(1000, seed=2).to_csv(path, index=False)
    >>> s = sq.summarize_csv(path, "servqual22", chunksize=300)
    >>> s.n
    1000
    >>> s.gap_scores(level="overall").to_frame()["gap"].round(2).item() < 0
    True
    """
    inst = _as_instrument(instrument)
    chunks = iter_chunks(
        path,
        chunksize=chunksize,
        encoding=encoding,
        sep=sep,
        index_col=index_col,
        na_values=na_values,
        usecols=usecols,
        # segment labels as text in every chunk: type inference per chunk would
        # otherwise split one segment into 1 and '1' when a later chunk has text
        dtype=_segment_dtypes(segments),
    )
    if prefetch:
        chunks = _prefetch(chunks)
    summary = summarize_chunks(chunks, inst, columns, segments, **survey_options)
    warn_dropped(summary, stacklevel=2)
    return summary
