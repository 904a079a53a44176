"""Real exports and real languages (issue 11), on the fixtures of tests/data/exports.

The fixtures are written by tests/data/exports/make_exports.py: a Korean kiosk
export in CP949 (item 9 before item 8, an IPA block reusing the ``N-1.``/``N-2.``
numbering, a Kano block, an item 14 the instrument does not have), a Qualtrics
CSV (three header rows, a question text spanning two lines, two unfinished
responses), a SurveyMonkey CSV (two header rows), LimeSurvey CSVs (code and text
headers, one response not submitted) and a Google Forms CSV.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import servqual as sq
from servqual.instruments import Instrument
from servqual.platforms import detect, shared_text

DATA = Path(__file__).parent / "data" / "exports"
KIOSK = DATA / "kiosk_cp949.csv"
KOREAN = r"(?P<n>\d+)-\d\. .*\((?P<rating>기대|인지) 설문\)"
LABELS = {"기대": "E", "인지": "P"}


@pytest.fixture
def kiosk() -> Instrument:
    return Instrument.from_dict(
        {
            "name": "Kiosk",
            "scale": {"low": 1, "high": 5},
            "dimensions": [
                {"name": "ease", "items": [8, 9, 10]},
                {"name": "reliability", "items": [11, 12, 13]},
            ],
        }
    )


@pytest.fixture
def bank() -> Instrument:
    return Instrument.from_dict(
        {
            "name": "Bank",
            "dimensions": [
                {"name": "tangibles", "items": [1]},
                {"name": "reliability", "items": [2, 3]},
                {"name": "responsiveness", "items": [4, 5]},
            ],
        }
    )


def korean_frame() -> pd.DataFrame:
    return pd.read_csv(KIOSK, encoding="cp949")


def expected_kiosk(letter: str) -> np.ndarray:
    df = korean_frame()
    rating = "기대" if letter == "E" else "인지"
    cols = []
    for n in range(8, 14):
        cols += [c for c in df.columns if c.startswith(f"{n}-") and f"({rating} 설문)" in c]
    return df[cols].to_numpy(dtype=float)


def edited(src: Path, tmp_path: Path, respondent: str, column: int, value: str) -> Path:
    """A copy of a text export with one answer of one respondent replaced."""
    raw = src.read_bytes()
    enc = "cp949" if src == KIOSK else "utf-8-sig"
    text = raw.decode(enc)
    lines = text.split("\r\n")
    for k, line in enumerate(lines):
        if f",{respondent}," in line or line.startswith(f"{respondent},"):
            cells = line.split(",")
            cells[column] = value
            lines[k] = ",".join(cells)
    out = tmp_path / src.name
    out.write_bytes("\r\n".join(lines).encode(enc))
    return out


# --------------------------------------------------------------------- 1. rating words


def test_korean_export_in_one_call(kiosk):
    s = sq.read_survey(KIOSK, kiosk, encoding="cp949", columns=KOREAN, rating_labels=LABELS)
    assert s.n_respondents == 12
    np.testing.assert_array_equal(s.matrix("E"), expected_kiosk("E"))
    np.testing.assert_array_equal(s.matrix("P"), expected_kiosk("P"))
    # item 9's columns come first in the file; the numbers, not the positions, decide
    assert s.columns["E"][0].startswith("8-1.") and s.columns["E"][1].startswith("9-1.")
    # item 14 is in the export, not in the instrument: ignored and listed
    assert [c[:5] for c in s.unused_columns] == ["14-1.", "14-2."]
    assert s.info is None  # a plain CSV has no platform metadata


def test_regex_string_prefix_match_and_fullmatch_hint(kiosk):
    prefix = r"(?P<n>\d+)-\d\. [^(]*\((?P<rating>기대|인지)"
    s = sq.read_survey(
        KIOSK, kiosk, encoding="cp949", columns=prefix, rating_labels=LABELS, match="prefix"
    )
    np.testing.assert_array_equal(s.matrix("P"), expected_kiosk("P"))
    # the same pattern must match the whole header by default, and the error says so
    with pytest.raises(sq.MissingColumnError) as err:
        sq.read_survey(KIOSK, kiosk, encoding="cp949", columns=prefix, rating_labels=LABELS)
    msg = str(err.value)
    assert "matches no column at all" in msg and "match='prefix'" in msg and ".*" in msg
    # the documented idiom: end a full pattern with .*
    s2 = sq.read_survey(KIOSK, kiosk, encoding="cp949", columns=prefix + ".*", rating_labels=LABELS)
    pd.testing.assert_frame_equal(s.responses, s2.responses)


def test_rating_words_without_labels_name_the_fix(kiosk):
    with pytest.raises(sq.MissingColumnError) as err:
        sq.read_survey(KIOSK, kiosk, encoding="cp949", columns=KOREAN)
    msg = str(err.value)
    assert "'기대'" in msg and "rating_labels=" in msg and "which name no rating" in msg


def test_rating_labels_accept_names_and_reject_nonsense(kiosk):
    s = sq.read_survey(
        KIOSK,
        kiosk,
        encoding="cp949",
        columns=KOREAN,
        rating_labels={"기대": "expectation", "인지": "perception"},
    )
    np.testing.assert_array_equal(s.matrix("E"), expected_kiosk("E"))
    with pytest.raises(sq.DataError, match=r"rating_labels maps '기대' to 'hope'"):
        sq.read_survey(
            KIOSK, kiosk, encoding="cp949", columns=KOREAN, rating_labels={"기대": "hope"}
        )
    with pytest.raises(sq.DataError, match="non-empty mapping"):
        sq.read_survey(KIOSK, kiosk, encoding="cp949", columns=KOREAN, rating_labels=["기대"])
    with pytest.raises(sq.DataError, match="rating_labels= names the words of a columns regex"):
        sq.read_survey(KIOSK, kiosk, encoding="cp949", columns="{rating}{n}", rating_labels=LABELS)
    with pytest.raises(sq.DataError, match="match='prefix' applies to a columns regex"):
        sq.read_survey(KIOSK, kiosk, encoding="cp949", columns="{rating}{n}", match="prefix")
    with pytest.raises(sq.DataError, match=r"match='start' is not allowed"):
        sq.read_survey(KIOSK, kiosk, encoding="cp949", columns=KOREAN, match="start")


def test_bad_regex_string_is_a_data_error(kiosk):
    with pytest.raises(sq.DataError, match=r"read as a regular expression .* does not compile"):
        sq.read_survey(KIOSK, kiosk, encoding="cp949", columns=r"(?P<n>\d+-(?P<rating>.)")


def test_regex_without_named_groups_is_explained(kiosk):
    with pytest.raises(sq.InstrumentError) as err:
        sq.read_survey(KIOSK, kiosk, encoding="cp949", columns=r"(\d+)-(\d)\..*")
    assert "has no {rating} field" in str(err.value)
    assert "only when it has named groups: (?P<n>...)" in str(err.value)


# --------------------------------------------------------------------- 2. instruments


def test_instrument_from_plain_item_numbers():
    inst = Instrument.from_dict(
        {"name": "Kiosk", "dimensions": [{"name": "ease", "items": [4, 5, 6, 22]}]}
    )
    assert [(i.code, i.number, i.text) for i in inst.items] == [
        ("4", 4, ""),
        ("5", 5, ""),
        ("6", 6, ""),
        ("22", 22, ""),
    ]
    assert Instrument.from_dict(inst.to_dict()) == inst


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            {
                "dimensions": [
                    {"name": "a", "items": [1]},
                    {"name": "b", "items": [2]},
                    {"name": "c", "items": [None]},
                ]
            },
            "Instrument spec dimensions[2].items[0]: (dimension 'c') is None; give each item as "
            "its text (a string), its number (an int) or a mapping",
        ),
        (
            {"dimensions": [{"name": "a", "items": [{"number": "one"}]}]},
            "Instrument spec dimensions[0].items[0].number: 'one' is not a whole number.",
        ),
        (
            {"dimensions": [{"name": "a", "items": [1.5]}]},
            "Instrument spec dimensions[0].items[0]: (dimension 'a') is 1.5;",
        ),
        (
            {"dimensions": [{"name": "a", "items": [4, 5]}, {"name": "b", "items": [5]}]},
            "Instrument spec dimensions[1].items[0]: item number 5 is already used by "
            "dimensions[0].items[1];",
        ),
        (
            {"dimensions": [{"name": "a", "items": [{"reverse": "yes"}]}]},
            "Instrument spec dimensions[0].items[0].reverse: must be true or false, got 'yes'.",
        ),
        (
            {"dimensions": [{"name": "a", "items": [{"spec": "high"}]}]},
            "Instrument spec dimensions[0].items[0].spec: must be a number, got 'high'.",
        ),
        (
            {"dimensions": [{"items": [1]}]},
            "Instrument spec dimensions[0]: is missing the key 'name'.",
        ),
        (
            {"dimensions": [{"name": "a", "items": []}]},
            "Instrument spec dimensions[0]: Dimension 'a' has no items.",
        ),
        (
            {"dimensions": [{"name": "a", "items": [1]}], "scale": {"low": "one"}},
            "Instrument spec scale.low: must be a number, got 'one'.",
        ),
        (
            {"dimensions": [{"name": "a", "items": [1]}], "scale": [1, 5]},
            "Instrument spec scale: must be a mapping with 'low' and 'high'",
        ),
        (
            {"dimensions": [{"name": "a", "items": [1]}], "ratings": "EP"},
            "Instrument spec ratings: must be a list of rating letters",
        ),
        (
            {"dimensions": [{"name": "a", "items": [1]}], "ratings": ["E", 2]},
            "Instrument spec ratings[1]: must be a rating letter",
        ),
        (
            {"dimensions": [{"name": "a", "items": [1]}], "weights": {"a": "all"}},
            "Instrument spec weights['a']: must be a number, got 'all'.",
        ),
    ],
)
def test_malformed_instruments_name_the_path(spec, message):
    with pytest.raises(sq.InstrumentError) as err:
        Instrument.from_dict(spec)
    assert message in str(err.value)


# --------------------------------------------------------------------- 3. order traps


def test_columns_listed_in_file_order_warn_with_both_numbers(kiosk):
    df = korean_frame()
    exp = [c for c in df.columns if c.endswith("(기대 설문)") and not c.startswith("14-")]
    per = [c for c in df.columns if c.endswith("(인지 설문)") and not c.startswith("14-")]
    assert exp[0].startswith("9-1.")  # file order: item 9 first
    with pytest.warns(sq.ServqualWarning) as caught:
        sq.Survey(df, kiosk, columns={"E": exp, "P": per})
    msg = str(caught[0].message)
    assert msg.startswith("columns['E'] lists columns by position, and 2 of them carry")
    assert "'9-1. 키오스크는 주문 절차가 간단하다 (기대 설문)' carries number 9 but is " in msg
    assert "mapped to item 8 ('8')" in msg and "carries number 8 but is mapped to item 9" in msg
    with pytest.raises(sq.DataError, match=r"carries number 9 but is mapped to item 8.*strict"):
        sq.read_survey(KIOSK, kiosk, encoding="cp949", columns={"E": exp, "P": per}, strict=True)
    with pytest.raises(sq.DataError, match="strict must be True or False"):
        sq.Survey(df, kiosk, columns={"E": exp, "P": per}, strict="yes")


def test_columns_in_item_order_or_at_a_constant_offset_do_not_warn(kiosk):
    df = korean_frame()

    def cols(word: str) -> list[str]:
        return [
            next(c for c in df.columns if c.startswith(f"{n}-") and f"({word} 설문)" in c)
            for n in range(8, 14)
        ]

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sq.Survey(df, kiosk, columns={"E": cols("기대"), "P": cols("인지")})
        shifted = pd.DataFrame(
            {f"Q{n + 2}_{r}": [3, 4] for n in range(8, 14) for r in "EP"}
        )  # Q10..Q15 for items 8..13: a consistent numbering
        sq.Survey(
            shifted,
            kiosk,
            columns={r: [f"Q{n + 2}_{r}" for n in range(8, 14)] for r in "EP"},
        )


def test_reused_numbering_block_is_ambiguous(kiosk):
    with pytest.raises(sq.DuplicateColumnError) as err:
        sq.read_survey(
            KIOSK,
            kiosk,
            encoding="cp949",
            columns=r"(?P<n>\d+)-(?P<rating>[12])\.",
            match="prefix",
            rating_labels={"1": "E", "2": "P"},
        )
    msg = str(err.value)
    assert msg.startswith("Ambiguous columns: the column regex")
    assert "matches 2 columns for rating 'E' (expectation) of item '9'" in msg
    assert "'9-1. 키오스크는 주문 절차가 간단하다 (기대 설문)'" in msg
    assert "'9-1. 키오스크는 주문 절차가 간단하다 (중요도)'" in msg
    assert "3 other item/rating(s) are ambiguous too" in msg


# --------------------------------------------------------------------- 4. platforms


def head(path: Path, encoding: str = "utf-8-sig") -> list[list[str]]:
    import csv

    with path.open(encoding=encoding, newline="") as fh:
        return [row for _, row in zip(range(3), csv.reader(fh), strict=False)]


@pytest.mark.parametrize(
    ("name", "platform"),
    [
        ("qualtrics.csv", "qualtrics"),
        ("surveymonkey.csv", "surveymonkey"),
        ("limesurvey_codes.csv", "limesurvey"),
        ("limesurvey_text.csv", "limesurvey"),
        ("google_forms.csv", "google_forms"),
    ],
)
def test_platforms_are_detected(name, platform):
    assert detect(head(DATA / name)) == platform
    assert detect(head(KIOSK, "cp949")) is None


def test_qualtrics(bank):
    with pytest.warns(sq.MissingDataWarning) as caught:
        s = sq.read_survey(DATA / "qualtrics.csv", bank, columns={"E": "Q1_{n}", "P": "Q2_{n}"})
    assert str(caught[0].message) == (
        "2 of 10 responses in qualtrics.csv are unfinished (Finished = 0: ResponseId "
        "'R_04xQ8fA', 'R_08xQ8fA'); they are kept, their answered ratings counting as "
        "nan_policy says; pass unfinished='drop' to leave them out."
    )
    assert s.n_respondents == 10 and s.n_incomplete == 2
    assert list(s.info.columns[:3]) == ["StartDate", "EndDate", "Status"]
    assert s.info["ResponseId"].iloc[0] == "R_01xQ8fA"
    assert s.info["Finished"].tolist().count(0) == 2
    assert [i.text for i in s.instrument.items] == [
        "Modern-looking equipment",
        "Staff who keep their promises",
        "Prompt service",
        "Staff who are never too busy to help",
        "Convenient opening hours",
    ]
    raw = pd.read_csv(DATA / "qualtrics.csv", skiprows=[1, 2])
    np.testing.assert_array_equal(
        s.matrix("E"), raw[[f"Q1_{n}" for n in range(1, 6)]].to_numpy(float)
    )
    with pytest.warns(sq.MissingDataWarning, match="they are left out"):
        d = sq.read_survey(
            DATA / "qualtrics.csv",
            bank,
            columns={"E": "Q1_{n}", "P": "Q2_{n}"},
            unfinished="drop",
            nan_policy="raise",
        )
    assert d.n_respondents == 8 and d.info["Finished"].eq(1).all()
    assert list(d.index) == [0, 1, 2, 4, 5, 6, 8, 9]
    with pytest.raises(sq.DataError, match="unfinished='later' is not allowed"):
        sq.read_survey(DATA / "qualtrics.csv", bank, unfinished="later")


def test_wording_of_the_instrument_wins_over_the_export():
    inst = Instrument.from_dict(
        {
            "name": "Bank",
            "dimensions": [
                {
                    "name": "all",
                    "items": [{"number": 1, "text": "Up-to-date equipment"}, 2, 3, 4, 5],
                }
            ],
        }
    )
    with pytest.warns(sq.MissingDataWarning):
        s = sq.read_survey(DATA / "qualtrics.csv", inst, columns={"E": "Q1_{n}", "P": "Q2_{n}"})
    assert s.instrument.items[0].text == "Up-to-date equipment"
    assert s.instrument.items[2].text == "Prompt service"
    assert inst.items[2].text == ""  # the caller's instrument is not changed


def test_qualtrics_read_as_plain_csv_on_request(bank):
    frame = sq.io.read_table(DATA / "qualtrics.csv", format="csv")
    assert frame.iloc[0]["ResponseId"] == "Response ID"  # the question-text row is data
    with pytest.raises(sq.NonNumericError):
        sq.read_survey(
            DATA / "qualtrics.csv", bank, columns={"E": "Q1_{n}", "P": "Q2_{n}"}, format="csv"
        )


def test_format_that_does_not_fit_the_file(bank):
    with pytest.raises(sq.DataError) as err:
        sq.read_survey(DATA / "google_forms.csv", bank, format="qualtrics")
    assert str(err.value).startswith(
        "google_forms.csv does not look like a Qualtrics export (expected three header rows"
    )
    assert "format='csv'" in str(err.value)
    with pytest.raises(sq.DataError, match=r"Unknown format 'qualtrix'; use one of"):
        sq.read_survey(DATA / "qualtrics.csv", bank, format="qualtrix")


def test_surveymonkey():
    cafe = Instrument.from_dict({"name": "Cafe", "dimensions": [{"name": "s", "items": [1, 2, 3]}]})
    s = sq.read_survey(
        DATA / "surveymonkey.csv",
        cafe,
        columns=r".*(?P<rating>expect|perform).* - (?P<n>\d+)\. .*",
        rating_labels={"perform": "P"},
    )
    assert s.n_respondents == 8
    assert s.columns["E"][0] == "What do you expect from an excellent café? - 1. Staff are friendly"
    assert s.columns["P"][2] == "How did Café Aroma perform? - 3. The place is clean"
    assert s.info.columns[0] == "Respondent ID" and len(s.info.columns) == 9
    assert [i.text for i in s.instrument.items] == [
        "1. Staff are friendly",
        "2. Orders are quick",
        "3. The place is clean",
    ]
    frame = sq.io.read_table(DATA / "surveymonkey.csv")
    assert frame.columns[-1] == "Any other comments?"
    assert len(frame) == 8


@pytest.mark.parametrize("kind", ["codes", "text"])
def test_limesurvey(kind):
    hotel = Instrument.from_dict(
        {
            "name": "Hotel",
            "scale": {"low": 1, "high": 5},
            "dimensions": [{"name": "stay", "items": [1, 2, 3, 4]}],
        }
    )
    if kind == "codes":
        options = {"columns": r"(?P<rating>EXP|PER)\[SQ(?P<n>\d+)\]"}
        said = "(no 'submitdate' date: id 6)"
    else:
        options = {
            "columns": r"(?P<rating>What do you expect|How was).*\[(?P<n>\d+)\. .*\]",
            "rating_labels": {"What do you expect": "E", "how was": "P"},
        }
        said = "(no 'Date submitted' date: Response ID 6)"
    with pytest.warns(sq.MissingDataWarning) as caught:
        s = sq.read_survey(DATA / f"limesurvey_{kind}.csv", hotel, **options)
    assert f"1 of 9 responses in limesurvey_{kind}.csv are unfinished {said}" in str(
        caught[0].message
    )
    assert s.n_respondents == 9 and s.n_incomplete == 1
    assert len(s.info.columns) == 7
    texts = [i.text for i in s.instrument.items]
    assert texts == (
        ["", "", "", ""]
        if kind == "codes"
        else ["1. Clean rooms", "2. Helpful front desk", "3. Quiet at night", "4. Good breakfast"]
    )


def test_google_forms():
    lib = Instrument.from_dict(
        {"name": "Library", "dimensions": [{"name": "s", "items": [1, 2, 3]}]}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = sq.read_survey(
            DATA / "google_forms.csv",
            lib,
            columns=r"(?P<rating>Expectations|Perceptions).*\[(?P<n>\d+)\..*\]",
        )
    assert s.n_respondents == 7
    assert list(s.info.columns) == ["Timestamp", "Email Address"]
    assert [i.text for i in s.instrument.items] == [
        "1. Quiet study rooms",
        "2. Long opening hours",
        "3. Up-to-date books",
    ]


def test_shared_text():
    assert shared_text(["Fast? - Expectation", "Fast? - Perception"]) == "Fast?"
    assert shared_text(["Fast service (expected)", "Fast service (perceived)"]) == "Fast service"
    assert shared_text(["8-1. 빠르다 (기대 설문)", "8-2. 빠르다 (인지 설문)"]) == (
        "8-1. 빠르다 (기대 설문)"
    )
    assert shared_text(["", "Only one"]) == "Only one"


# --------------------------------------------------------------------- 5. line numbers


def test_errors_name_the_line_and_the_response_id(bank, tmp_path):
    # R_05xQ8fA is data row 4; three header records over four lines (a question text
    # spans two lines), so it sits on line 9 of the file
    path = edited(DATA / "qualtrics.csv", tmp_path, "R_05xQ8fA", 11, "seven")
    with pytest.raises(sq.NonNumericError) as err, warnings.catch_warnings():
        warnings.simplefilter("ignore", sq.MissingDataWarning)
        sq.read_survey(path, bank, columns={"E": "Q1_{n}", "P": "Q2_{n}"})
    assert str(err.value) == (
        "Column 'Q1_2' has 1 value(s) that are not numbers: rows 4 (values 'seven'). Recode "
        "them, or list them as missing with missing_codes= / na_values=. In qualtrics.csv "
        "(header rows counted): row 4 is line 9 (ResponseId 'R_05xQ8fA')."
    )
    with pytest.raises(sq.NonNumericError) as err, warnings.catch_warnings():
        warnings.simplefilter("ignore", sq.MissingDataWarning)
        sq.read_survey(path, bank, columns={"E": "Q1_{n}", "P": "Q2_{n}"}, index_col="ResponseId")
    assert str(err.value).endswith(
        "In qualtrics.csv (header rows counted): row 'R_05xQ8fA' is line 9."
    )


def test_missing_ratings_under_raise_name_lines(bank):
    with pytest.raises(sq.DataError) as err, warnings.catch_warnings():
        warnings.simplefilter("ignore", sq.MissingDataWarning)
        sq.read_survey(
            DATA / "qualtrics.csv",
            bank,
            columns={"E": "Q1_{n}", "P": "Q2_{n}"},
            nan_policy="raise",
        )
    assert str(err.value).endswith(
        "In qualtrics.csv (header rows counted): row 3 is line 8 (ResponseId 'R_04xQ8fA'); "
        "row 7 is line 12 (ResponseId 'R_08xQ8fA')."
    )


def test_plain_csv_names_line_and_id_column(kiosk, tmp_path):
    path = edited(KIOSK, tmp_path, "K005", 5, "9")  # 8-1 (기대) of K005: off the 1-5 scale
    with pytest.raises(sq.ScaleRangeError) as err:
        sq.read_survey(path, kiosk, encoding="cp949", columns=KOREAN, rating_labels=LABELS)
    assert str(err.value).endswith(
        "In kiosk_cp949.csv (header row counted): row 4 is line 6 (ID 'K005')."
    )
    # a Survey built from a frame keeps its messages as they were
    with pytest.raises(sq.ScaleRangeError) as err:
        sq.Survey(pd.read_csv(path, encoding="cp949"), kiosk, KOREAN, rating_labels=LABELS)
    assert "line" not in str(err.value) and "rows 4 (values 9)" in str(err.value)


# --------------------------------------------------------------------- 6. encoding


def test_wrong_encoding_gets_a_hint(kiosk):
    with pytest.raises(sq.MissingColumnError) as err:
        sq.read_survey(KIOSK, kiosk, encoding="latin-1", columns=KOREAN, rating_labels=LABELS)
    msg = str(err.value)
    assert msg.endswith(
        "The header was decoded as 'latin-1' and matched nothing; it also decodes as 'cp949' "
        "(e.g. '성별'), so the encoding is probably wrong: pass encoding='cp949'."
    )
    with pytest.raises(sq.MissingColumnError) as err:
        sq.read_survey(KIOSK, kiosk, encoding="cp1252", columns="{rating}{n}")
    assert "pass encoding='cp949'" in str(err.value)


def test_utf8_export_read_as_latin1_suggests_utf8(kiosk, tmp_path):
    path = tmp_path / "kiosk_utf8.csv"
    path.write_text(KIOSK.read_bytes().decode("cp949"), encoding="utf-8")
    with pytest.raises(sq.MissingColumnError, match=re.escape("pass encoding='utf-8'.")):
        sq.read_survey(path, kiosk, encoding="latin-1", columns=KOREAN, rating_labels=LABELS)
    # the right encoding, a wrong pattern: no encoding hint
    with pytest.raises(sq.MissingColumnError) as err:
        sq.read_survey(
            path,
            kiosk,
            columns=r"(?P<n>\d+)-\d\. .*\((?P<rating>기대|인지)\)",
            rating_labels=LABELS,
        )
    assert "encoding" not in str(err.value)


def test_column_codes_do_not_become_wording(tmp_path):
    """A plain table whose first column is a timestamp reads as Google Forms; its
    headers E1, P1 are codes, not question texts, so the items keep no wording."""
    path = tmp_path / "log.csv"
    path.write_text("Timestamp,E1,P1,E2,P2\n2026-01-01 10:00,6,5,7,6\n2026-01-02 11:00,5,5,6,4\n")
    inst = Instrument.from_dict({"name": "Two", "dimensions": [{"name": "d", "items": [1, 2]}]})
    s = sq.read_survey(path, inst)
    assert [i.text for i in s.instrument.items] == ["", ""]
    assert list(s.info.columns) == ["Timestamp"]


def test_platform_header_naming_a_column_twice(tmp_path):
    text = (DATA / "surveymonkey.csv").read_bytes().decode("utf-8")
    first, rest = text.split("\r\n", 1)
    path = tmp_path / "monkey.csv"
    path.write_bytes(first.replace("How did Café Aroma perform?", "What do you expect from an "
                                  "excellent café?").encode() + b"\r\n" + rest.encode())  # fmt: skip
    with pytest.raises(sq.DuplicateColumnError) as err:
        sq.io.read_table(path)
    assert str(err.value) == (
        "Column name(s) 'What do you expect from an excellent café? - 1. Staff are friendly', "
        "'What do you expect from an excellent café? - 2. Orders are quick', 'What do you "
        "expect from an excellent café? - 3. The place is clean' appear more than once in the "
        "header of monkey.csv; rename them in the export so each column is unique."
    )


def test_dropping_unfinished_responses_that_are_all_there_is(bank, tmp_path):
    text = (DATA / "qualtrics.csv").read_bytes().decode("utf-8-sig")
    path = tmp_path / "none_finished.csv"
    lines = text.split("\r\n")
    # Finished is the sixth column; only the data lines start with a date
    lines = [
        ",".join(c if k != 5 else "0" for k, c in enumerate(line.split(",")))
        if line.startswith("2026-")
        else line
        for line in lines
    ]
    path.write_bytes("\r\n".join(lines).encode())
    with pytest.raises(sq.DataError) as err, warnings.catch_warnings():
        warnings.simplefilter("ignore", sq.MissingDataWarning)
        sq.read_survey(path, bank, columns={"E": "Q1_{n}", "P": "Q2_{n}"}, unfinished="drop")
    assert str(err.value) == (
        "unfinished='drop' leaves no respondent: none of the 10 responses in "
        "none_finished.csv is finished (Finished = 0)."
    )


def test_streamed_korean_export_equals_the_in_memory_one(kiosk):
    options = {"encoding": "cp949", "columns": KOREAN, "rating_labels": LABELS}
    summary = sq.summarize_csv(KIOSK, kiosk, chunksize=5, **options)
    survey = sq.read_survey(KIOSK, kiosk, **options)
    pd.testing.assert_frame_equal(
        sq.gap_scores(summary, level="dimension").to_frame(),
        sq.gap_scores(survey, level="dimension").to_frame(),
        check_exact=False,
        rtol=1e-12,
    )
