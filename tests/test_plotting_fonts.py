"""Labels in other scripts: a font that has the glyphs, ASCII stand-ins, one warning.

The tests control the fonts servqual may pick (``_fonts._installed_fonts``) and what
a font file has (``_fonts._charmap``), so they pass on machines with and without
CJK fonts (CI has none).
"""

import dataclasses
import io
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
from matplotlib import font_manager as fm

import servqual as sq
from servqual.instruments import Dimension
from servqual.plotting import _fonts

KOREAN = {
    "tangibles": "유형성",
    "reliability": "신뢰성",
    "responsiveness": "응답성",
    "assurance": "확신성",
    "empathy": "공감성",
}
HANGUL = frozenset(range(0xAC00, 0xD7A4))
FAKE_PATH = "/nonexistent/FakeCJK.ttf"


@pytest.fixture(scope="module")
def korean():
    """SERVQUAL-22 with Korean dimension labels and item wording."""
    base = sq.instruments.servqual22()
    dims = tuple(
        Dimension(
            d.name,
            tuple(
                dataclasses.replace(i, text=f"키오스크 화면은 보기 쉽다 {i.code}") for i in d.items
            ),
            label=KOREAN[d.name],
        )
        for d in base.dimensions
    )
    return dataclasses.replace(base, name="키오스크 SERVQUAL", dimensions=dims)


@pytest.fixture(scope="module")
def gaps():
    return sq.gap_scores(sq.load_example("retail_bank"), level="dimension")


@pytest.fixture
def dejavu():
    """Draw with DejaVu Sans only (no Hangul, has U+2212), whatever is installed."""
    with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}):
        yield


@pytest.fixture
def no_cjk_font(monkeypatch, dejavu):
    """No installed font has Hangul."""
    monkeypatch.setattr(_fonts, "_installed_fonts", lambda: [("DejaVu Sans", _dejavu_path())])


@pytest.fixture
def fake_cjk_font(monkeypatch, dejavu):
    """One installed font, "Fake CJK", has Hangul."""
    real = _fonts._charmap

    def charmap(path):
        return HANGUL if path == FAKE_PATH else real(path)

    monkeypatch.setattr(_fonts, "_charmap", charmap)
    monkeypatch.setattr(_fonts, "_installed_fonts", lambda: [("Fake CJK", FAKE_PATH)])


def _dejavu_path():
    return fm.findfont(fm.FontProperties(family="DejaVu Sans"), fallback_to_default=False)


def _render(fig):
    fig.savefig(io.BytesIO(), format="png")


def _glyph_warnings(record):
    return [w for w in record if "missing from font" in str(w.message)]


# --------------------------------------------------------------- no font installed
def test_matplotlib_alone_warns_per_glyph(dejavu):
    """The control: without servqual's handling, matplotlib warns once per glyph."""
    fig, ax = plt.subplots()
    ax.set_yticks(range(5), list(KOREAN.values()))
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        _render(fig)
    plt.close(fig)
    assert len(_glyph_warnings(record)) >= 5


@pytest.mark.parametrize(
    "draw",
    [
        lambda res, inst, ax: sq.plot_gaps(res, ax=ax, labels="label", instrument=inst),
        lambda res, inst, ax: sq.plot_snake(res, ax=ax, labels="label", instrument=inst),
        lambda res, inst, ax: sq.plot_gaps(res, ax=ax, title="서비스 품질 격차 (P − E)"),
    ],
)
def test_no_cjk_font_one_servqual_warning_per_chart(no_cjk_font, gaps, korean, draw):
    fig, ax = plt.subplots(layout="constrained")
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        draw(gaps, korean, ax)
        _render(fig)
        fig.savefig(io.BytesIO(), format="png", bbox_inches="tight")
    plt.close(fig)
    ours = [w for w in record if issubclass(w.category, sq.ServqualWarning)]
    assert len(ours) == 1
    message = str(ours[0].message)
    assert "apt install fonts-noto-cjk" in message
    assert "Noto Sans CJK" in message
    assert "유" in message or "서" in message  # names the characters
    assert _glyph_warnings(record) == []  # matplotlib's per-glyph warnings stay quiet


def test_no_warning_for_latin_labels(no_cjk_font, gaps):
    fig, ax = plt.subplots()
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        sq.plot_gaps(gaps, ax=ax, labels="label")
        _render(fig)
    plt.close(fig)
    assert [w for w in record if issubclass(w.category, sq.ServqualWarning)] == []
    assert "draw" not in ax.__dict__  # the Axes is left as matplotlib made it


def test_radar_without_cjk_font_one_warning(no_cjk_font, gaps, korean):
    fig, ax = plt.subplots(subplot_kw={"projection": "polar"})
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        sq.plot_radar(gaps, ax=ax, labels="label", instrument=korean, title="레이더")
        _render(fig)
    plt.close(fig)
    assert len([w for w in record if issubclass(w.category, sq.ServqualWarning)]) == 1
    assert _glyph_warnings(record) == []


# --------------------------------------------------------------- a font installed
def test_installed_font_added_as_fallback_for_those_labels(fake_cjk_font, gaps, korean):
    fig, ax = plt.subplots()
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        sq.plot_gaps(gaps, ax=ax, labels="label", instrument=korean, title="서비스 품질")
    assert [w for w in record if issubclass(w.category, sq.ServqualWarning)] == []
    ticks = ax.get_yticklabels()
    assert [t.get_text() for t in ticks] == list(KOREAN.values())
    for tick in ticks:
        assert tick.get_fontfamily() == ["DejaVu Sans", "Fake CJK"]  # DejaVu first, CJK fallback
    # ticks made later (a redraw with more ticks) get the family too
    assert ax.yaxis.get_major_ticks(numticks=8)[-1].label1.get_fontfamily()[-1] == "Fake CJK"
    assert ax.title.get_fontfamily() == ["DejaVu Sans", "Fake CJK"]
    # labels without Hangul keep their font
    assert ax.xaxis.label.get_fontfamily() == ["DejaVu Sans"]
    assert "Fake CJK" not in ax.get_xticklabels()[0].get_fontfamily()
    plt.close(fig)


def test_installed_font_for_legend_and_annotations(fake_cjk_font, korean):
    survey = sq.load_example("retail_bank")
    ipa = sq.importance_performance(survey)
    fig, ax = plt.subplots()
    sq.plot_ipa(ipa, ax=ax, labels="label", instrument=korean)
    notes = [t for t in ax.texts if t.get_text() in KOREAN.values()]
    assert len(notes) == 5
    assert all(t.get_fontfamily()[-1] == "Fake CJK" for t in notes)
    quadrant_names = [t for t in ax.texts if t.get_text() == "concentrate here"]
    assert quadrant_names[0].get_fontfamily() == ["DejaVu Sans"]
    plt.close(fig)
    res = sq.gap_scores(survey, level="dimension", by="channel")
    fig, ax = plt.subplots()
    sq.plot_gaps(res, ax=ax)
    ax.get_legend().get_texts()[0].set_text("지점")  # a Korean segment name
    _fonts.fit_scripts(ax, "plot_gaps")
    assert ax.get_legend().get_texts()[0].get_fontfamily()[-1] == "Fake CJK"
    plt.close(fig)


def test_find_fonts_prefers_cjk_families_and_skips_last_resort(monkeypatch):
    entries = [
        fm.FontEntry(fname="/f/zeta.ttf", name="Zeta Sans"),
        fm.FontEntry(fname="/f/myeongjo.ttf", name="NanumMyeongjo"),
        fm.FontEntry(fname="/f/lastresort.ttf", name="Last Resort High-Efficiency"),
        fm.FontEntry(fname="/f/nanum.ttf", name="NanumGothic"),
        fm.FontEntry(fname="/f/noto.ttc", name="Noto Sans CJK JP"),
    ]
    covers = {
        "/f/zeta.ttf": HANGUL,
        "/f/myeongjo.ttf": HANGUL,
        "/f/lastresort.ttf": frozenset(range(0x110000)),
        "/f/nanum.ttf": HANGUL,
        "/f/noto.ttc": frozenset(range(0x4E00, 0xA000)),
    }
    monkeypatch.setattr(fm.fontManager, "ttflist", entries)
    monkeypatch.setattr(_fonts, "_charmap", lambda path: covers.get(path, frozenset()))
    assert _fonts.find_font("유형성") == "NanumGothic"  # preferred over Zeta Sans
    assert _fonts.find_font("漢字") == "Noto Sans CJK JP"
    families, left = _fonts.find_fonts("유漢")  # no font has both: two fallbacks
    assert sorted(families) == ["NanumGothic", "Noto Sans CJK JP"] and left == set()
    assert _fonts.find_fonts("ก") == ([], {"ก"})  # only Last Resort "has" Thai
    assert _fonts.find_font("ก") is None
    entries.pop(3)  # without NanumGothic: another Nanum font before Zeta Sans
    assert entries[1].name == "NanumMyeongjo" and "NanumGothic" not in [e.name for e in entries]
    assert _fonts.find_font("유형성") == "NanumMyeongjo"


# --------------------------------------------------------------- U+2212 under a CJK font
@pytest.fixture
def font_without_minus(monkeypatch, dejavu):
    """The label font lacks U+2212 (as NanumGothic does) and no font can stand in."""
    real = _fonts._charmap
    monkeypatch.setattr(_fonts, "_charmap", lambda path: real(path) - {0x2212})
    monkeypatch.setattr(_fonts, "_installed_fonts", lambda: [])


def test_minus_sign_becomes_ascii_when_the_font_lacks_it(font_without_minus, gaps):
    fig, ax = plt.subplots()
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        sq.plot_gaps(gaps, ax=ax)
        _render(fig)
    assert ax.get_xlabel() == "Gap (P - E)"
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert any(t.startswith("-") for t in ticks)  # negative gaps
    assert not any("\N{MINUS SIGN}" in t for t in ticks)
    assert [w for w in record if issubclass(w.category, sq.ServqualWarning)] == []
    assert matplotlib.rcParams["axes.unicode_minus"]  # nothing global changed
    plt.close(fig)


def test_minus_sign_kept_when_the_font_has_it(dejavu, gaps):
    fig, ax = plt.subplots()
    sq.plot_gaps(gaps, ax=ax)
    assert ax.get_xlabel() == "Gap (P \N{MINUS SIGN} E)"
    assert any(t.get_text().startswith("\N{MINUS SIGN}") for t in ax.get_xticklabels())
    plt.close(fig)


def test_operations_chart_minus_sign(font_without_minus):
    res = sq.operations.nps(sq.operations.load_records("feedback"), "recommend", by="store")
    fig, ax = plt.subplots()
    sq.plot_nps(res, ax=ax)
    assert ax.get_ylabel() == "NPS (promoters - detractors, points)"
    plt.close(fig)


# --------------------------------------------------------------- real fonts, when present
def test_with_an_installed_cjk_font_no_warning_at_all(gaps, korean):
    """Runs where a CJK font is installed (skipped on CI, which has none)."""
    family = _fonts.find_font("유형성신뢰응답확공감")
    if family is None:
        pytest.skip("no installed font has Hangul")
    fig, ax = plt.subplots()
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        sq.plot_gaps(gaps, ax=ax, labels="label", instrument=korean)
        _render(fig)
    plt.close(fig)
    assert record == [] or not [w for w in record if "font" in str(w.message).lower()]
