"""The built site as a person sees it: served on localhost and driven in headless Chromium."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from html.parser import HTMLParser
from typing import TYPE_CHECKING
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from tests.docs.docs_site_support import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    build_site,
    require,
    require_mermaid,
    serve,
)
from vrp_contract.revisions import list_revisions

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from playwright.sync_api import Browser, Page, Route

pytestmark = pytest.mark.browser

# Material renders each diagram into a *closed* shadow root; open it so the test can see the SVG.
OPEN_SHADOW_ROOTS = """
const attach = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) {
  return attach.call(this, Object.assign({}, init, { mode: "open" }));
};
"""
EVENT_PAGES = [
    f"reference/v{rev.name}/events/{name.lower()}/"
    for rev in list_revisions()
    for name in rev.event_types
]
LATEST = f"reference/v{list_revisions()[-1].name}/"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_mermaid()
    out = tmp_path_factory.mktemp("site")
    build_site(out)
    return out


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    yield from serve(site)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    require(CHROMIUM.is_file(), f"{CHROMIUM} is missing; run `make setup-browser`")
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - only when Chromium exists

    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(OPEN_SHADOW_ROOTS)
    outside: list[str] = []

    def offline(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).hostname == "127.0.0.1" or url.startswith(("data:", "blob:")):
            route.continue_()
        else:  # the site must work offline: nothing may come from a CDN or font service
            outside.append(url)
            route.abort()

    context.route("**/*", offline)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield opened
    finally:
        context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"
    assert outside == [], f"requests leaving localhost: {outside}"


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _h1(page: Page) -> str:
    return page.locator("article h1").first.inner_text().removesuffix("¶").strip()


def test_home_page(page: Page, base_url: str) -> None:
    page.goto(base_url)
    assert "VRP event contract" in page.title()
    assert _h1(page) == "The VRP event contract"
    _shot(page, "home")


def test_state_diagram_renders(page: Page, base_url: str) -> None:
    page.goto(base_url + LATEST + "state-machine/")
    diagram = page.locator("div.mermaid").first
    diagram.wait_for(state="attached", timeout=20_000)
    svg = page.locator("div.mermaid svg").first
    svg.wait_for(state="visible", timeout=20_000)
    text = svg.text_content() or ""
    for state in ("BIRTH", "ATTACHED", "VOLATILE", "DEGRADED", "RECOVERING", "TERMINATED"):
        assert state in text
    box = svg.bounding_box()
    assert box is not None
    assert box["width"] > 100
    assert box["height"] > 100
    _shot(page, "state-diagram")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    diagram.screenshot(path=str(ARTIFACTS / "state-diagram-only.png"))


def test_search_finds_recovery_signal(page: Page, base_url: str) -> None:
    page.goto(base_url)
    box = page.locator("input.md-search__input")
    box.click()
    # Typing before the search worker has loaded its index is dropped: wait for it first.
    page.wait_for_function(
        "() => !(document.querySelector('.md-search-result__meta')?.textContent ?? '')"
        ".includes('Initializing')",
        timeout=20_000,
    )
    box.press_sequentially("RECOVERY_SIGNAL")  # Material reads the query on keyup
    page.locator(".md-search-result__item a").first.wait_for(state="visible", timeout=20_000)
    # Results keep rendering as the index answers: read every href in one evaluation, and wait
    # for the event page among them (a count read first can go stale before each item is read).
    found = """() => [...document.querySelectorAll('.md-search-result__item a')]
        .some(a => (a.getAttribute('href') || '').includes('events/recovery_signal'))"""
    page.wait_for_function(found, timeout=20_000)
    hits = page.locator(".md-search-result__item a")
    hrefs = hits.evaluate_all("els => els.map(e => e.getAttribute('href') || '')")
    assert any("events/recovery_signal" in href for href in hrefs), hrefs


@pytest.mark.parametrize("path", EVENT_PAGES)
def test_event_type_page_opens(page: Page, base_url: str, path: str) -> None:
    response = page.goto(base_url + path)
    assert response is not None
    assert response.status == 200
    event_type = path.rstrip("/").rsplit("/", 1)[-1].upper()
    assert _h1(page) == event_type
    h2 = [t.removesuffix("¶").strip() for t in page.locator("article h2").all_inner_texts()]
    assert h2 == ["Fields", "Details", "Example", "Valid examples", "Invalid examples"]
    assert page.locator("article pre code").count() >= 2
    if event_type == "STATE_CHANGE":
        _shot(page, "event-state_change")


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        del tag
        for key, value in attrs:
            if key in {"href", "src"} and value:
                self.refs.append(value)
            elif key in {"id", "name"} and value:
                self.ids.add(value)


def _get(url: str) -> tuple[int, str, str]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=10) as response:
            kind = response.headers.get_content_type()
            body = response.read().decode("utf-8", "replace") if kind == "text/html" else ""
            return response.status, kind, body
    except urllib.error.HTTPError as exc:
        exc.close()
        return exc.code, "", ""


def test_no_internal_link_is_broken(base_url: str) -> None:
    host = urlsplit(base_url).netloc
    pages: dict[str, _Refs] = {}
    status: dict[str, int] = {}
    queue = [base_url]
    links: list[tuple[str, str]] = []
    while queue:
        url = queue.pop()
        if url in status:
            continue
        code, kind, body = _get(url)
        status[url] = code
        if code != 200 or kind != "text/html":
            continue
        parser = _Refs()
        parser.feed(body)
        pages[url] = parser
        for ref in parser.refs:
            target = urljoin(url, ref)
            if urlsplit(target).netloc != host or urlsplit(target).scheme not in {"http", "https"}:
                continue
            links.append((url, target))
            queue.append(urldefrag(target).url)
    broken = [(src, dst) for src, dst in links if status.get(urldefrag(dst).url) != 200]
    assert broken == [], broken
    missing_anchor = [
        (src, dst)
        for src, dst in links
        if (fragment := urldefrag(dst).fragment)
        and urldefrag(dst).url in pages
        and fragment not in pages[urldefrag(dst).url].ids
    ]
    assert missing_anchor == [], missing_anchor
    crawled = {u for u in pages if re.search(r"/events/[a-z_]+/$", u)}
    assert len(crawled) == len(EVENT_PAGES)
    assert any(u.endswith("/schema/v0.1/bundle/event.schema.json") for u in status)
