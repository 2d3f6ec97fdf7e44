"""Pinned generator versions: the single source of truth for `--install-tools` and the checks.

Bumping one of these changes generated output: regenerate and commit in the same change.
"""

from __future__ import annotations

__all__ = [
    "CARGO_TYPIFY",
    "DATAMODEL_CODE_GENERATOR",
    "GO_JSONSCHEMA_MODULE",
    "GO_JSONSCHEMA_VERSION",
    "JSONSCHEMA2POJO",
]

# Python: installed from pyproject.toml's `dev` extra (exact pin there too).
DATAMODEL_CODE_GENERATOR = "0.89.0"
# Go: the omissis/go-jsonschema project, published under its original module path.
GO_JSONSCHEMA_MODULE = "github.com/atombender/go-jsonschema"
GO_JSONSCHEMA_VERSION = "v0.24.1"
# Rust: `cargo install cargo-typify --version X --locked`.
CARGO_TYPIFY = "0.8.0"
# Java: the jsonschema2pojo Maven plugin (scripts/codegen/java/pom.xml uses the same version).
JSONSCHEMA2POJO = "1.2.2"
