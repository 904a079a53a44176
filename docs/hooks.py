"""MkDocs hooks: publish the notebooks and a local copy of MathJax with the site.

The notebooks live once, at the repository root (where researchers find and copy
them); this hook adds them to the site under notebooks/ so mkdocs-jupyter renders them.

MathJax (for the formulas of the Methods page and the API docstrings) is served from the
site itself, so the pages render offline: it is copied from the MathJax 3 release that the
``django-static-mathjax`` package ships (a ``docs`` extra of servqual; the package needs
no Django) into javascripts/mathjax/, which ``extra_javascript`` in mkdocs.yml loads.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"

MATHJAX_DEST = "javascripts/mathjax"
# the combined TeX/MathML -> CommonHTML component and what it loads on demand:
# TeX extensions, the CHTML fonts, the menu and the accessibility tools
MATHJAX_PARTS = ["tex-mml-chtml.js", "input", "output/chtml", "ui", "a11y", "sre"]


def mathjax_dir() -> Path:
    """The ``es5`` folder of the installed MathJax 3 distribution."""
    try:
        root = resources.files("mathjax") / "static" / "mathjax"
    except ModuleNotFoundError:
        root = None
    if root is None or not (root / "es5" / "tex-mml-chtml.js").is_file():
        raise PluginError(
            "MathJax is not installed: the docs serve it locally "
            "(pip install 'servqual[docs]', which brings django-static-mathjax)"
        )
    return Path(str(root))


@event_priority(100)  # before mkdocs-jupyter wraps the notebook files
def on_files(files: Files, config) -> Files:
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        src_uri = f"notebooks/{path.name}"
        if files.get_file_from_path(src_uri) is not None:
            continue
        # a regular file whose source folder is the repository root
        files.append(
            File(
                src_uri,
                src_dir=str(NOTEBOOKS.parent),
                dest_dir=config["site_dir"],
                use_directory_urls=config["use_directory_urls"],
            )
        )
    mathjax = mathjax_dir()
    es5 = mathjax / "es5"
    sources = {"LICENSE": mathjax / "LICENSE"}
    for part in MATHJAX_PARTS:
        found = sorted(p for p in (es5 / part).rglob("*") if p.is_file()) or [es5 / part]
        sources.update((path.relative_to(es5).as_posix(), path) for path in found)
    for rel, path in sources.items():
        files.append(File.generated(config, f"{MATHJAX_DEST}/{rel}", abs_src_path=str(path)))
    return files
