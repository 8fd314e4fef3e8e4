"""PDF rendering with WeasyPrint, with no way for a template to reach the network.

Templates extend ``pdf/base.html`` (A4, margins, page numbers, Debian fonts).
The only resources a PDF may load are ``data:`` URLs and files inside the
project's static folders (STATICFILES_DIRS) or ``qualitymark/files/pdf_assets/``:

- ``{% static "images/quality-mark.svg" %}`` works: with the default base URL
  (``file:///``) it becomes ``file:///static/images/quality-mark.svg``, which is
  looked up in STATICFILES_DIRS.
- ``{{ pdf_assets_url }}name.svg`` (added to every context) loads from pdf_assets.

Everything else (http, https, ftp, other files, paths that climb out with
``..`` or a symlink) is refused with ValueError; WeasyPrint logs a warning and
renders the document without that resource.

Needs WeasyPrint 68.1 or later (the URLFetcher class).
"""

from __future__ import annotations

import base64
import functools
import io
import mimetypes
import re
import threading
from collections import OrderedDict
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import cssselect2
import lxml.etree
import lxml.html
import segno
from django.conf import settings
from django.template.loader import render_to_string
from PIL import Image
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

PDF_ASSETS_DIR = Path(__file__).resolve().parent / "pdf_assets"
USER_AGENT_CSS = Path(__file__).resolve().parent / "pdf_user_agent.css"
DEFAULT_BASE_URL = "file:///"


def allowed_asset_roots() -> list[Path]:
    """Folders a PDF may load files from, resolved (symlinks followed)."""
    roots = [PDF_ASSETS_DIR]
    for entry in getattr(settings, "STATICFILES_DIRS", []):
        roots.append(Path(entry[1] if isinstance(entry, tuple | list) else entry))
    return [root.resolve() for root in roots]


def _static_candidates(relative: str) -> list[Path]:
    """Where a STATIC_URL path could live in STATICFILES_DIRS (honouring prefixes)."""
    candidates = []
    for entry in getattr(settings, "STATICFILES_DIRS", []):
        if isinstance(entry, tuple | list):
            prefix, root = entry
            prefix = prefix.strip("/") + "/"
            if relative.startswith(prefix):
                candidates.append(Path(root) / relative[len(prefix) :])
        else:
            candidates.append(Path(entry) / relative)
    return candidates


def resolve_asset_path(url: str) -> Path:
    """The local file a ``file:`` URL may load, or ValueError if it is not allowed."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file":
        raise ValueError(f"Only file: URLs name local assets, not {url!r}")
    if parts.netloc not in ("", "localhost"):
        raise ValueError(f"Remote file URLs are not allowed: {url!r}")
    path = unquote(parts.path)
    if "\x00" in path:
        raise ValueError("NUL byte in asset path")
    if ".." in PurePosixPath(path).parts:
        raise ValueError(f"Path traversal is not allowed: {url!r}")
    static_url = settings.STATIC_URL or ""
    if not static_url.startswith("/"):
        static_url = "/" + static_url
    candidates = [Path(path)]
    if path.startswith(static_url):
        candidates = _static_candidates(path[len(static_url) :]) + candidates
    roots = allowed_asset_roots()
    for candidate in candidates:
        try:
            real = candidate.resolve(strict=True)
        except (OSError, RuntimeError):
            continue
        if real.is_file() and any(real.is_relative_to(root) for root in roots):
            return real
    raise ValueError(f"PDF rendering may only load project static files, not {url!r}")


class SafeURLFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that never touches the network.

    ``data:`` URLs are decoded; ``file:`` URLs are served only from
    ``allowed_asset_roots()``; everything else raises ValueError.
    """

    def __init__(self):
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False, timeout=5)

    def fetch(self, url, headers=None):
        scheme = url.split(":", 1)[0].strip().lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = resolve_asset_path(url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type}
            )
        raise ValueError(f"PDF rendering may not fetch {scheme or 'relative'} URLs: {url!r}")


def safe_url_fetcher(url: str) -> URLFetcherResponse:
    """Fetch ``url`` as PDF rendering would; raises ValueError for refused URLs."""
    return SafeURLFetcher().fetch(url)


class _AssetCache(dict):
    """WeasyPrint's image cache, kept between renders so the project's own
    images (the seal, logos) are decoded once. Decoded images refer to other
    entries by opaque keys, so entries are kept or dropped all together: a
    certificate's QR code is a new data: URL every time, and the cache is
    emptied before a render once it holds more than a few hundred entries."""

    LIMIT = 256

    def trimmed(self) -> _AssetCache:
        if len(self) > self.LIMIT:
            self.clear()
        return self


_reused = threading.local()
STYLE_BLOCK = re.compile(r"<style>(.*?)</style>", re.DOTALL)
KEPT_STYLESHEETS = 16  # distinct <style> texts parsed once per thread


def _reusable() -> tuple[FontConfiguration, _AssetCache, OrderedDict]:
    """What one render can hand the next in the same thread (Pango's font map
    is not shared between threads): the font configuration, with the fonts it
    has loaded and shaped, the decoded project images, and parsed stylesheets."""
    if not hasattr(_reused, "font_config"):
        _reused.font_config = FontConfiguration()
        _reused.assets = _AssetCache()
        _reused.stylesheets = OrderedDict()
        _reused.user_agent = CSS(filename=USER_AGENT_CSS, font_config=_reused.font_config)
    return _reused.font_config, _reused.assets, _reused.stylesheets


_PARSER = lxml.html.HTMLParser(no_network=True, huge_tree=True)


class _Document(HTML):
    """An HTML document styled from pdf_user_agent.css, not WeasyPrint's
    user-agent stylesheet, and read by libxml2 (lxml), not WeasyPrint's
    parser written in Python, which took a twelfth of a certificate's time.
    tests/files/test_pdf_parser.py holds the two parsers to the same tree for
    any text, and test_pdf_user_agent.py draws every PDF both ways. Should
    WeasyPrint stop asking for its stylesheet this way, its own is used: the
    PDF comes out the same, only slower."""

    def __init__(self, *, string: str, base_url: str, url_fetcher: URLFetcher):
        try:
            if "\x00" in string:
                raise ValueError("libxml2 reads NUL differently")
            root = lxml.html.document_fromstring(string, parser=_PARSER)
            for element in root.iter("pre", "listing", "textarea"):
                # HTML drops a new line that opens these; libxml2 keeps it.
                if element.text and element.text[0] == "\n":
                    element.text = element.text[1:]  # ValueError if it holds a control
        except (lxml.etree.ParserError, ValueError):
            super().__init__(string=string, base_url=base_url, url_fetcher=url_fetcher)
            return
        self.base_url = base_url
        self.url_fetcher = url_fetcher
        self.media_type = "print"
        self.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
        self.etree_element = self.wrapper_element.etree_element

    def _ua_stylesheets(self, forms=False):
        _reusable()
        return [_reused.user_agent]


def _parsed_styles(html: str, font_config, parsed: OrderedDict) -> tuple[str, list[CSS]]:
    """The page's <style> blocks taken out and handed to WeasyPrint as
    stylesheets parsed once and kept (the templates' CSS is the same from one
    render to the next; only the most recent few texts are kept), in the
    same order, so the cascade is unchanged."""
    sheets = []
    for text in STYLE_BLOCK.findall(html):
        sheet = parsed.get(text)
        if sheet is None:
            sheet = CSS(string=text, font_config=font_config, url_fetcher=SafeURLFetcher())
            parsed[text] = sheet
            while len(parsed) > KEPT_STYLESHEETS:
                parsed.popitem(last=False)
        parsed.move_to_end(text)
        sheets.append(sheet)
    return STYLE_BLOCK.sub("", html), sheets


def render_pdf(
    template_name: str,
    context: dict | None,
    *,
    base_url: str | None = None,
    pdf_variant: str | None = None,
) -> bytes:
    """Render a Django template to PDF bytes.

    ``base_url`` resolves relative URLs in the template; it defaults to
    ``file:///`` so that ``{% static %}`` paths resolve to project static files.
    Any URL still goes through ``SafeURLFetcher``. ``pdf_variant`` (for
    example ``"pdf/ua-1"``) asks WeasyPrint for that PDF profile.
    """
    context = {"pdf_assets_url": PDF_ASSETS_DIR.as_uri() + "/", **(context or {})}
    font_config, assets, parsed = _reusable()
    rendered = render_to_string(template_name, context)
    html, stylesheets = _parsed_styles(rendered, font_config, parsed)
    document = _Document(
        string=html,
        base_url=base_url or DEFAULT_BASE_URL,
        url_fetcher=SafeURLFetcher(),
    )
    return document.write_pdf(
        pdf_tags=True,
        font_config=font_config,
        cache=assets.trimmed(),
        stylesheets=stylesheets,
        pdf_variant=pdf_variant or "pdf/ua-1",
    )


@functools.lru_cache(maxsize=512)
def qr_code_png_data_uri(url: str, *, scale: int = 5) -> str:
    """A QR code for ``url`` as a PNG ``data:`` URI, for PDFs: WeasyPrint decodes
    it once (the same URL is the same cached image) and draws it as one
    picture, where an SVG's path was read and drawn again on every render, a
    fifth of a certificate's time. Five pixels a module (about 190 dots an
    inch at the certificate's 32 mm, each pixel edge on a module edge), shown
    with ``image-rendering: pixelated`` so a viewer never blurs the modules;
    ten cost a twentieth of a certificate's time more and looked the same.
    Greyscale: WeasyPrint writes a picture's pixels out again for every PDF,
    and a palette PNG (segno's own) is widened to three colour channels first."""
    qr = segno.make_qr(url, error="m")
    drawn = io.BytesIO()
    qr.save(drawn, kind="png", scale=scale, border=4, dark="#0b0c0c", light="#ffffff")
    grey = io.BytesIO()
    Image.open(drawn).convert("L").save(grey, format="PNG")
    return "data:image/png;base64," + base64.b64encode(grey.getvalue()).decode("ascii")


__all__ = [
    "DEFAULT_BASE_URL",
    "PDF_ASSETS_DIR",
    "SafeURLFetcher",
    "allowed_asset_roots",
    "qr_code_png_data_uri",
    "render_pdf",
    "resolve_asset_path",
    "safe_url_fetcher",
]
