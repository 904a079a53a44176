"""Reading exports: CSV encodings, Excel, long format; errors name the file problem."""

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import servqual as sq
from servqual.io import long_to_wide


@pytest.fixture
def frame():
    return sq.datasets.load_frame("retail_bank")


def test_csv_in_cp949_with_korean_segment_labels(frame, tmp_path):
    df = frame.copy()
    df["branch"] = df["branch"].map({"north": "북부", "centre": "중앙", "south": "남부"})
    path = tmp_path / "export.csv"
    df.to_csv(path, encoding="cp949")
    s = sq.read_survey(
        path, "servqual22", encoding="cp949", index_col="respondent", segments="branch"
    )
    assert set(s.segment("branch").cat.categories) == {"북부", "중앙", "남부"}
    pd.testing.assert_frame_equal(s.responses, sq.Survey(frame, "servqual22").responses)
    with pytest.raises(sq.DataError, match="encoding"):
        sq.read_survey(path, "servqual22", encoding="utf-8")


def test_semicolon_csv_is_sniffed(frame, tmp_path):
    path = tmp_path / "export.csv"
    frame.to_csv(path, sep=";")
    s = sq.read_survey(path, "servqual22", index_col="respondent")
    assert s.n_respondents == 212


def test_excel(frame, tmp_path):
    pytest.importorskip("openpyxl")
    path = tmp_path / "export.xlsx"
    frame.to_excel(path)
    s = sq.read_survey(path, "servqual22", index_col="respondent")
    pd.testing.assert_frame_equal(s.responses, sq.Survey(frame, "servqual22").responses)


def test_long_format_round_trip(frame, tmp_path):
    wide = frame[[f"{r}{n}" for r in "EP" for n in range(1, 23)]]
    long = wide.reset_index().melt(id_vars="respondent", var_name="col", value_name="value")
    long["rating"] = long["col"].str[0]
    long["item"] = long["col"].str[1:].astype(int)
    long = long.drop(columns="col").dropna(subset=["value"])
    path = tmp_path / "long.csv"
    long.to_csv(path, index=False)
    s = sq.read_survey(path, "servqual22", layout="long")
    a = s.responses.sort_index()
    b = sq.Survey(wide, "servqual22").responses
    np.testing.assert_allclose(a.to_numpy(), b.to_numpy())


def test_long_format_duplicates_are_named():
    long = pd.DataFrame(
        {"respondent": [1, 1, 1], "item": [1, 1, 2], "rating": ["E", "E", "E"], "value": [5, 6, 7]}
    )
    with pytest.raises(sq.DuplicateColumnError, match="rows 0, 1"):
        long_to_wide(long)


def test_missing_file_and_unknown_format(tmp_path):
    with pytest.raises(sq.DataError, match="does not exist"):
        sq.read_survey(tmp_path / "nope.csv", "servqual22")
    other = tmp_path / "data.json"
    other.write_text("{}")
    with pytest.raises(sq.DataError, match="Cannot tell the format"):
        sq.read_survey(other, "servqual22")


def test_spss_sav(frame, tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    path = tmp_path / "export.sav"
    pyreadstat.write_sav(frame.reset_index(), str(path))
    s = sq.read_survey(path, "servqual22", index_col="respondent", segments="branch")
    pd.testing.assert_frame_equal(
        s.responses,
        sq.Survey(frame, "servqual22").responses,
        check_names=False,
        check_index_type=False,
    )
    assert s.segment("branch").nunique() == 3


def test_streaming_is_summarize_csv_not_read_survey(frame, tmp_path):
    path = tmp_path / "export.csv"
    frame.to_csv(path)
    # read_survey's return type never depends on a flag: streaming has its own entry points
    with pytest.raises(sq.DataError, match="summarize_csv"):
        sq.read_survey(path, "servqual22", chunksize=50, index_col="respondent")
    with pytest.warns(sq.MissingDataWarning):
        summary = sq.SurveySummary.from_csv(
            path, "servqual22", chunksize=50, index_col="respondent", segments="branch"
        )
    assert isinstance(summary, sq.SurveySummary)
    with pytest.warns(sq.MissingDataWarning):
        listwise = sq.Survey(frame, "servqual22", segments="branch", nan_policy="listwise")
    a = sq.gap_scores(summary, level="dimension", by="branch").to_frame()
    b = sq.gap_scores(listwise, level="dimension", by="branch").to_frame()
    pd.testing.assert_frame_equal(a, b, rtol=1e-10)


def test_excel_sheet_by_name_position_and_case(frame, tmp_path):
    pytest.importorskip("openpyxl")
    path = tmp_path / "export.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"note": ["fielded in May"]}).to_excel(writer, sheet_name="Notes")
        frame.to_excel(writer, sheet_name="Responses")
    expected = sq.Survey(frame, "servqual22").responses
    for sheet in ("Responses", "responses", 1, -1):
        s = sq.read_survey(path, "servqual22", sheet=sheet, index_col="respondent")
        pd.testing.assert_frame_equal(s.responses, expected)
    with pytest.raises(sq.DataError, match=r"no worksheet named 'Answers'.*'Notes', 'Responses'"):
        sq.read_survey(path, "servqual22", sheet="Answers")
    with pytest.raises(sq.DataError, match=r"sheet=2 is out of range.*2 worksheet"):
        sq.read_survey(path, "servqual22", sheet=2)
    with pytest.raises(sq.DataError, match="one worksheet"):
        sq.read_survey(path, "servqual22", sheet=None)
    with pytest.raises(sq.MissingColumnError, match=r"index_col='respondent'.*sheet 'Notes'"):
        sq.read_survey(path, "servqual22", sheet="Notes", index_col="respondent")


def test_index_col_that_is_not_a_column_is_named(frame, tmp_path):
    path = tmp_path / "export.csv"
    frame.to_csv(path)
    with pytest.raises(sq.MissingColumnError, match=r"index_col='id'.*export.csv"):
        sq.read_survey(path, "servqual22", index_col="id")
    with pytest.raises(sq.DataError, match="index_col=99"):
        sq.read_survey(path, "servqual22", index_col=99)
    s = sq.read_survey(path, "servqual22", index_col=0)
    assert s.index.name == "respondent"


def test_long_format_without_rating_column_is_perception():
    long = pd.DataFrame(
        {"respondent": np.repeat([1, 2, 3], 22), "item": np.tile(np.arange(1, 23), 3)}
    )
    long["value"] = (long["item"] % 7) + 1
    wide = long_to_wide(long, rating=None)
    assert sorted(wide.columns) == sorted(f"P{n}" for n in range(1, 23))
    s = sq.Survey(wide, "servperf22")
    assert s.n_respondents == 3
    np.testing.assert_allclose(s.ratings("P").iloc[0].to_numpy(), (np.arange(1, 23) % 7) + 1)


def test_qualtrics_tsv_in_utf16_is_recognised(tmp_path):
    """Qualtrics' TSV export is UTF-16 text with tabs and three header rows."""
    header = ["ResponseId", "Finished", "E1", "P1", "E2", "P2"]
    texts = ["Response ID", "Finished", "Fast - Expected", "Fast - Perceived", "Kind - Expected",
             "Kind - Perceived"]  # fmt: skip
    imports = ['{"ImportId":"_recordId"}', '{"ImportId":"finished"}'] + [
        f'{{"ImportId":"QID{k}"}}' for k in range(4)
    ]
    rows = [
        header,
        texts,
        imports,
        ["R_1", "1", "6", "5", "7", "6"],
        ["R_2", "1", "5", "5", "6", "4"],
    ]
    path = tmp_path / "export.tsv"
    path.write_text("\r\n".join("\t".join(r) for r in rows) + "\r\n", encoding="utf-16")
    inst = sq.Instrument.from_dict({"name": "Two", "dimensions": [{"name": "d", "items": [1, 2]}]})
    s = sq.read_survey(path, inst, encoding="utf-16")
    assert s.n_respondents == 2 and s.info["ResponseId"].tolist() == ["R_1", "R_2"]
    assert [i.text for i in s.instrument.items] == ["Fast", "Kind"]
    np.testing.assert_array_equal(s.matrix("P"), [[5, 6], [5, 4]])
    assert sq.io.read_table(path, encoding="utf-16").shape == (2, 6)


def test_unknown_format_lists_the_platforms(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("E1,P1\n5,6\n", encoding="utf-8")
    with pytest.raises(sq.DataError) as err:
        sq.io.read_table(path, format="spss-ish")
    assert str(err.value) == (
        "Unknown format 'spss-ish'; use one of ['csv', 'excel', 'spss', 'parquet', "
        "'qualtrics', 'surveymonkey', 'limesurvey', 'google_forms']."
    )
    other = tmp_path / "data.json"
    other.write_text("{}")
    with pytest.raises(sq.DataError, match="'qualtrics', 'surveymonkey', 'limesurvey' or"):
        sq.read_survey(other, "servqual22")


def test_excel_errors_name_the_sheet_row_and_respondent(frame, tmp_path):
    pytest.importorskip("openpyxl")
    df = frame.reset_index()
    df.loc[5, "E3"] = 9
    path = tmp_path / "export.xlsx"
    df.to_excel(path, index=False)
    with pytest.raises(sq.ScaleRangeError) as err:
        sq.read_survey(path, "servqual22")
    assert str(err.value).endswith(
        "In export.xlsx (header row counted): row 5 is row 7 of the first sheet (respondent "
        f"{df.loc[5, 'respondent']})."
    )


def test_info_follows_listwise_deletion():
    path = Path(__file__).parent / "data" / "exports" / "qualtrics.csv"
    inst = sq.Instrument.from_dict(
        {"name": "B", "dimensions": [{"name": "d", "items": [1, 2, 3, 4, 5]}]}
    )
    with pytest.warns(sq.MissingDataWarning):
        s = sq.read_survey(
            path, inst, columns={"E": "Q1_{n}", "P": "Q2_{n}"}, nan_policy="listwise"
        )
    assert list(s.info.index) == list(s.index) == [0, 1, 2, 4, 5, 6, 8, 9]
    assert "R_04xQ8fA" not in s.info["ResponseId"].tolist()


def test_qualtrics_workbook_is_recognised_like_its_csv(tmp_path):
    pytest.importorskip("openpyxl")
    src = Path(__file__).parent / "data" / "exports" / "qualtrics.csv"
    raw = pd.read_csv(src, header=None, dtype=str, keep_default_na=False, encoding="utf-8-sig")

    def number(v: str) -> object:
        try:
            return float(v) if v else None
        except ValueError:
            return v

    body = raw.iloc[3:].map(number)
    sheet = pd.concat([raw.iloc[:3], body])
    sheet.iloc[7, 11] = "seven"  # respondent R_05xQ8fA (data row 4), column Q1_2
    path = tmp_path / "qualtrics.xlsx"
    sheet.to_excel(path, header=False, index=False)
    inst = sq.Instrument.from_dict(
        {"name": "B", "dimensions": [{"name": "d", "items": [1, 2, 3, 4, 5]}]}
    )
    with pytest.raises(sq.NonNumericError) as err, warnings.catch_warnings():
        warnings.simplefilter("ignore", sq.MissingDataWarning)
        sq.read_survey(path, inst, columns={"E": "Q1_{n}", "P": "Q2_{n}"})
    assert str(err.value).endswith(
        "In qualtrics.xlsx (header rows counted): row 4 is row 8 of the first sheet "
        "(ResponseId 'R_05xQ8fA')."
    )
    sheet.iloc[7, 11] = 6
    sheet.to_excel(path, header=False, index=False)
    with pytest.warns(sq.MissingDataWarning, match="2 of 10 responses in qualtrics.xlsx"):
        s = sq.read_survey(path, inst, columns={"E": "Q1_{n}", "P": "Q2_{n}"})
    assert s.info["ResponseId"].iloc[4] == "R_05xQ8fA"
    assert s.instrument.items[2].text == "Prompt service"
    with pytest.raises(sq.DataError, match="does not look like a SurveyMonkey export"):
        sq.read_survey(path, inst, format="surveymonkey")
