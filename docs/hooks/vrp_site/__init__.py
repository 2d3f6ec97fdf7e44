"""Build-time generation of the published contract site from `schema/`.

The mkdocs hook `docs/hooks/vrp_site_hook.py` calls into this package; every page it produces is
generated in memory at build time and never written into `docs/`.
"""
