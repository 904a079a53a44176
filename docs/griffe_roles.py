"""Griffe extension: Sphinx cross-reference roles in docstrings become autorefs links.

The docstrings of servqual are written for every reader (``help()``, Jupyter, IDEs) and use
Sphinx roles: ``:class:`~servqual.Survey```, ``:func:`gap_scores```, ``:math:`k```.
mkdocstrings does not understand those, so at docs build time, once the whole package is
loaded, this extension rewrites each docstring (the source files are not touched):

* ``:class:`` / ``:func:`` / ``:meth:`` / ``:attr:`` / ``:mod:`` / ``:exc:`` / ``:data:`` /
  ``:obj:`` become ``[`title`][identifier]``, an mkdocs-autorefs cross-reference to the
  heading the API pages render for that object. A name is looked up like Sphinx does:
  relative to the object the docstring belongs to (its class, its module, the enclosing
  packages), then from the top-level ``servqual`` package. Re-exports such as
  ``servqual.gap_scores`` are followed to the object they name, and the link points to the
  identifier an API page documents (``servqual.gaps.gap_scores``). With a leading ``~``
  only the last component is shown, as in Sphinx.
* A name that is not documented on an API page (numpy, pandas, scipy, R functions, private
  helpers) becomes plain code: never a broken link, never a build warning.
* ``:math:`...``` becomes ``\\(...\\)``, which pymdownx.arithmatex hands to MathJax.
* The names of a numpy ``See Also`` section become the same links (one list item per
  entry: ``name : description`` or ``name, name``).

What "documented on an API page" means is read from the ``::: identifier`` lines of the
Markdown pages under ``docs/``: the object itself and, recursively, the public members
(``__all__`` of modules; names without a leading underscore in classes) that have a
docstring -- the members mkdocstrings renders with ``filters: public`` and
``show_if_no_docstring: false`` (the options of ``mkdocs.yml``). If a page narrows that
set with its own options, ``mkdocs build --strict`` reports the link that no longer resolves.

Registered in ``mkdocs.yml`` under the python handler's ``options: extensions:``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from griffe import Alias, AliasResolutionError, CyclicAliasError, Extension, Object

DOCS = Path(__file__).resolve().parent

#: Sphinx roles that name a Python object
OBJECT_ROLES = ("class", "func", "meth", "attr", "mod", "exc", "data", "obj")

# :role:`content` or :py:role:`content`; the content may wrap onto the next line
ROLE_RE = re.compile(r":(?:py:)?(?P<role>[a-z]+):`(?P<content>[^`]+)`")
EXPLICIT_TITLE_RE = re.compile(r"^(?P<title>.+?)\s*<(?P<target>[^<>]+)>$", re.DOTALL)
# a numpy "See Also" section: the header and its lines up to the next blank line
SEE_ALSO_RE = re.compile(r"^(?P<head>See Also\n-{3,}\n)(?P<body>.*?)(?=\n[ \t]*\n|\Z)", re.M | re.S)
DIRECTIVE_RE = re.compile(r"^:::\s+(?P<identifier>[\w.]+)\s*$", re.MULTILINE)
_LOOKUP_ERRORS = (KeyError, ValueError, AttributeError, AliasResolutionError, CyclicAliasError)


def documented_roots(docs: Path = DOCS) -> list[str]:
    """Identifiers of the ``::: identifier`` blocks of the Markdown pages in ``docs``."""
    roots: list[str] = []
    for page in sorted(docs.rglob("*.md")):
        roots.extend(m["identifier"] for m in DIRECTIVE_RE.finditer(page.read_text("utf-8")))
    return roots


def _canonical(obj: Object | Alias) -> str | None:
    try:
        return obj.canonical_path
    except _LOOKUP_ERRORS:
        return None


def _rendered(obj: Object | Alias):
    """Yield ``obj`` and the members mkdocstrings renders below it (``filters: public``)."""
    yield obj
    try:
        if not (obj.is_module or obj.is_class):
            return
        members = list(obj.members.values())
    except _LOOKUP_ERRORS:
        return
    for member in members:
        try:
            if member.is_module or member.inherited or not member.is_public:
                continue
            if not member.has_docstrings:
                continue
        except _LOOKUP_ERRORS:
            continue
        yield from _rendered(member)


class RolesExtension(Extension):
    """Rewrite Sphinx roles in the docstrings of a package into autorefs cross-references."""

    def __init__(self, package: str = "servqual") -> None:
        super().__init__()
        self.package = package

    # ------------------------------------------------------------------ griffe hook
    def on_package(self, *, pkg: Object, loader: Any, **kwargs: Any) -> None:
        if pkg.name != self.package:
            return
        self._collection = loader.modules_collection
        self._documented = self._documented_map()
        for obj in self._walk(pkg):
            if obj.docstring is not None and ":" in obj.docstring.value:
                obj.docstring.value = self.convert(obj.docstring.value, obj)

    # ------------------------------------------------------------------ internals
    def _lookup(self, path: str) -> Object | Alias | None:
        """The object ``path`` names at run time.

        A package attribute bound by an import wins over a submodule of the same name
        (``servqual.operations.conformance`` is the function, not the module).
        """
        parent, _, name = path.rpartition(".")
        owner = self._get(parent) if parent else None
        if owner is not None and not owner.is_alias and owner.is_module:
            imported = owner.imports.get(name)
            if imported is not None and imported != path:
                return self._get(imported) or self._get(path)
        return self._get(path)

    def _get(self, path: str) -> Object | Alias | None:
        try:
            return self._collection[path]
        except _LOOKUP_ERRORS:
            return None

    def _documented_map(self) -> dict[str, str]:
        """Map the path and canonical path of every rendered object to its heading id."""
        documented: dict[str, str] = {}
        for identifier in documented_roots():
            root = self._lookup(identifier)
            if root is None:
                continue
            for obj in _rendered(root):
                documented.setdefault(obj.path, obj.path)
                if (canonical := _canonical(obj)) is not None:
                    documented.setdefault(canonical, obj.path)
        return documented

    def _walk(self, obj: Object):
        """Every object defined in the package (aliases share their target's docstring)."""
        yield obj
        for member in obj.members.values():
            if not member.is_alias:
                yield from self._walk(member)

    def resolve(self, name: str, context: Object) -> str | None:
        """The heading id documenting ``name`` as seen from ``context``, or ``None``."""
        if name.startswith(f"{self.package}."):
            candidates = [name]
        else:
            scopes: list[str] = []
            scope: Object | None = context
            while scope is not None:
                scopes.append(scope.path)
                scope = scope.parent
            candidates = [f"{s}.{name}" for s in scopes]
        for candidate in candidates:
            target = self._lookup(candidate)
            if target is None:
                continue
            for path in (target.path, _canonical(target)):
                if path is not None and path in self._documented:
                    return self._documented[path]
        return None

    def convert(self, text: str, context: Object) -> str:
        """``text`` with its Sphinx roles turned into Markdown for mkdocstrings."""

        def replace(match: re.Match[str]) -> str:
            role, content = match["role"], match["content"]
            if role == "math":
                return r"\(" + re.sub(r"\s*\n\s*", " ", content.strip()) + r"\)"
            if role not in OBJECT_ROLES:
                return match[0]
            explicit = EXPLICIT_TITLE_RE.match(content)  # :func:`title <target>`
            name = re.sub(r"\s+", "", explicit["target"] if explicit else content)
            short = name.startswith("~")
            name = name.lstrip("~.").removesuffix("()")
            if explicit:
                title = re.sub(r"\s+", " ", explicit["title"].strip())
            else:
                title = name.rsplit(".", 1)[-1] if short else name
            identifier = self.resolve(name, context)
            if identifier is None:
                return f"`{title}`"
            return f"[`{title}`][{identifier}]"

        text = ROLE_RE.sub(replace, text)
        return SEE_ALSO_RE.sub(lambda m: m["head"] + self._see_also(m["body"], context), text)

    def _see_also(self, body: str, context: Object) -> str:
        """The entries of a See Also section as a list of links (or code)."""

        def link(name: str) -> str:
            identifier = self.resolve(name, context)
            return f"[`{name}`][{identifier}]" if identifier else f"`{name}`"

        lines = []
        for line in body.splitlines():
            if not line.strip() or line[0].isspace():  # a description's next line
                lines.append(f"  {line.strip()}" if line.strip() else line)
                continue
            names, _, description = line.partition(" : ")
            linked = ", ".join(link(name.strip()) for name in names.split(",") if name.strip())
            lines.append(f"- {linked}: {description.strip()}" if description else f"- {linked}")
        return "\n".join(lines)
