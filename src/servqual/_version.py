"""The package version (one place; read by ``servqual.__version__`` and the report)."""

__version__ = "0.1.0"
