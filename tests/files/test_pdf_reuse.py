"""What one PDF render hands the next (issue 16): the font configuration,
the project's images and the parsed <style> blocks are kept per thread, and a
render that reuses them lays the page out exactly as a fresh one does."""

import io
import threading

from pypdf import PdfReader

from qualitymark.files import pdf


def _page_size(data: bytes) -> tuple[float, float]:
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    return float(box.width), float(box.height)


def _text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_second_render_reuses_the_parsed_styles_and_looks_the_same(tmp_path, settings):
    template = tmp_path / "landscape.html"
    template.write_text(
        '{% extends "pdf/base.html" %}{% block page_style %}@page { size: A4 landscape; }'
        "{% endblock %}{% block content %}<h1>Reused {{ n }}</h1>{% endblock %}"
    )
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path, *engine["DIRS"]]}, *settings.TEMPLATES[1:]]
    first = pdf.render_pdf("landscape.html", {"n": 1})
    font_config, assets, parsed = pdf._reusable()
    kept = dict(parsed)
    second = pdf.render_pdf("landscape.html", {"n": 2})
    assert pdf._reusable() == (font_config, assets, parsed)
    assert all(parsed[text] is sheet for text, sheet in kept.items())
    width, height = _page_size(second)
    assert width > height  # the template's own CSS still applies
    assert _page_size(first) == _page_size(second)
    assert "Reused 2" in _text(second)
    assert "/StructTreeRoot" in PdfReader(io.BytesIO(second)).trailer["/Root"]  # still tagged


def test_the_image_cache_is_bounded_and_emptied_only_between_renders():
    cache = pdf._AssetCache()
    cache["file:///app/qualitymark/files/pdf_assets/seal.svg"] = "the seal"
    cache["0123-source-"] = "its decoded data, which the seal refers to"
    assert cache.trimmed() is cache and len(cache) == 2  # kept together for the next render
    for number in range(pdf._AssetCache.LIMIT):
        cache[f"data:image/svg+xml;base64,{number}"] = "a QR code"
    assert len(cache.trimmed()) == 0


def test_a_certificate_with_a_raster_logo_renders_twice_from_the_kept_cache(settings, tmp_path):
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (40, 40), "teal").save(logo)
    html = f'<h1>Quality Mark</h1><img src="{logo.as_uri()}" alt="logo">'
    cache = pdf._AssetCache()
    from weasyprint import HTML

    for _ in range(2):
        data = HTML(string=html).write_pdf(cache=cache.trimmed())
        assert _text(data).strip().startswith("Quality Mark")


def test_each_thread_has_its_own_fonts():
    here = pdf._reusable()[0]
    there = []
    thread = threading.Thread(target=lambda: there.append(pdf._reusable()[0]))
    thread.start()
    thread.join()
    assert there[0] is not here


def test_only_the_most_recent_style_texts_are_kept():
    font_config, _, parsed = pdf._reusable()
    for n in range(pdf.KEPT_STYLESHEETS + 5):
        pdf._parsed_styles(f"<style>p {{ margin: {n}px }}</style><p>x</p>", font_config, parsed)
    assert len(parsed) == pdf.KEPT_STYLESHEETS
