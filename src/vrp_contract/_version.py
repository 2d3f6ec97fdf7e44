"""The package version, in a leaf module so that any module may import it at the top."""

__version__ = "0.1.1"
"""Equal to pyproject.toml's `project.version` and to the bindings' version (a test checks)."""
