"""The top-level package: light to import, every public name reachable, lazy loading exact."""

import ast
import subprocess
import sys
from pathlib import Path

import servqual as sq

SRC = Path(sq.__file__).resolve().parents[1]


def _run(code: str) -> str:
    env = {"PYTHONPATH": str(SRC), "PATH": ""}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


def test_import_leaves_the_statistics_scipy_and_statsmodels_unloaded():
    loaded = _run(
        "import sys, servqual\n"
        "heavy = ('scipy.stats', 'statsmodels', 'matplotlib.pyplot', 'servqual.gaps')\n"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    assert loaded == "[]"


def test_every_public_name_resolves_to_its_module_object():
    for name in sq.__all__:
        assert getattr(sq, name) is not None, name
    for module, names in sq._LAZY.items():
        mod = sys.modules[f"servqual.{module}"]
        for name in names:
            assert getattr(sq, name) is getattr(mod, name), name
    assert set(sq._ORIGIN) - sq._SUBMODULES <= set(sq.__all__)
    assert set(sq.__all__) <= set(dir(sq))


def test_submodules_are_attributes_of_the_package():
    out = _run(
        "import types, servqual as sq\n"
        "print(all(isinstance(getattr(sq, m), types.ModuleType) for m in "
        "('gaps', 'reliability', 'operations', 'summary', 'value', 'io')))"
    )
    assert out == "True"


def test_functions_named_like_their_module_stay_functions():
    # importing the submodule first binds it on the package; the package keeps the function
    out = _run(
        "import servqual as sq\n"
        "import servqual.cfa, servqual.kano, servqual.omega, servqual.power, servqual.report\n"
        "from servqual.report import report\n"
        "print([callable(f) and not isinstance(f, type(sq)) for f in "
        "(sq.cfa, sq.kano, sq.omega, sq.power, sq.report)], sq.report is report)"
    )
    assert out == "[True, True, True, True, True] True"


def test_unknown_names_raise_attribute_error():
    try:
        sq.gap_score  # noqa: B018
    except AttributeError as exc:
        assert "gap_score" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("sq.gap_score resolved")


def test_type_checking_imports_match_the_lazy_table():
    tree = ast.parse(Path(sq.__file__).read_text(encoding="utf-8"))
    block = next(
        node
        for node in tree.body
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING"
    )
    seen: dict[str, tuple[str, ...]] = {}
    modules: set[str] = set()
    for node in block.body:
        if isinstance(node, ast.ImportFrom) and node.module:
            seen[node.module] = tuple(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            modules |= {a.name for a in node.names}
    assert seen == sq._LAZY
    assert modules == sq._SUBMODULES
