"""Survey validation: every bad input gets a servqual error naming column, rows and values."""

import re

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import servqual as sq


@pytest.fixture
def frame():
    return sq.datasets.load_frame("retail_bank")


def test_default_columns_and_summary(frame):
    s = sq.Survey(frame, "servqual22")
    assert s.n_respondents == 212 and len(s) == 212
    assert s.columns["E"][:3] == ["E1", "E2", "E3"]
    assert repr(s) == (
        "Survey 'SERVQUAL-22' · 5 dimensions · 22 items · 7-point · 212 respondents (4 incomplete)"
    )
    assert s.ratings("P").shape == (212, 22)
    assert s.responses.shape == (212, 44)
    assert_allclose(
        s.ratings("perception").to_numpy(), frame[[f"P{n}" for n in range(1, 23)]].to_numpy()
    )


def test_template_mapping_and_regex_find_the_same_ratings(frame):
    base = sq.Survey(frame, "servqual22").responses
    renamed = frame.rename(
        columns=lambda c: re.sub(
            r"^([EP])(\d+)$", lambda m: f"{'exp' if m[1] == 'E' else 'perc'}_q{m[2]}", c
        )
    )
    by_map = sq.Survey(renamed, "servqual22", columns={"E": "exp_q{n}", "P": "perc_q{n}"}).responses
    pd.testing.assert_frame_equal(base, by_map)
    by_regex = sq.Survey(
        renamed, "servqual22", columns=re.compile(r"(?P<rating>exp|perc)_q(?P<n>\d+)")
    ).responses
    pd.testing.assert_frame_equal(base, by_regex)
    odd = frame.rename(columns={"E1": "expect_first"})
    by_rename = sq.Survey(odd, "servqual22", columns={"E1": "expect_first"}).responses
    pd.testing.assert_frame_equal(base, by_rename)
    tmpl = frame.rename(columns=lambda c: re.sub(r"^([EP])(\d+)$", r"q\2_\1", c))
    by_template = sq.Survey(tmpl, "servqual22", columns="q{n}_{rating}").responses
    pd.testing.assert_frame_equal(base, by_template)


def test_missing_columns_are_listed_with_suggestions(frame):
    bad = frame.drop(columns=["E7", "P7"])
    with pytest.raises(sq.MissingColumnError) as err:
        sq.Survey(bad, "servqual22")
    msg = str(err.value)
    assert "E7" in msg and "P7" in msg and "2 column(s)" in msg
    assert isinstance(err.value, KeyError)  # generic handlers keep working


def test_non_numeric_text_names_column_rows_and_values(frame):
    bad = frame.copy()
    bad["E3"] = bad["E3"].astype(object)
    bad.loc[[5, 17], "E3"] = ["six", "n/a"]
    with pytest.raises(sq.NonNumericError) as err:
        sq.Survey(bad, "servqual22")
    msg = str(err.value)
    assert "'E3'" in msg and "rows 5, 17" in msg and "'six'" in msg and "'n/a'" in msg


def test_numeric_strings_and_blanks_are_accepted(frame):
    text = frame.copy()
    text["E3"] = text["E3"].map(lambda v: "" if pd.isna(v) else f" {int(v)} ")
    a = sq.Survey(text, "servqual22").ratings("E")["TAN3"]
    b = sq.Survey(frame, "servqual22").ratings("E")["TAN3"]
    pd.testing.assert_series_equal(a, b)


def test_out_of_range_values_raise_or_become_missing(frame):
    bad = frame.copy()
    bad.loc[[14, 88, 102], "E7"] = [0, 9, 99]
    with pytest.raises(sq.ScaleRangeError) as err:
        sq.Survey(bad, "servqual22")
    msg = str(err.value)
    assert (
        "Column 'E7' has 3 value(s) outside the 1–7 scale: rows 14, 88, 102 (values 0, 9, 99)"
        in msg
    )
    assert isinstance(err.value, ValueError)
    with pytest.warns(sq.MissingDataWarning, match="3 out-of-range"):
        s = sq.Survey(bad, "servqual22", out_of_range="nan")
    assert s.recoded["row"].tolist() == [14, 88, 102]
    assert np.isnan(s.ratings("E").loc[[14, 88, 102], "REL3"]).all()


def test_missing_codes_become_missing(frame):
    coded = frame.copy()
    coded.loc[3, "P1"] = 99
    s = sq.Survey(coded, "servqual22", missing_codes=[99])
    assert np.isnan(s.ratings("P").loc[3, "TAN1"])


def test_duplicate_columns_are_rejected(frame):
    dup = pd.concat([frame, frame[["E1"]]], axis=1)
    with pytest.raises(sq.DuplicateColumnError, match="'E1'"):
        sq.Survey(dup, "servqual22")
    with pytest.raises(sq.DuplicateColumnError, match="'E1'"):
        sq.Survey(frame, "servqual22", columns={"E2": "E1"})


def test_instrument_data_mismatch(frame):
    with pytest.raises(sq.MissingColumnError, match="A1"):
        sq.Survey(frame, "servqual_zot")
    with pytest.raises(sq.InstrumentError, match="no \\{rating\\} field"):
        sq.Survey(frame, "servqual22", columns="q{n}")


def test_importance_points_must_sum_to_100(frame):
    bad = frame.copy()
    bad.loc[[2, 9], "imp_tangibles"] += 5
    with pytest.raises(sq.ImportanceWeightError) as err:
        sq.Survey(bad, "servqual22", importance="imp_{dimension}")
    assert "rows 2, 9 sum to 105, 105" in str(err.value)
    s = sq.Survey(bad, "servqual22", importance="imp_{dimension}", importance_sum="rescale")
    assert_allclose(s.importance.sum(axis=1), 100.0)
    neg = frame.copy()
    neg.loc[4, "imp_empathy"] = -1
    with pytest.raises(sq.ImportanceWeightError, match="negative points at rows 4"):
        sq.Survey(neg, "servqual22", importance="imp_{dimension}")


def test_reverse_keyed_items_are_recoded():
    inst = sq.Instrument.from_dict(
        {
            "name": "r",
            "ratings": ["P"],
            "perspective": "performance",
            "dimensions": [
                {"name": "d", "items": [{"text": "good"}, {"text": "bad", "reverse": True}]}
            ],
        }
    )
    s = sq.Survey(pd.DataFrame({"P1": [1, 7], "P2": [1, 7]}), inst)
    assert s.ratings("P")["2"].tolist() == [7.0, 1.0]


def test_nan_policy_raise_and_listwise(frame):
    with pytest.raises(sq.DataError, match="missing ratings at rows"):
        sq.Survey(frame, "servqual22", nan_policy="raise")
    with pytest.warns(sq.MissingDataWarning):
        s = sq.Survey(frame, "servqual22", nan_policy="listwise", segments="branch")
    assert s.n_respondents == 208 and s.n_incomplete == 0
    assert len(s.segment("branch")) == 208


def test_caller_frame_never_changes(frame):
    before = frame.copy(deep=True)
    sq.Survey(
        frame,
        "servqual22",
        segments=["branch"],
        importance="imp_{dimension}",
        outcomes=["overall"],
        weights=np.ones(len(frame)),
        missing_codes=[6],
    )
    pd.testing.assert_frame_equal(frame, before)


def test_weights_and_outcomes_validation(frame):
    with pytest.raises(sq.DataError, match="positive"):
        sq.Survey(frame, "servqual22", weights=np.zeros(len(frame)))
    with pytest.raises(sq.MissingColumnError, match="satisfaction"):
        sq.Survey(frame, "servqual22", outcomes=["satisfaction"])
    s = sq.Survey(frame, "servqual22", outcomes={"quality": "overall"})
    assert s.outcome("quality").name == "quality"


def test_non_frame_input_is_rejected():
    with pytest.raises(sq.DataError, match="DataFrame"):
        sq.Survey("data.csv", "servqual22")
    with pytest.raises(sq.DataError, match="no rows"):
        sq.Survey(pd.DataFrame(columns=["E1"]), "servqual22")


def test_describe_table(frame):
    d = sq.Survey(frame, "servqual22").describe()
    assert d.loc[("perception", "TAN1"), "n"] == frame["P1"].notna().sum()
    assert_allclose(d.loc[("expectation", "EMP5"), "mean"], frame["E22"].mean())


def test_regex_mapping_reads_messy_export_words():
    frame = sq.datasets.load_frame("retail_bank")
    names = {}
    for n in range(1, 23):
        names[f"E{n}"] = f"Q{n:02d} - Expected "
        names[f"P{n}"] = f"q{n:02d} - Perceived"
    messy = frame.rename(columns=names)
    messy["Q23 - Expected "] = 1  # a question the instrument does not have
    messy["Q01 - comments"] = "fine"  # free text the pattern also matches
    before = messy.copy()
    pattern = re.compile(r"q(?P<n>\d+) - (?P<rating>\w+)\s*", re.IGNORECASE)
    s = sq.Survey(messy, "servqual22", columns=pattern)
    pd.testing.assert_frame_equal(messy, before)
    assert s.columns["E"][0] == "Q01 - Expected " and s.columns["P"][21] == "q22 - Perceived"
    pd.testing.assert_frame_equal(s.responses, sq.Survey(frame, "servqual22").responses)
    # item codes in any case
    coded = frame.rename(
        columns={
            f"{r}{i.number}": f"{i.code.lower()}_{r.lower()}"
            for r in "EP"
            for i in s.instrument.items
        }
    )
    s2 = sq.Survey(coded, "servqual22", columns=re.compile(r"(?P<code>\w+?)_(?P<rating>[ep])"))
    pd.testing.assert_frame_equal(s2.responses, s.responses)


def test_regex_mapping_names_unrecognised_rating_words():
    frame = sq.datasets.load_frame("retail_bank")
    hoped = frame.rename(columns={f"E{n}": f"hoped_{n}" for n in range(1, 23)})
    with pytest.raises(sq.MissingColumnError, match=r"matched 'hoped'.*'hoped_1'"):
        sq.Survey(hoped, "servqual22", columns=re.compile(r"(?P<rating>[a-z]+)_(?P<n>\d+)"))
    ideal = frame.rename(columns={f"E{n}": f"ideal_{n}" for n in range(1, 23)})
    ideal = ideal.rename(columns={f"P{n}": f"perc_{n}" for n in range(1, 23)})
    with pytest.raises(sq.MissingColumnError, match=r"rating\(s\) 'D' were found but"):
        sq.Survey(ideal, "servqual22", columns=re.compile(r"(?P<rating>[a-z]+)_(?P<n>\d+)"))


def test_repr_counts_in_the_singular():
    inst = sq.instruments.Instrument.from_dict(
        {"name": "One", "dimensions": [{"name": "speed", "items": ["Fast"]}]}
    )
    s = sq.Survey(pd.DataFrame({"E1": [6], "P1": [5]}), inst)
    assert repr(s) == "Survey 'One' · 1 dimension · 1 item · 7-point · 1 respondent (0 incomplete)"


def test_all_empty_importance_is_rejected():
    frame = sq.datasets.load_frame("retail_bank")
    frame[[c for c in frame.columns if c.startswith("imp_")]] = np.nan
    with pytest.raises(sq.ImportanceWeightError, match="Every importance row is empty"):
        sq.Survey(frame, "servqual22", importance="imp_{dimension}")


@pytest.mark.parametrize("name", list(sq.datasets.EXAMPLES))
def test_example_provenance_regenerates_the_bundled_csv(name):
    meta = sq.datasets.EXAMPLES[name]
    call = meta["provenance"].split(", then")[0]  # retail_bank: 4 cells blanked afterwards
    made = eval(call, {"servqual": sq})
    bundled = sq.datasets.load_frame(name)
    assert list(made.columns) == list(bundled.columns)
    num = bundled.select_dtypes("number").columns
    ok = bundled[num].notna().to_numpy()
    assert_allclose(made[num].to_numpy()[ok], bundled[num].to_numpy()[ok])
    blanked = int((~ok).sum()) - int(made[num].isna().to_numpy().sum())
    assert blanked == (4 if name == "retail_bank" else 0)


def test_series_and_frames_in_another_row_order_are_matched_by_label(frame):
    before = frame.copy()
    imp_cols = [c for c in frame.columns if c.startswith("imp_")]
    seg = frame["branch"].sample(frac=1, random_state=1)
    imp = frame[imp_cols].rename(columns=lambda c: c[4:]).sample(frac=1, random_state=2)
    w = pd.Series(1 + (frame.index.to_numpy() % 3), index=frame.index).sample(
        frac=1, random_state=3
    )
    shuffled = sq.Survey(frame, "servqual22", segments=seg, importance=imp, weights=w)
    by_name = sq.Survey(
        frame,
        "servqual22",
        segments="branch",
        importance="imp_{dimension}",
        weights=1 + (frame.index.to_numpy() % 3),
    )
    pd.testing.assert_frame_equal(shuffled.segments, by_name.segments)
    pd.testing.assert_frame_equal(shuffled.importance, by_name.importance)
    np.testing.assert_array_equal(shuffled.weights, by_name.weights)
    pd.testing.assert_frame_equal(frame, before)
    a = sq.gap_scores(shuffled, level="overall", by="branch", weighted=True).to_frame()
    b = sq.gap_scores(by_name, level="overall", by="branch", weighted=True).to_frame()
    pd.testing.assert_frame_equal(a, b)
    with pytest.raises(sq.DataError, match="weights must be a column name or numbers"):
        sq.Survey(frame, "servqual22", weights=["heavy"] * len(frame))


def test_column_mapping_keys_are_checked(frame):
    renamed = frame.rename(
        columns={
            f"{r}{n}": f"{'exp' if r == 'E' else 'perc'}_{n}" for r in "EP" for n in range(1, 23)
        }
    )
    lower = sq.Survey(renamed, "servqual22", columns={"e": "exp_{n}", "p": "perc_{n}"})
    pd.testing.assert_frame_equal(lower.responses, sq.Survey(frame, "servqual22").responses)
    with pytest.raises(sq.InstrumentError, match=r"rating\(s\) 'D' but 'SERVQUAL-22' is answered"):
        sq.Survey(renamed, "servqual22", columns={"E": "exp_{n}", "P": "perc_{n}", "D": "d_{n}"})
    with pytest.raises(sq.InstrumentError, match=r"maps 'Perc', which are neither"):
        sq.Survey(renamed, "servqual22", columns={"E": "exp_{n}", "Perc": "perc_{n}"})
    with pytest.raises(sq.InstrumentError, match="mixes rating letters"):
        sq.Survey(renamed, "servqual22", columns={"E": "exp_{n}", "P1": "perc_1"})


def test_missing_extra_columns_do_not_point_at_columns_option(frame):
    with pytest.raises(sq.MissingColumnError, match="survey weights") as err:
        sq.Survey(frame, "servqual22", weights="wt")
    assert "columns=" not in str(err.value)
    with pytest.raises(sq.MissingColumnError, match="Pass columns="):
        sq.Survey(frame.drop(columns="E3"), "servqual22")


def test_score_letters_in_either_case(frame):
    s = sq.Survey(frame, "servqual22")
    pd.testing.assert_frame_equal(s.item_scores("p"), s.item_scores("perception"))
    pd.testing.assert_frame_equal(s.item_scores("e"), s.ratings("E"))
    pd.testing.assert_frame_equal(
        sq.respondent_scores(s, score="e"), sq.respondent_scores(s, score="expectation")
    )


def test_bad_missing_codes_and_segments_are_named(frame):
    with pytest.raises(sq.DataError, match=r"missing_codes must be numbers.*\['x'\]"):
        sq.Survey(frame, "servqual22", missing_codes=["x"])
    with pytest.raises(sq.DataError, match=r"segments must be a column name.*got int"):
        sq.Survey(frame, "servqual22", segments=5)
    s = sq.Survey(frame, "servqual22", segments=pd.Index(["branch"]), missing_codes=99)
    assert s.segments.columns.tolist() == ["branch"]
    with pytest.raises(sq.DataError, match="gaps must map each quality dimension to a number"):
        sq.datasets.simulate(gaps={"tangibles": "x"})


def test_regex_given_as_a_string_with_rating_words_in_any_language(frame):
    base = sq.Survey(frame, "servqual22").responses
    words = {"E": "기대", "P": "인지"}
    renamed = frame.rename(
        columns=lambda c: re.sub(r"^([EP])(\d+)$", lambda m: f"{m[2]}. ({words[m[1]]})", c)
    )
    pattern = r"(?P<n>\d+)\. \((?P<rating>\w+)\)"
    s = sq.Survey(renamed, "servqual22", pattern, rating_labels={"기대": "E", "인지": "perception"})
    pd.testing.assert_frame_equal(base, s.responses)
    compiled = sq.Survey(
        renamed, "servqual22", re.compile(pattern), rating_labels={"기대": "E", "인지": "P"}
    )
    pd.testing.assert_frame_equal(base, compiled.responses)
    assert s.unused_columns == [] and s.info is None
    # "23. (기대)" is matched, but SERVQUAL-22 has no item 23: ignored and listed
    extra = renamed.assign(**{"23. (기대)": 4, "5. (중요도)": 3})
    s2 = sq.Survey(extra, "servqual22", pattern, rating_labels={"기대": "E", "인지": "P"})
    assert s2.unused_columns == ["23. (기대)", "5. (중요도)"]
    pd.testing.assert_frame_equal(base, s2.responses)
    # prefix matching: the same pattern without its tail
    s3 = sq.Survey(
        renamed, "servqual22", r"(?P<n>\d+)\. \((?P<rating>\w\w)", match="prefix",
        rating_labels={"기대": "E", "인지": "P"},
    )  # fmt: skip
    pd.testing.assert_frame_equal(base, s3.responses)


def test_regex_group_errors_name_the_pattern(frame):
    with pytest.raises(sq.InstrumentError) as err:
        sq.Survey(frame, "servqual22", r"(?P<n>\d+)")
    assert str(err.value) == (
        "The column regex '(?P<n>\\\\d+)' needs a named group (?P<rating>...) because "
        "'SERVQUAL-22' has ratings ['E', 'P']."
    )
    with pytest.raises(sq.InstrumentError, match=r"needs a named group \(\?P<n>\.\.\.\)"):
        sq.Survey(frame, "servqual22", r"(?P<rating>[EP])\d+")
