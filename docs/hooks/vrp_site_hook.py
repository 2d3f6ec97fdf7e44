"""The mkdocs hook that generates the contract reference from `schema/` at build time.

Registered in `mkdocs.yml` (`hooks:`). Pages are added in memory in `on_files` and never written
into `docs/`; schema data is read only through `vrp_contract.revisions`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from vrp_site import mermaid
from vrp_site.site import GeneratedSite, expand_nav, generate

from vrp_contract.revisions import Revision, list_revisions

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer

log = logging.getLogger("mkdocs.hooks.vrp_site")
_STATE: dict[str, GeneratedSite] = {}


def _root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Generate the site content, expand the nav placeholders and ship the pinned Mermaid."""
    cache_clear = getattr(Revision.schema_file, "cache_clear", None)
    if callable(cache_clear):  # `mkdocs serve` rebuilds in one process: re-read edited schemas
        cache_clear()
    site = generate(list_revisions(), _root(config))
    _STATE["site"] = site
    if config.nav is not None:
        config.nav = expand_nav(config.nav, site.nav)
    if mermaid.script_path(_root(config)).is_file():
        config.extra_javascript.append(mermaid.SITE_PATH)
    elif config.strict:  # also under `--quiet`, which hides the warning a strict build counts
        msg = (
            f"mermaid@{mermaid.MERMAID_VERSION} is not fetched, so the state diagram would show "
            "as code: run `make setup-docs-js` (or build with `make docs`, which runs it)"
        )
        raise PluginError(msg)
    else:
        log.warning(
            "mermaid@%s is not fetched: run `make setup-docs-js` (the state diagram needs it)",
            mermaid.MERMAID_VERSION,
        )
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the generated pages, the downloadable schema files and the Mermaid script."""
    site = _STATE["site"]
    for path, text in site.pages.items():
        files.append(File.generated(config, path, content=text))
    for path, data in site.files.items():
        files.append(File.generated(config, path, content=data))
    script = mermaid.script_path(_root(config))
    if script.is_file():
        files.append(File.generated(config, mermaid.SITE_PATH, abs_src_path=str(script)))
        licence = script.with_name("LICENSE")
        files.append(
            File.generated(config, mermaid.SITE_PATH + ".LICENSE.txt", abs_src_path=str(licence))
        )
    return files


def on_serve(server: LiveReloadServer, config: MkDocsConfig, builder: Any) -> LiveReloadServer:  # noqa: ANN401, ARG001
    """Rebuild when the schema, the changelog or the generators change."""
    root = _root(config)
    for path in ("schema", "CHANGELOG.md", "docs/hooks", "src/vrp_contract"):
        if (root / path).exists():
            server.watch(str(root / path))
    return server
