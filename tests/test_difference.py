"""servqual._difference (sq.difference_reliability): the API convention.

The figures themselves are checked against R in tests/test_reliability.py.
"""

from __future__ import annotations

import warnings

import pytest

import servqual as sq


@pytest.fixture(scope="module")
def zot():
    return sq.load_example("zone_of_tolerance")


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sq.ReliabilityWarning)
        return fn(*args, **kwargs)


def test_level_is_keyword_only(zot):
    with pytest.raises(TypeError):
        sq.difference_reliability(zot, "overall")
    res = _quiet(sq.difference_reliability, zot, level="overall")
    assert res.level == "overall"


def test_options_checked_by_the_vocabulary(zot):
    with pytest.raises(sq.DataError, match=r"level='item' is not allowed"):
        sq.difference_reliability(zot, level="item")
    with pytest.raises(sq.DataError, match=r"nan_policy='drop' is not allowed"):
        sq.difference_reliability(zot, nan_policy="drop")
    with pytest.raises(sq.DataError, match="reference must be a reference name"):
        sq.difference_reliability(zot, reference=1)
    # the old name of "pairwise" still works, with a FutureWarning
    with pytest.warns(FutureWarning, match="pairwise"):
        old = _quiet(sq.difference_reliability, zot, nan_policy="available")
    new = _quiet(sq.difference_reliability, zot, nan_policy="pairwise")
    assert old.nan_policy == "pairwise"
    assert old.to_frame().equals(new.to_frame())


def test_reference_names_equal_letters(zot):
    by_name = _quiet(sq.difference_reliability, zot, reference="desired")
    by_letter = _quiet(sq.difference_reliability, zot, reference="D")
    assert by_name.reference == by_letter.reference == "D"
    assert by_name.to_frame().equals(by_letter.to_frame())
