"""The documentation site builds with ``mkdocs build --strict`` (no warnings)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import servqual

pytest.importorskip("mkdocs")
pytest.importorskip("mkdocstrings")
pytest.importorskip("mkdocs_jupyter")

ROOT = Path(__file__).resolve().parents[1]


def test_mkdocs_build_strict(tmp_path):
    site = tmp_path / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q",
         "-f", str(ROOT / "mkdocs.yml"), "-d", str(site)],
        cwd=tmp_path,  # mkdocs-jupyter writes its cache under the working directory
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # mkdocs' own warnings (the notebook kernel may log "[IPKernelApp] WARNING | ...")
    mkdocs_warnings = [line for line in proc.stderr.splitlines() if line.startswith("WARNING")]
    assert mkdocs_warnings == [], proc.stderr
    assert (site / "index.html").exists()
    # every notebook is rendered, and the API pages hold the docstrings
    # the notebooks are stored without outputs; the site executes them, so a reader
    # sees the tables and charts (and a failing cell fails the build)
    for name in ["01_servqual_study", "02_zone_of_tolerance", "03_four_perspectives"]:
        page = (site / "notebooks" / name / "index.html").read_text(encoding="utf-8")
        assert page.count("data:image/png;base64") >= 4, name
    loyalty = (site / "notebooks" / "05_quality_to_loyalty" / "index.html").read_text("utf-8")
    assert loyalty.count("data:image/png;base64") >= 1  # the path diagram
    branches = (site / "notebooks" / "06_compare_branches" / "index.html").read_text("utf-8")
    assert "Can we compare the branches?" in branches
    assert branches.count("data:image/png;base64") >= 3  # gaps, invariance steps, gaps
    # the chart gallery draws every sq.plot_* function
    gallery = (site / "notebooks" / "04_chart_gallery" / "index.html").read_text(encoding="utf-8")
    charts = sorted(name for name in dir(servqual) if name.startswith("plot_"))
    assert [name for name in charts if f"sq.{name}" not in gallery] == []
    assert gallery.count("data:image/png;base64") >= len(charts)
    # the large-data page is in the navigation, not an orphan
    assert 'href="scale/"' in (site / "index.html").read_text(encoding="utf-8")
    gaps = (site / "api" / "gaps" / "index.html").read_text(encoding="utf-8")
    assert "servqual.gaps.gap_scores" in gaps
    # the docstrings' Sphinx roles are links or code on the pages, never raw text
    # (docs/griffe_roles.py); re-exports link to the page that documents them
    pages = sorted((site / "api").rglob("index.html"))  # the overview is "api"
    api = {page.parent.name: page.read_text(encoding="utf-8") for page in pages}
    raw = {name: re.findall(r":(?:class|func|meth|attr|mod|exc|data|obj|math):", html)
           for name, html in api.items()}  # fmt: skip
    assert {name: found for name, found in raw.items() if found} == {}
    to_gaps = 'href="../gaps/#servqual.gaps.gap_scores"><code>servqual.gap_scores</code></a>'
    assert to_gaps in api["report"]
    assert 'href="#servqual.summary.SurveySummary"><code>SurveySummary</code></a>' in api["summary"]
    # only the names of each module's __all__: no internal helpers
    for helper in ["gap_block", "gap_result", "out_index_name"]:
        assert f'id="servqual.gaps.{helper}"' not in gaps, helper
    assert 'id="servqual.summary.as_source"' not in api["summary"]
    methods = (site / "methods" / "index.html").read_text(encoding="utf-8")
    assert "Feldt" in methods and "Fornell" in methods and "arithmatex" in methods
    # MathJax comes with the site (docs/hooks.py): no page loads a script from the network
    assert '<script src="../javascripts/mathjax/tex-mml-chtml.js"' in methods
    assert (site / "javascripts" / "mathjax" / "output" / "chtml" / "fonts").is_dir()
    remote = [(page.relative_to(site).as_posix(), src)
              for page in site.rglob("*.html")
              for src in re.findall(r'<script[^>]*\ssrc="([^"]*)"', page.read_text(encoding="utf-8"))
              if "//" in src]  # fmt: skip
    assert remote == []


def test_sphinx_roles_become_cross_references():
    """docs/griffe_roles.py: what a role becomes, as seen from the docstring's object."""
    import importlib.util

    griffe = pytest.importorskip("griffe")
    spec = importlib.util.spec_from_file_location("griffe_roles", ROOT / "docs" / "griffe_roles.py")
    roles = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(roles)
    ext = roles.RolesExtension()
    loader = griffe.GriffeLoader(
        extensions=griffe.load_extensions(ext), search_paths=[str(ROOT / "src")]
    )
    pkg = loader.load("servqual")

    def convert(text, context="servqual"):
        return ext.convert(text, loader.modules_collection[context])

    # re-exports link to the documented object; "~" shows the last component
    assert convert(":class:`~servqual.Survey`") == "[`Survey`][servqual.survey.Survey]"
    assert convert(":func:`servqual.gap_scores`") == (
        "[`servqual.gap_scores`][servqual.gaps.gap_scores]"
    )
    # relative names are looked up from the class, the module, the packages
    summary = "servqual.summary.SurveySummary.from_csv"
    assert convert(":meth:`from_frame`", summary) == (
        "[`from_frame`][servqual.summary.SurveySummary.from_frame]"
    )
    assert convert(":func:`cronbach_alpha`", "servqual.gaps") == (
        "[`cronbach_alpha`][servqual.reliability.cronbach_alpha]"
    )
    assert convert(":meth:`Summary.from_frame\n<servqual.SurveySummary.from_frame>`") == (
        "[`Summary.from_frame`][servqual.summary.SurveySummary.from_frame]"
    )
    # the function, not its submodule of the same name
    assert convert(":func:`conformance`", "servqual.operations") == (
        "[`conformance`][servqual.operations.conformance.conformance]"
    )
    # anything the API pages do not document is code, not a link
    assert convert(":func:`pandas.read_csv`") == "`pandas.read_csv`"
    assert convert(":func:`servqual.gaps.gap_block`") == "`servqual.gaps.gap_block`"
    assert convert(":math:`\\alpha =\n k`") == "\\(\\alpha = k\\)"
    see_also = "See Also\n--------\nkey_drivers : regression.\nnumpy.cov, power\n\nNotes"
    assert convert(see_also, "servqual.drivers") == (
        "See Also\n--------\n- [`key_drivers`][servqual.drivers.key_drivers]: regression.\n"
        "- `numpy.cov`, [`power`][servqual.power.power]\n\nNotes"
    )
    # the loaded docstrings are rewritten; the source is not
    assert ":class:" not in pkg["summary"].docstring.value
    assert "[`SurveySummary`][servqual.summary.SurveySummary]" in pkg["summary"].docstring.value
    assert ":class:`SurveySummary`" in (ROOT / "src" / "servqual" / "summary.py").read_text("utf-8")
