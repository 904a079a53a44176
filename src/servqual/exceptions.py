"""Exceptions and warnings raised by servqual.

Every error raised for bad input is a :class:`ServqualError`; the subclasses also
derive from the matching built-in (``KeyError``, ``ValueError``, ...) so that
generic ``except ValueError`` code keeps working.  Messages say what went wrong,
where (column, rows), what was found and how to fix it.

Statistical caveats (negative alpha, Heywood cases, dropped respondents) are
:class:`ServqualWarning` subclasses, raised with ``stacklevel=2``.
"""

from __future__ import annotations

__all__ = [
    "CapabilityError",
    "ConvergenceError",
    "DataError",
    "DuplicateColumnError",
    "HeywoodWarning",
    "ImportanceWeightError",
    "InstrumentError",
    "InsufficientDataError",
    "InvarianceWarning",
    "MissingColumnError",
    "MissingDataWarning",
    "NonNumericError",
    "ReliabilityWarning",
    "ScaleRangeError",
    "ServqualError",
    "ServqualWarning",
]


class ServqualError(Exception):
    """Base class of every error servqual raises on purpose."""


class MissingColumnError(ServqualError, KeyError):
    """A column the instrument or the call needs is not in the data."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


class DuplicateColumnError(ServqualError, ValueError):
    """The same column name appears more than once, or two items map to one column."""


class NonNumericError(ServqualError, ValueError):
    """A rating column holds text that is not a number."""


class ScaleRangeError(ServqualError, ValueError):
    """A rating lies outside the instrument's scale."""


class ImportanceWeightError(ServqualError, ValueError):
    """Importance weights are malformed (negative, or do not sum to 100)."""


class InstrumentError(ServqualError, ValueError):
    """An instrument definition is inconsistent, or does not fit the request."""


class DataError(ServqualError, ValueError):
    """Input data cannot be analysed as given (wrong shape, type or content)."""


class InsufficientDataError(DataError):
    """Too few respondents, items or non-missing values for the statistic."""


class ConvergenceError(ServqualError, RuntimeError):
    """An iterative estimator did not converge."""


class ServqualWarning(UserWarning):
    """Base class of servqual's statistical warnings."""


class MissingDataWarning(ServqualWarning):
    """Respondents were dropped or values treated as missing."""


class ReliabilityWarning(ServqualWarning):
    """A reliability figure is suspicious (negative alpha, reverse-keyed item, collapse)."""


class InvarianceWarning(ServqualWarning):
    """Groups are compared although measurement invariance across them was tested and
    scalar invariance was not established (see :func:`servqual.measurement_invariance`)."""


class HeywoodWarning(ServqualWarning):
    """A factor solution has a communality at or above one (Heywood case)."""


class CapabilityError(DataError):
    """The statistic needs the respondents' rows, and only their moments were given.

    Raised on a :class:`~servqual.SurveySummary` (a streamed CSV, a Dask frame) by
    methods such as rank tests, bootstrap intervals, medians and robust (HC)
    standard errors; the message names the statistic and what to pass instead.
    """
