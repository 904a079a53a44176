"""The shared result convention: display of p-values, immutability, plot delegation."""

import inspect
import warnings
from dataclasses import FrozenInstanceError

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


def test_reprs_round_numbers_only_and_leave_dates_alone():
    t = pd.DataFrame(
        {
            "period": pd.to_datetime(["2024-01-01", "2024-02-01"]),
            "rate": [0.123456, 2.0],
            "p_value": [3.2e-12, 0.5],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # pandas warns when asked to round datetimes
        text = repr(_Demo(_table=t, level="period"))
    assert "2024-02-01" in text and "0.123" in text and "3.20e-12" in text


def test_operations_results_show_p_values_in_significant_digits():
    res = sq.operations.poisson_test(120, 1000.0, 40, 1000.0)  # p far below 0.001
    table = res.to_frame()
    pcol = next(c for c in table.columns if c.startswith("p"))
    assert table[pcol].iloc[0] < 1e-3
    assert res._display_table()[pcol].iloc[0] == format_p(table[pcol].iloc[0])


def _load_all():
    for name in sq.__all__:  # the statistics load on first use of their names
        getattr(sq, name)


def _result_classes(cls=TableResult):
    for sub in cls.__subclasses__():
        yield sub
        yield from _result_classes(sub)


def test_every_result_has_a_public_read_only_header():
    _load_all()
    classes = {c for c in _result_classes() if c.__module__.startswith("servqual.")}
    assert len(classes) > 30
    for cls in classes:
        assert isinstance(inspect.getattr_static(cls, "header"), property), cls.__name__
        assert not hasattr(cls, "_header"), cls.__name__
    res = _Demo(_table=pd.DataFrame({"a": [1]}), level="x")
    assert res.header == "_Demo" and repr(res).splitlines()[0] == res.header
    with pytest.raises(FrozenInstanceError):
        res.header = "x"
    with pytest.raises(FrozenInstanceError):
        del res.level
    alpha = sq.cronbach_alpha(sq.load_example("retail_bank"))
    assert isinstance(alpha.header, str) and repr(alpha).startswith(alpha.header)


def test_results_draw_with_the_chart_plotting_registered_under_their_name():
    from servqual import _results, plotting

    _load_all()
    for name in plotting.__all__:
        assert _results._CHARTS[name] is getattr(plotting, name)
    named = {c._plot_function for c in _result_classes() if c._plot_function}
    assert named <= set(_results._CHARTS)


def test_results_module_does_not_import_plotting():
    import ast
    from pathlib import Path

    source = Path(sq.__file__).with_name("_results.py").read_text(encoding="utf-8")
    assert "plotting" not in {
        part
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom | ast.Import)
        for part in (getattr(node, "module", None) or "", *(a.name for a in node.names))
    }
    assert "import_module" not in source


def test_to_frame_names_items_and_dimensions_by_label_or_wording():
    survey = sq.load_example("retail_bank")
    inst = survey.instrument
    dims = sq.gap_scores(survey, level="dimension")
    assert list(dims.to_frame().index) == [d.name for d in inst.dimensions]
    assert list(dims.to_frame(labels="label").index) == [d.label for d in inst.dimensions]
    items = sq.gap_scores(survey, level="item", by="branch").to_frame(labels="text")
    first = inst.dimensions[0].items[0]
    assert items.index.names == ["branch", "item"]
    assert items.index[0] == ("centre", first.text)  # segment level kept, wording unwrapped
    np.testing.assert_array_equal(
        items["gap"].to_numpy(), sq.gap_scores(survey, level="item", by="branch").gap.to_numpy()
    )
    overall = sq.gap_scores(survey, level="overall").to_frame(labels="label")
    assert list(overall.index) == ["overall"]  # not an item or a dimension: unchanged
    # a result that does not name its instrument needs instrument=
    alpha = sq.cronbach_alpha(survey)
    with pytest.raises(sq.DataError, match="instrument="):
        alpha.to_frame(labels="label")
    assert alpha.to_frame(labels="label", instrument=survey).index[0] == inst.dimensions[0].label
    with pytest.raises(sq.DataError, match="labels='x'"):
        dims.to_frame(labels="x")
