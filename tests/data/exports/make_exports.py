"""Write the survey-platform fixtures of tests/test_exports.py (run once; the files are committed).

Small, hand-shaped copies of what each platform writes: a Korean kiosk SERVQUAL
export in CP949 (item 9 before item 8, a reused ``N-1.``/``N-2.`` numbering in later
IPA and Kano blocks, an item 14 the test instrument does not have), a Qualtrics
CSV (three header rows, metadata columns, two unfinished responses), a
SurveyMonkey CSV (two header rows), LimeSurvey CSVs with code and with text
headers, and a Google Forms CSV (question-text headers after a Timestamp).
Ratings are drawn from a fixed seed.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
rng = np.random.default_rng(11)


def ratings(n: int, k: int, high: int) -> np.ndarray:
    base = rng.integers(high - 2, high + 1, size=(n, 1))
    return np.clip(base + rng.integers(-1, 2, size=(n, k)), 1, high)


def write(name: str, rows: list[list[object]], encoding: str = "utf-8") -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    (HERE / name).write_bytes(buf.getvalue().encode(encoding))


# ---- Korean kiosk export (CP949) ---------------------------------------------------
KIOSK = {
    8: "키오스크는 화면 글씨가 읽기 쉽다",
    9: "키오스크는 주문 절차가 간단하다",
    10: "키오스크는 결제 오류 없이 작동한다",
    11: "키오스크는 직원 호출 버튼이 있다",
    12: "키오스크는 메뉴 사진이 정확하다",
    13: "키오스크는 대기 시간이 짧다",
    14: "키오스크는 영수증을 바로 준다",
}
n = 12
order = [9, 8, 10, 11, 12, 13, 14]  # item 9's columns come before item 8's
header = ["ID", "성별", "연령대"]
for k in order:
    header += [f"{k}-1. {KIOSK[k]} (기대 설문)", f"{k}-2. {KIOSK[k]} (인지 설문)"]
for k in (8, 9):  # IPA block reusing the numbering
    header += [f"{k}-1. {KIOSK[k]} (중요도)", f"{k}-2. {KIOSK[k]} (만족도)"]
header += [
    "30-1. 주문 내역을 저장해 주는 기능이 있다면? (기능적)",
    "30-2. 그 기능이 없다면? (역기능적)",
]
exp, per, ipa = ratings(n, 7, 5), ratings(n, 7, 5) - 1, ratings(n, 4, 5)
per = np.clip(per, 1, 5)
rows: list[list[object]] = [header]
for r in range(n):
    row: list[object] = [f"K{r + 1:03d}", ["남", "여"][r % 2], ["20대", "30대", "40대"][r % 3]]
    for j in range(7):
        row += [int(exp[r, j]), int(per[r, j])]
    row += [int(v) for v in ipa[r]] + [int(rng.integers(1, 6)), int(rng.integers(1, 6))]
    rows.append(row)
write("kiosk_cp949.csv", rows, "cp949")

# ---- Qualtrics ----------------------------------------------------------------------
BANK = [
    "Modern-looking equipment",
    "Staff who keep their promises",
    "Prompt service",
    "Staff who are never too busy to help",
    "Convenient opening hours",
]
meta = [
    ("StartDate", "Start Date", '{"ImportId":"startDate","timeZone":"Europe/London"}'),
    ("EndDate", "End Date", '{"ImportId":"endDate","timeZone":"Europe/London"}'),
    ("Status", "Response Type", '{"ImportId":"status"}'),
    ("Progress", "Progress", '{"ImportId":"progress"}'),
    ("Duration (in seconds)", "Duration (in seconds)", '{"ImportId":"duration"}'),
    ("Finished", "Finished", '{"ImportId":"finished"}'),
    ("RecordedDate", "Recorded Date", '{"ImportId":"recordedDate","timeZone":"Europe/London"}'),
    ("ResponseId", "Response ID", '{"ImportId":"_recordId"}'),
    ("DistributionChannel", "Distribution Channel", '{"ImportId":"distributionChannel"}'),
    ("UserLanguage", "User Language", '{"ImportId":"userLanguage"}'),
]
ids = [m[0] for m in meta]
texts = [m[1] for m in meta]
imports = [m[2] for m in meta]
for q, question in ((1, "An excellent bank would have..."), (2, "Northfield Bank has...")):
    for j, s in enumerate(BANK, 1):
        ids.append(f"Q{q}_{j}")
        texts.append(f"{question} - {s}")
        imports.append(json.dumps({"ImportId": f"QID{q}_{j}"}, separators=(",", ":")))
ids.append("Q3")
texts.append("Overall,\nhow would you rate Northfield Bank?")
imports.append('{"ImportId":"QID3"}')
n = 10
exp, per = ratings(n, 5, 7), np.clip(ratings(n, 5, 7) - 1, 1, 7)
rows = [ids, texts, imports]
for r in range(n):
    unfinished = r in (3, 7)
    e = [int(v) for v in exp[r]]
    p = [int(v) for v in per[r]]
    if unfinished:
        p = p[:2] + [""] * 3
    rows.append(
        [
            f"2026-03-{r + 2:02d} 09:{r:02d}:00",
            f"2026-03-{r + 2:02d} 09:{r + 7:02d}:00",
            0,
            40 if unfinished else 100,
            420 + 13 * r,
            0 if unfinished else 1,
            f"2026-03-{r + 2:02d} 09:{r + 7:02d}:05",
            f"R_{r + 1:02d}xQ8fA",
            "anonymous",
            "EN",
            *e,
            *p,
            "" if unfinished else int(rng.integers(4, 8)),
        ]
    )
write("qualtrics.csv", rows, "utf-8-sig")

# ---- SurveyMonkey ------------------------------------------------------------------
CAFE = ["1. Staff are friendly", "2. Orders are quick", "3. The place is clean"]
top = [
    "Respondent ID",
    "Collector ID",
    "Start Date",
    "End Date",
    "IP Address",
    "Email Address",
    "First Name",
    "Last Name",
    "Custom Data 1",
]
sub = [""] * len(top)
for question in ("What do you expect from an excellent café?", "How did Café Aroma perform?"):
    for j, s in enumerate(CAFE):
        top.append(question if j == 0 else "")
        sub.append(s)
top.append("Any other comments?")
sub.append("Open-Ended Response")
n = 8
exp, per = ratings(n, 3, 7), np.clip(ratings(n, 3, 7) - 1, 1, 7)
rows = [top, sub]
for r in range(n):
    rows.append(
        [
            11800000000 + 1234 * r,
            405123456,
            f"03/0{r % 9 + 1}/2026 10:0{r}:00 AM",
            f"03/0{r % 9 + 1}/2026 10:1{r}:00 AM",
            f"203.0.113.{r + 10}",
            "",
            "",
            "",
            "",
            *[int(v) for v in exp[r]],
            *[int(v) for v in per[r]],
            ["", "Great coffee", "", "Too noisy at lunch"][r % 4],
        ]
    )
write("surveymonkey.csv", rows)

# ---- LimeSurvey (question codes, and full question texts) ---------------------------
HOTEL = ["1. Clean rooms", "2. Helpful front desk", "3. Quiet at night", "4. Good breakfast"]
n = 9
exp, per = ratings(n, 4, 5), np.clip(ratings(n, 4, 5) - 1, 1, 5)
codes = ["id", "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp"]
texts_h = [
    "Response ID",
    "Date submitted",
    "Last page",
    "Start language",
    "Seed",
    "Date started",
    "Date last action",
]
for pre, question in (
    ("EXP", "What do you expect from an excellent hotel?"),
    ("PER", "How was your stay with us?"),
):
    for j, s in enumerate(HOTEL, 1):
        codes.append(f"{pre}[SQ{j:03d}]")
        texts_h.append(f"{question} [{s}]")
body = []
for r in range(n):
    submitted = "" if r == 5 else f"2026-04-{r + 1:02d} 18:3{r}:00"
    row = [
        r + 1,
        submitted,
        2 if r == 5 else 3,
        "en",
        1000 + 7 * r,
        f"2026-04-{r + 1:02d} 18:20:00",
        f"2026-04-{r + 1:02d} 18:3{r}:00",
    ]
    e = [int(v) for v in exp[r]]
    p = [int(v) for v in per[r]]
    if r == 5:
        p = [""] * 4
    body.append(row + e + p)
write("limesurvey_codes.csv", [codes, *body])
write("limesurvey_text.csv", [texts_h, *body])

# ---- Google Forms ---------------------------------------------------------------
LIB = ["1. Quiet study rooms", "2. Long opening hours", "3. Up-to-date books"]
header = ["Timestamp", "Email Address"]
for question in ("Expectations: an excellent library has", "Perceptions: our library has"):
    header += [f"{question} [{s}]" for s in LIB]
header.append("What should we improve?")
n = 7
exp, per = ratings(n, 3, 7), np.clip(ratings(n, 3, 7) - 2, 1, 7)
rows = [header]
for r in range(n):
    rows.append(
        [f"2026/05/0{r + 1} 2:1{r}:05 PM GMT+1", f"reader{r + 1}@example.org"]
        + [int(v) for v in exp[r]]
        + [int(v) for v in per[r]]
        + [["more seats", "", "longer weekend hours"][r % 3]]
    )
write("google_forms.csv", rows)
