"""The shared result convention: display of p-values, immutability, plot delegation."""

import numpy as np
import pandas as pd
import pytest

import servqual as sq
from servqual._results import TableResult, format_p, p_text, result_class


@result_class
class _Demo(TableResult):
    level: str


def test_p_values_keep_significant_digits_in_reprs():
    t = pd.DataFrame({"t": [10.123456], "p_unc": [1.07e-06], "p_adj": [0.04567], "pvalue": [0.0]})
    text = repr(_Demo(_table=t, level="item"))
    assert "1.07e-06" in text and "0.0457" in text and "<1e-300" in text
    assert "10.123" in text  # other numbers are rounded to 3 decimals
    assert p_text(0.0) == "p<1e-300" and p_text(0.01234) == "p=0.0123"
    assert format_p(np.nan) == "NaN"


def test_result_table_is_not_changed_by_display():
    t = pd.DataFrame({"p_unc": [1.07e-06]})
    res = _Demo(_table=t, level="item")
    repr(res)
    assert res.to_frame()["p_unc"].dtype == float
    with pytest.raises(AttributeError):
        res.level = "x"


def test_result_without_chart_says_so():
    with pytest.raises(sq.ServqualError, match="no chart"):
        _Demo(_table=pd.DataFrame({"a": [1]}), level="x").plot()
