"""Command line: ``servqual demo``, ``instrument NAME``, ``gaps FILE``, ``report FILE``.

Built on :mod:`argparse` from the standard library, so the command line adds no
dependency to the core (click/typer would be one more package to install for three
sub-commands).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .exceptions import DataError, ServqualError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["build_parser", "main", "parse_by", "parse_columns"]

_Level = Literal["item", "dimension", "overall"]


_MAPPING_ITEM = re.compile(r"^\s*([A-Za-z]\w*)\s*=\s*(.+?)\s*$")


def parse_columns(text: str | None) -> str | dict[str, str] | re.Pattern[str] | None:
    r"""Turn ``--columns`` into what :class:`~servqual.Survey` takes.

    ``'{rating}_{n}'`` is a template; ``'E=exp_{n},P=perc_{n}'`` maps rating letters
    (or default column names such as ``E1=q1_exp``) to templates or columns;
    ``'re:(?P<rating>exp|perc)_(?P<n>\d+)'`` is a regular expression.
    """
    if text is None:
        return None
    if text.startswith("re:"):
        try:
            return re.compile(text[3:])
        except re.error as exc:
            raise DataError(f"--columns regex {text[3:]!r} does not compile: {exc}.") from None
    parts = [p for p in text.split(",") if p.strip()]
    if not any("=" in p for p in parts):
        return text
    mapping: dict[str, str] = {}
    for part in parts:
        m = _MAPPING_ITEM.match(part)
        if not m:
            raise DataError(
                f"--columns entry {part.strip()!r} is not KEY=VALUE; write e.g. "
                "'E=exp_{n},P=perc_{n}' or 'E1=q1_exp,P1=q1_perc'."
            )
        key = m.group(1)
        mapping[key.upper() if len(key) == 1 else key] = m.group(2)
    return mapping


#: first characters that make a spreadsheet read a cell as a formula (OWASP CSV injection)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _defuse(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula, prefixed with ``'``.

    Numbers, and text that is a number (``-0.5``), are left as they are."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        try:
            float(value)
        except ValueError:
            return "'" + value
    return value


def _defuse_index(index: pd.Index) -> pd.Index:
    import pandas as pd

    if isinstance(index, pd.MultiIndex):
        return pd.MultiIndex.from_tuples(
            [tuple(_defuse(v) for v in key) for key in index], names=index.names
        )
    return pd.Index([_defuse(v) for v in index], name=index.name)


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """``frame.to_csv(path)`` with formula-like text cells defused (labels, names, text)."""
    import pandas as pd

    out = frame.copy()
    out.index = _defuse_index(out.index)
    out.columns = _defuse_index(out.columns)
    for col in out.columns:
        if not pd.api.types.is_numeric_dtype(out[col].dtype):
            out[col] = out[col].astype(object).map(_defuse)
    out.to_csv(path)


def _survey_from_args(args: argparse.Namespace):
    from .io import read_survey

    options: dict[str, Any] = {}
    if args.segments:
        options["segments"] = args.segments
    by = getattr(args, "by", None)
    if by:
        names = [b.split("=", 1)[0].strip() for b in by]
        options["segments"] = list(dict.fromkeys([*(args.segments or []), *names]))
    outcomes = getattr(args, "outcomes", None)
    if outcomes:
        options["outcomes"] = list(dict.fromkeys(outcomes))
    if args.importance:
        options["importance"] = args.importance
    if args.weights:
        options["weights"] = args.weights
    if args.nan_policy:
        options["nan_policy"] = args.nan_policy
    if args.missing_codes:
        try:
            options["missing_codes"] = [float(v) for v in args.missing_codes]
        except ValueError:
            raise DataError(
                f"--missing-codes must be numbers, got {' '.join(args.missing_codes)!r}."
            ) from None
    sheet: str | int = args.sheet
    if isinstance(sheet, str) and sheet.lstrip("-").isdigit():
        sheet = int(sheet)
    return read_survey(
        args.file,
        args.instrument,
        columns=parse_columns(args.columns),
        encoding=args.encoding,
        sep=args.sep,
        sheet=sheet,
        index_col=args.index_col,
        **options,
    )


def _write_gaps(
    survey,
    out: Path,
    *,
    levels: Sequence[_Level],
    title: str,
    by: Sequence[str] | None = None,
    weighted: bool = False,
) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    from .gaps import gap_scores, tolerance_zone

    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for level in levels:
        res = gap_scores(survey, level=level, by=by or None, weighted=weighted)
        print(res)
        print()
        csv = out / f"gaps_{level}.csv"
        write_csv(res.to_frame(), csv)
        written.append(csv)
        if level != "overall" and not by:
            height = 1.8 + 0.32 * len(res.to_frame())
            fig, ax = plt.subplots(figsize=(7, height))
            res.plot(ax=ax, sort=False)
            ax.set_title(f"{title}: {level} gaps (P − {res.reference})")
            fig.tight_layout()
            png = out / f"gaps_{level}.png"
            fig.savefig(png, dpi=120)
            plt.close(fig)
            written.append(png)
    if survey.has_rating("A") and survey.has_rating("D"):
        zot = tolerance_zone(survey, level="item")
        write_csv(zot.to_frame(), out / "tolerance_zone.csv")
        written.append(out / "tolerance_zone.csv")
    return written


def _cmd_demo(args: argparse.Namespace) -> int:
    from .datasets import load_example
    from .gaps import gap_scores

    survey = load_example(args.example)
    print(survey)
    print()
    out = Path(args.output)
    written = _write_gaps(survey, out, levels=("dimension", "item"), title=survey.instrument.name)
    if survey.importance is not None:
        w = gap_scores(survey, level="overall", weighted=True)
        print(w)
        write_csv(w.to_frame(), out / "gaps_overall_weighted.csv")
        written.append(out / "gaps_overall_weighted.csv")
    if not args.no_report:
        from .report import report

        path = report(survey, out / "report.html")
        written.append(Path(path))
    print()
    print(f"Wrote {len(written)} files to {out.resolve()}:")
    for p in written:
        print(f"  {p}")
    return 0


def _cmd_instrument(args: argparse.Namespace) -> int:
    from .instruments import get

    inst = get(args.name)
    text = inst.to_html() if args.format == "html" else inst.to_markdown()
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"Wrote {args.output}")
    else:
        print(text)
    return 0


def _cmd_gaps(args: argparse.Namespace) -> int:
    survey = _survey_from_args(args)
    print(survey)
    print()
    levels: list[_Level] = [args.level] if args.level else ["dimension", "item", "overall"]
    if args.output:
        written = _write_gaps(
            survey,
            Path(args.output),
            levels=levels,
            title=survey.instrument.name,
            by=args.by,
            weighted=args.weighted,
        )
        print(f"Wrote {len(written)} files to {Path(args.output).resolve()}")
    else:
        from .gaps import gap_scores

        for level in levels:
            print(gap_scores(survey, level=level, by=args.by or None, weighted=args.weighted))
            print()
    return 0


def parse_by(entries: Sequence[str] | None) -> dict[str, list[str] | None] | None:
    """Turn ``--by`` into the report's ``by=``: ``branch`` keeps the segment's groups,
    ``usage=weekly,monthly`` also orders them (and leaves the others out)."""
    if not entries:
        return None
    spec: dict[str, list[str] | None] = {}
    for entry in entries:
        name, sep, levels = entry.partition("=")
        name = name.strip()
        if not name:
            raise DataError(
                f"--by entry {entry!r} has no segment name; write 'segment' or 'segment=a,b'."
            )
        spec[name] = [v.strip() for v in levels.split(",") if v.strip()] if sep else None
    return spec


def _cmd_report(args: argparse.Namespace) -> int:
    from .report import report

    args.outcomes = [args.outcome] if args.outcome else None
    survey = _survey_from_args(args)
    path = report(
        survey,
        args.output,
        title=args.title,
        by=parse_by(args.by),
        outcome=args.outcome,
        score=args.score,
        exclude=args.exclude or (),
        level=args.level,
        sem=not args.no_sem,
        invariance=not args.no_invariance,
        labels=args.labels,
    )
    print(f"Wrote {path}")
    return 0


def _add_data_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="survey export: .csv, .xlsx, .sav or .parquet")
    p.add_argument(
        "--instrument",
        "-i",
        required=True,
        help="the questionnaire the file answers: a built-in name (servqual22, "
        "zone_of_tolerance, ...; see 'servqual instrument') or a .json/.yaml file",
    )
    p.add_argument(
        "--columns",
        help="where the ratings are: a template ('q{n}_{rating}'), a mapping "
        "('E=exp_{n},P=perc_{n}' or 'E1=q1_exp,...') or a regex "
        "('re:(?P<rating>exp|perc)_(?P<n>\\d+)')",
    )
    p.add_argument("--encoding", default="utf-8", help="CSV encoding (default utf-8; e.g. cp949)")
    p.add_argument("--sep", default=None, help="CSV separator (default: sniffed)")
    p.add_argument("--sheet", default="0", help="Excel worksheet name or position (default 0)")
    p.add_argument("--index-col", default=None, help="respondent id column")
    p.add_argument("--segments", nargs="*", help="segment column(s), e.g. branch channel")
    p.add_argument("--importance", help="importance template, e.g. 'imp_{dimension}'")
    p.add_argument("--weights", help="survey weight column")
    p.add_argument(
        "--nan-policy",
        choices=["pairwise", "listwise", "raise"],
        help="missing ratings: use what each statistic can (pairwise, the default), drop "
        "incomplete respondents (listwise) or stop (raise)",
    )
    p.add_argument("--missing-codes", nargs="*", help="codes meaning missing, e.g. 99 -9")


def build_parser() -> argparse.ArgumentParser:
    """The ``servqual`` argument parser."""
    from ._version import __version__

    parser = argparse.ArgumentParser(
        prog="servqual",
        description="Service-quality survey analysis (SERVQUAL and friends).",
        epilog="Exit codes: 0 done, 1 data or file error, 2 usage error.",
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}", help="print the version"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("demo", help="analyse the bundled example and write tables and charts")
    d.add_argument("--output", "-o", default="servqual-demo", help="output folder")
    d.add_argument("--example", default="retail_bank", help="bundled example name")
    d.add_argument("--no-report", action="store_true", help="skip the HTML report")
    d.set_defaults(func=_cmd_demo)
    i = sub.add_parser("instrument", help="print a questionnaire")
    i.add_argument("name", help="built-in instrument name or .json/.yaml file")
    i.add_argument(
        "--format", choices=["markdown", "html"], default="markdown", help="output format"
    )
    i.add_argument("--output", "-o", help="write to this file instead of printing")
    i.set_defaults(func=_cmd_instrument)
    g = sub.add_parser("gaps", help="gap scores of a survey export")
    _add_data_args(g)
    g.add_argument(
        "--level",
        choices=["item", "dimension", "overall"],
        help="one level only (default: dimension, item and overall)",
    )
    g.add_argument("--by", nargs="+", help="segment column(s): one block of rows per segment")
    g.add_argument(
        "--weighted", action="store_true", help="importance-weighted gaps (needs --importance)"
    )
    g.add_argument("--output", "-o", help="folder for CSV tables and PNG charts")
    g.set_defaults(func=_cmd_gaps)
    r = sub.add_parser("report", help="self-contained HTML report of a survey export")
    _add_data_args(r)
    r.add_argument("--output", "-o", default="report.html", help="HTML file (default report.html)")
    r.add_argument("--title", help="page title (default: the instrument name)")
    r.add_argument(
        "--by",
        nargs="+",
        metavar="SEGMENT[=A,B]",
        help="segment column(s) to analyse, in this order; 'usage=weekly,monthly' also "
        "orders that segment's groups and leaves the others out",
    )
    r.add_argument("--outcome", help="outcome column explained by the key drivers, e.g. overall")
    r.add_argument(
        "--score",
        default="perception",
        help="item score of the factor analysis and CFA: perception (default), "
        "expectation, gap ...",
    )
    r.add_argument("--exclude", nargs="+", metavar="ITEM", help="item codes to leave out")
    r.add_argument(
        "--level",
        choices=["dimension", "item"],
        default="dimension",
        help="level of the segment gaps, paired tests and answer charts (default dimension)",
    )
    r.add_argument(
        "--labels",
        choices=["code", "label", "text"],
        default="code",
        help="name items and dimensions by code (TAN1), label (Tangibles) or item wording",
    )
    r.add_argument(
        "--no-sem",
        action="store_true",
        help="leave out the structural model from the quality dimensions to the outcome",
    )
    r.add_argument(
        "--no-invariance",
        action="store_true",
        help="leave out the measurement-invariance section (multi-group factor models of "
        "the items across each segment's groups, a few seconds per segment); the segment "
        "comparisons then carry no invariance note",
    )
    r.set_defaults(func=_cmd_report)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``servqual`` console script; returns the exit code.

    0 when done, 1 for data and file errors (a :class:`~servqual.ServqualError` or an
    :class:`OSError`, the message on stderr), 2 for usage errors (argparse's).
    """
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, --version (0) and usage errors (2)
        return exc.code if isinstance(exc.code, int) else 2
    try:
        return int(args.func(args))
    except ServqualError as exc:
        print(f"servqual: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"servqual: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
