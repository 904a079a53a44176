"""MkDocs hook: publish the notebooks in ../notebooks under docs/notebooks/.

The notebooks live once, at the repository root (where researchers find and copy
them); this hook adds them to the site so mkdocs-jupyter renders them.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


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
    return files
