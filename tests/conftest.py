"""Fixtures shared by the CFA and construct-validity tests (tests/test_cfa.py,
tests/test_validity.py): the data sets exported by tests/reference/make_cfa.R and
the retail-bank example with listwise deletion.

A test module that defines a fixture of the same name (``bank``, ``bank_survey``)
uses its own one instead.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

import servqual as sq

_REF = Path(__file__).parent / "reference"


@pytest.fixture(scope="module")
def hs() -> pd.DataFrame:
    """lavaan::HolzingerSwineford1939 items x1..x9."""
    return pd.read_csv(_REF / "cfa_hs_data.csv")


@pytest.fixture(scope="module")
def bank() -> pd.DataFrame:
    """Complete retail-bank perception items as used by make_cfa.R."""
    return pd.read_csv(_REF / "cfa_bank_data.csv", index_col="respondent")


@pytest.fixture(scope="module")
def bank_survey() -> sq.Survey:
    """The retail_bank example, incomplete respondents dropped listwise."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sq.MissingDataWarning)
        return sq.load_example("retail_bank", nan_policy="listwise")
