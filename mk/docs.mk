# The published contract site (mkdocs-material), generated from schema/ by docs/hooks/.
# Mermaid is shipped with the site: setup-docs-js fetches the version pinned (with its integrity) in
# docs/hooks/vrp_site/mermaid.py via `npm pack` into .cache/docs/ (gitignored); no CDN at view time.
.PHONY: docs serve-docs setup-browser setup-docs-js

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
MKDOCS := NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs

setup-docs-js: $(PY) ## fetch the pinned Mermaid script for the docs site (npm registry, once)
	$(PY) docs/hooks/fetch_mermaid.py

# The browser tests need the browser and one font family for text layout, nothing it recommends.
setup-browser: ## install Debian chromium for the browser tests (only if missing)
	@if [ -x /usr/bin/chromium ]; then echo "chromium: $$(/usr/bin/chromium --version 2>/dev/null)"; \
	else $(SUDO) apt-get update && \
		$(SUDO) apt-get install -y --no-install-recommends chromium fonts-liberation; fi

docs: setup-docs-js ## build the site into site/ (mkdocs build --strict: any warning fails)
	$(MKDOCS) build --strict

serve-docs: setup-docs-js ## serve the site with live reload on http://127.0.0.1:8000
	$(MKDOCS) serve

SETUP_TARGETS += setup-docs-js setup-browser
TEST_TARGETS += docs
