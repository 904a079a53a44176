"""Survey-platform exports: Qualtrics, SurveyMonkey, LimeSurvey, Google Forms (internal).

Each platform writes its export (CSV, TSV or a workbook) in its own way: Qualtrics puts three header rows
(column ids, question text, ``{"ImportId": ...}``) above the answers, SurveyMonkey
two (question, then the answer option), LimeSurvey one (question codes or texts)
and Google Forms one (question texts after a ``Timestamp``). :func:`detect` tells
them apart from the first rows of the file; :func:`layout` turns those rows into
one column name per column, the question text of each column, the columns that
describe the response rather than rate an item (response id, dates, progress ...)
and the column that says whether the respondent finished.

:func:`servqual.read_survey` uses them; nothing here reads a file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .exceptions import DataError

__all__ = ["PLATFORMS", "Layout", "detect", "layout", "shared_text"]

#: format names of the platform readers, with the name shown in messages
PLATFORMS: dict[str, str] = {
    "qualtrics": "Qualtrics",
    "surveymonkey": "SurveyMonkey",
    "limesurvey": "LimeSurvey",
    "google_forms": "Google Forms",
}

_QUALTRICS_META = {
    "StartDate",
    "EndDate",
    "Status",
    "IPAddress",
    "Progress",
    "Duration (in seconds)",
    "Finished",
    "RecordedDate",
    "ResponseId",
    "ResponseID",
    "RecipientLastName",
    "RecipientFirstName",
    "RecipientEmail",
    "ExternalReference",
    "ExternalDataReference",
    "LocationLatitude",
    "LocationLongitude",
    "DistributionChannel",
    "UserLanguage",
    "Q_RecaptchaScore",
    "Q_RelevantIDDuplicate",
}

_SURVEYMONKEY_META = {
    "Respondent ID",
    "Collector ID",
    "Start Date",
    "End Date",
    "IP Address",
    "Email Address",
    "First Name",
    "Last Name",
    "Custom Data",
    "Custom Data 1",
}

_LIME_CODES = {
    "id",
    "submitdate",
    "lastpage",
    "startlanguage",
    "seed",
    "startdate",
    "datestamp",
    "ipaddr",
    "refurl",
    "token",
}
_LIME_TEXTS = {
    "Response ID",
    "Date submitted",
    "Last page",
    "Start language",
    "Seed",
    "Date started",
    "Date last action",
    "IP address",
    "Referrer URL",
    "Token",
}

#: the first column of a Google Forms export in the languages Forms writes it
_FORMS_TIMESTAMP = {
    "timestamp",
    "타임스탬프",
    "タイムスタンプ",
    "时间戳记",
    "時間戳記",
    "marca temporal",
    "horodateur",
    "zeitstempel",
    "informazioni cronologiche",
    "carimbo de data/hora",
}
_FORMS_META = {
    "email address",
    "username",
    "score",
    "total score",
    "이메일 주소",
    "점수",
    "メールアドレス",
}

#: SurveyMonkey's second-row word for a question with one column
_MONKEY_SINGLE = {"", "Response", "Open-Ended Response"}


@dataclass(frozen=True)
class Layout:
    """How a platform export is laid out.

    ``names`` has one unique name per column; ``texts`` maps a column name to its
    question text (when the export has one); ``metadata`` are the columns that
    describe the response; ``id_column`` names the respondent; ``finished`` is the
    column whose empty/0/false value marks an unfinished response, and
    ``finished_rule`` says how to read it (``"flag"``: 1/true = finished,
    ``"date"``: a submission date = finished).
    """

    platform: str
    header_rows: int
    names: list[str]
    texts: dict[str, str] = field(default_factory=dict)
    metadata: list[str] = field(default_factory=list)
    id_column: str | None = None
    finished: str | None = None
    finished_rule: str = "flag"


def _cells(row: Sequence[str] | None) -> list[str]:
    return [("" if c is None else str(c)).strip() for c in (row or [])]


def detect(rows: Sequence[Sequence[str]]) -> str | None:
    """The platform whose export starts with ``rows`` (its first three rows as
    text), or None for a plain table."""
    first = _cells(rows[0]) if rows else []
    second = _cells(rows[1]) if len(rows) > 1 else []
    third = _cells(rows[2]) if len(rows) > 2 else []
    if any(c.startswith('{"ImportId"') for c in third):
        return "qualtrics"
    if first[:1] == ["Respondent ID"] and second[:1] == [""] and any(second):
        return "surveymonkey"
    names = set(first)
    if {"id", "submitdate", "lastpage"} <= names or {
        "Response ID",
        "Date submitted",
        "Last page",
    } <= names:
        return "limesurvey"
    if first and first[0].casefold() in _FORMS_TIMESTAMP:
        return "google_forms"
    return None


def layout(platform: str, rows: Sequence[Sequence[str]], file: str) -> Layout:
    """The :class:`Layout` of a ``platform`` export whose first rows are ``rows``.

    A DataError when the rows do not look like that platform's export (the caller
    asked for ``format=platform``)."""
    label = PLATFORMS[platform]
    first = _cells(rows[0]) if rows else []
    if detect(rows) != platform:
        expected = {
            "qualtrics": 'three header rows, the third of {"ImportId": ...} cells',
            "surveymonkey": "two header rows starting with 'Respondent ID' and an empty cell",
            "limesurvey": "a header with 'id', 'submitdate' and 'lastpage' (or 'Response "
            "ID', 'Date submitted' and 'Last page')",
            "google_forms": "a header starting with 'Timestamp'",
        }[platform]
        raise DataError(
            f"{file} does not look like a {label} export (expected {expected}; its header "
            f"starts {first[:4]}). Pass format='csv' to read it as a plain table."
        )
    if platform == "qualtrics":
        texts_row = _cells(rows[1])
        names = first
        texts = {
            n: t for n, t in zip(names, texts_row, strict=False) if n not in _QUALTRICS_META and t
        }
        meta = [n for n in names if n in _QUALTRICS_META]
        rid: str | None = next((n for n in ("ResponseId", "ResponseID") if n in names), None)
        return Layout(
            platform,
            3,
            names,
            texts,
            meta,
            rid,
            "Finished" if "Finished" in names else None,
        )
    if platform == "surveymonkey":
        second = _cells(rows[1])
        second += [""] * (len(first) - len(second))
        names, texts, meta = [], {}, []
        question = ""
        for top, sub in zip(first, second, strict=False):
            if top in _SURVEYMONKEY_META or (top.startswith("Custom Data") and not sub):
                names.append(top)
                meta.append(top)
                continue
            question = top or question
            name = question if sub in _MONKEY_SINGLE else f"{question} - {sub}"
            names.append(name)
            texts[name] = name
        rid = "Respondent ID" if "Respondent ID" in names else None
        return Layout(platform, 2, names, texts, meta, rid)
    if platform == "limesurvey":
        coded = "submitdate" in first
        meta_names = _LIME_CODES if coded else _LIME_TEXTS
        meta = [n for n in first if n in meta_names]
        texts = {} if coded else {n: n for n in first if n not in meta_names}
        return Layout(
            platform,
            1,
            first,
            texts,
            meta,
            "id" if coded else "Response ID",
            "submitdate" if coded else "Date submitted",
            "date",
        )
    meta = [n for n in first if n.casefold() in _FORMS_TIMESTAMP | _FORMS_META]
    texts = {n: n for n in first if n not in meta}
    return Layout(platform, 1, first, texts, meta)


def shared_text(texts: Sequence[str]) -> str:
    """The wording of one item from the question texts of its rating columns.

    Texts that differ only at the end (``"Fast? - Expectation"``, ``"Fast? -
    Perception"``) give their shared start, texts that differ only at the start
    (``"An excellent bank has... - Fast service"``, ``"Our bank has... - Fast
    service"``; ``"Expected [1. Fast]"``, ``"Perceived [1. Fast]"``) their shared
    end, without separators and brackets; otherwise the first text."""
    texts = [t.strip() for t in texts if t and t.strip()]
    if not texts:
        return ""
    if len(set(texts)) == 1:
        return texts[0]
    # a grid row named after the question: "Question [Row]" (Forms, LimeSurvey) or
    # "Question - Row" (Qualtrics, SurveyMonkey); the same row under every rating
    for rows in (
        [t[t.rfind("[") + 1 : -1] if t.endswith("]") and "[" in t else "" for t in texts],
        [t.rsplit(" - ", 1)[1] if " - " in t else "" for t in texts],
    ):
        if rows[0].strip() and len(set(rows)) == 1:
            return rows[0].strip()

    def common(a: str, b: str) -> int:
        k = 0
        while k < min(len(a), len(b)) and a[k] == b[k]:
            k += 1
        return k

    head = min(common(texts[0], t) for t in texts[1:])
    tail = min(common(texts[0][::-1], t[::-1]) for t in texts[1:])
    prefix = texts[0][:head].rstrip(" -–—_:|/[(（")
    suffix = texts[0][len(texts[0]) - tail :].lstrip(" -–—_:|/?.!)）")
    if suffix.startswith("[") and suffix.endswith("]"):
        suffix = suffix[1:-1]
    elif suffix.endswith("]") and "[" not in suffix:
        suffix = suffix[:-1]
    shared = max(prefix, suffix, key=len).strip()
    wordy = len(shared) >= 3 and any(ch.isalpha() for ch in shared)
    if wordy and len(shared) >= 0.25 * min(len(t) for t in texts):
        return shared
    return texts[0]
