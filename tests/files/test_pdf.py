import io
import logging
import socket
import threading

import pytest
from pypdf import PdfReader

from qualitymark.files.pdf import (
    PDF_ASSETS_DIR,
    SafeURLFetcher,
    allowed_asset_roots,
    qr_code_png_data_uri,
    render_pdf,
    resolve_asset_path,
    safe_url_fetcher,
)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def write_template(folder, name: str, body: str) -> str:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body)
    return name


class ConnectionRecorder:
    """A TCP listener on 127.0.0.1 that counts the connections made to it."""

    def __init__(self):
        self.connections = 0
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            conn.close()

    def close(self):
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()


@pytest.fixture
def recorder():
    server = ConnectionRecorder()
    yield server
    server.close()


@pytest.fixture
def static_dir(settings, tmp_path):
    folder = tmp_path / "static"
    (folder / "css").mkdir(parents=True)
    settings.STATICFILES_DIRS = [folder]
    settings.STATIC_URL = "/static/"
    return folder


# --- rendering ------------------------------------------------------------------------


def test_render_pdf_from_a_template(pdf_templates):
    write_template(
        pdf_templates,
        "pdf/test_feedback.html",
        """
{% extends "pdf/base.html" %}
{% block title %}Feedback for {{ agency }}{% endblock %}
{% block footer %}EPQM-2026-0007 feedback{% endblock %}
{% block content %}<h1>Feedback for {{ agency }}</h1><p>{{ summary }}</p>{% endblock %}
""",
    )
    data = render_pdf(
        "pdf/test_feedback.html",
        {"agency": "Northshire Adoption Service", "summary": "Strong practice <in> Q2."},
    )
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    text = pdf_text(data)
    assert "Feedback for Northshire Adoption Service" in text
    assert "Strong practice <in> Q2." in text  # escaped in HTML, plain in the PDF
    assert "Page 1 of 1" in text
    assert "EPQM-2026-0007 feedback" in text
    assert reader.metadata.title == "Feedback for Northshire Adoption Service"
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points


def test_page_numbers_on_every_page(pdf_templates):
    write_template(
        pdf_templates,
        "pdf/test_long.html",
        """
{% extends "pdf/base.html" %}
{% block content %}<p>First page</p><p class="page-break">Second page</p>{% endblock %}
""",
    )
    reader = PdfReader(io.BytesIO(render_pdf("pdf/test_long.html", {})))
    assert len(reader.pages) == 2
    assert "Page 1 of 2" in reader.pages[0].extract_text()
    assert "Page 2 of 2" in reader.pages[1].extract_text()


def test_the_footer_is_on_every_page_and_shows_its_text_as_written(pdf_templates):
    write_template(
        pdf_templates,
        "pdf/test_footer.html",
        """
{% extends "pdf/base.html" %}
{% block footer %}{{ reference }} · {{ agency }}{% endblock %}
{% block content %}<p>First page</p><p class="page-break">Second page</p>{% endblock %}
""",
    )
    agency = 'O\'Neill & "Sons" <Adoption> \\ Trust'
    data = render_pdf("pdf/test_footer.html", {"reference": "EPQM-2026-0042", "agency": agency})
    pages = PdfReader(io.BytesIO(data)).pages
    assert len(pages) == 2
    for page in pages:
        text = " ".join(page.extract_text().split())
        assert f"EPQM-2026-0042 · {agency}" in text


def test_base_template_uses_installed_debian_fonts(pdf_templates):
    write_template(
        pdf_templates,
        "pdf/test_font.html",
        """
{% extends "pdf/base.html" %}{% block content %}<p>Fonts</p>{% endblock %}
""",
    )
    reader = PdfReader(io.BytesIO(render_pdf("pdf/test_font.html", {})))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = {str(fonts[name].get_object()["/BaseFont"]).replace("-", "") for name in fonts}
    assert any(
        family in name for name in names for family in ("NotoSans", "LiberationSans", "DejaVuSans")
    ), names


# --- the URL fetcher --------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file:///etc/hostname",
        "http://127.0.0.1/",
        "https://example.org/",
        "ftp://example.org/file.css",
        "file:///static/../../etc/passwd",
        "file:///static/%2e%2e/%2e%2e/etc/passwd",
        "file://fileserver/share/evil.css",
        "file:///static/css/../../../../../etc/passwd",
        "javascript:alert(1)",
        "gopher://127.0.0.1:70/",
        "relative/path.css",
    ],
)
def test_fetcher_refuses_anything_but_data_and_project_static(url, static_dir):
    with pytest.raises(ValueError):
        safe_url_fetcher(url)


def test_fetcher_makes_no_network_connection(recorder):
    for url in (
        f"http://127.0.0.1:{recorder.port}/x.css",
        f"https://127.0.0.1:{recorder.port}/x.png",
        f"ftp://127.0.0.1:{recorder.port}/x",
    ):
        with pytest.raises(ValueError):
            safe_url_fetcher(url)
    assert recorder.connections == 0


def test_fetcher_decodes_data_urls():
    response = safe_url_fetcher("data:text/css;charset=utf-8,p%20%7Bcolor%3Ared%7D")
    assert response.read() == b"p {color:red}"


def test_fetcher_serves_project_static_files(static_dir):
    (static_dir / "css" / "pdf.css").write_text("p { color: red }")
    by_static_url = safe_url_fetcher("file:///static/css/pdf.css")
    assert by_static_url.read() == b"p { color: red }"
    assert by_static_url.content_type == "text/css"
    by_path = safe_url_fetcher((static_dir / "css" / "pdf.css").as_uri())
    assert by_path.read() == b"p { color: red }"


def test_fetcher_serves_pdf_assets():
    seal = PDF_ASSETS_DIR / "quality-mark-seal.svg"
    assert seal.exists()
    response = safe_url_fetcher(seal.as_uri())
    assert response.read().startswith(b"<svg")
    assert response.content_type == "image/svg+xml"


def test_fetcher_refuses_symlinks_out_of_static(static_dir, tmp_path):
    secret = tmp_path / "secret.css"
    secret.write_text("body::before { content: 'LEAKED' }")
    (static_dir / "css" / "link.css").symlink_to(secret)
    (static_dir / "escape").symlink_to(tmp_path)
    with pytest.raises(ValueError):
        safe_url_fetcher("file:///static/css/link.css")
    with pytest.raises(ValueError):
        safe_url_fetcher("file:///static/escape/secret.css")
    with pytest.raises(ValueError):
        resolve_asset_path((static_dir / "css" / "link.css").as_uri())


def test_symlinks_within_static_are_fine(static_dir):
    (static_dir / "css" / "real.css").write_text("p {}")
    (static_dir / "css" / "alias.css").symlink_to(static_dir / "css" / "real.css")
    assert (
        resolve_asset_path("file:///static/css/alias.css")
        == (static_dir / "css" / "real.css").resolve()
    )


def test_allowed_roots_are_static_dirs_and_pdf_assets(static_dir):
    assert allowed_asset_roots() == [PDF_ASSETS_DIR.resolve(), static_dir.resolve()]


def test_static_dirs_with_a_prefix(settings, tmp_path):
    folder = tmp_path / "vendor"
    folder.mkdir()
    (folder / "x.css").write_text("p {}")
    settings.STATICFILES_DIRS = [("vendor", folder)]
    assert resolve_asset_path("file:///static/vendor/x.css") == (folder / "x.css").resolve()
    with pytest.raises(ValueError):
        resolve_asset_path("file:///static/x.css")


def test_template_with_forbidden_urls_renders_without_them(
    pdf_templates, static_dir, recorder, tmp_path, caplog
):
    outside = tmp_path / "outside.css"
    outside.write_text("body::after { content: 'LEAKED-FILE' }")
    (static_dir / "css" / "ok.css").write_text("body::after { content: 'STATIC-OK' }")
    port = recorder.port
    write_template(
        pdf_templates,
        "pdf/test_hostile.html",
        f"""
{{% extends "pdf/base.html" %}}
{{% load static %}}
{{% block extra_head %}}
<link rel="stylesheet" href="http://127.0.0.1:{port}/x.css">
<link rel="stylesheet" href="https://127.0.0.1:{port}/y.css">
<link rel="stylesheet" href="{outside.as_uri()}">
<link rel="stylesheet" href="/static/../{outside.relative_to("/")}">
<link rel="stylesheet" href="{{% static 'css/ok.css' %}}">
<style>@import url("http://127.0.0.1:{port}/imported.css");
  @font-face {{ font-family: Remote; src: url("http://127.0.0.1:{port}/f.woff2"); }}
  h1 {{ font-family: Remote, sans-serif; }}</style>
{{% endblock %}}
{{% block content %}}
<h1>Hostile template</h1>
<img src="file:///etc/hostname" alt="host">
<img src="file:///etc/passwd" alt="passwd">
<img src="http://127.0.0.1:{port}/tracker.png" alt="tracker">
<iframe src="http://127.0.0.1:{port}/frame"></iframe>
<object data="http://127.0.0.1:{port}/object"></object>
{{% endblock %}}
""",
    )
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        data = render_pdf("pdf/test_hostile.html", {})
    text = pdf_text(data)
    assert "Hostile template" in text
    assert "STATIC-OK" in text  # the project's own static CSS still applies
    assert "LEAKED-FILE" not in text
    assert "root:" not in text
    assert recorder.connections == 0
    # WeasyPrint reports each skipped resource and carries on.
    assert "Failed to load image at 'file:///etc/hostname'" in caplog.text
    assert f"Failed to load stylesheet at http://127.0.0.1:{port}/x.css" in caplog.text


def test_fetcher_also_guards_standalone_stylesheets(recorder):
    from weasyprint import CSS

    CSS(
        string=f"@import url('http://127.0.0.1:{recorder.port}/x.css'); p {{ color: red }}",
        url_fetcher=SafeURLFetcher(),
    )
    assert recorder.connections == 0


# --- QR codes ---------------------------------------------------------------------------------


def test_qr_code_is_a_png_data_uri_at_five_pixels_a_module():
    import base64

    import segno
    from PIL import Image

    url = "https://qualitymark.example/verify/abc123/?x=1&y=2#top"
    uri = qr_code_png_data_uri(url)
    assert uri.startswith("data:image/png;base64,")
    image = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))
    modules = segno.make_qr(url, error="m").symbol_size(scale=1, border=4)
    assert image.size == (5 * modules[0], 5 * modules[1]), "five pixels a module"
    assert image.width >= 5 * (21 + 8), "at least a version-1 code and its quiet zone"
    assert qr_code_png_data_uri("https://qualitymark.example/verify/other/") != uri
    # One grey channel: WeasyPrint writes the pixels out again for every PDF,
    # and widens a palette image to three channels first.
    assert image.mode == "L"
    dark, light = sorted(value for _, value in image.getcolors())
    assert dark < 16 and light == 255


def test_qr_code_embeds_in_a_pdf(pdf_templates, caplog):
    write_template(
        pdf_templates,
        "pdf/test_qr.html",
        """
{% extends "pdf/base.html" %}
{% block content %}<p>Verify this certificate</p><img src="{{ qr }}" alt="QR code">
<img src="{{ pdf_assets_url }}quality-mark-seal.svg" alt="Seal">{% endblock %}
""",
    )
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        data = render_pdf(
            "pdf/test_qr.html", {"qr": qr_code_png_data_uri("https://qualitymark.example/v/1/")}
        )
    assert "Verify this certificate" in pdf_text(data)
    failures = [r.getMessage() for r in caplog.records if "load" in r.getMessage().lower()]
    assert not failures
