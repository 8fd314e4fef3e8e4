"""Hostile files built in memory: zip bombs, PDFs with active content or another
format attached, macro parts under other names, markup named as text."""

from __future__ import annotations

import io
import zipfile

from . import samples

OOXML_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    "{overrides}</Types>"
)


def docx_with(extra: dict[str, bytes | str], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    """A real python-docx document with extra parts added to its zip."""
    source = zipfile.ZipFile(io.BytesIO(samples.docx_bytes("Tracking meeting notes")))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, source.read(info.filename))
        for name, data in extra.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_bomb_docx(expanded_bytes: int = 100 * 1024 * 1024) -> bytes:
    """A Word document with a part of zeros that expands to ``expanded_bytes``."""
    buffer = io.BytesIO()
    source = zipfile.ZipFile(io.BytesIO(samples.docx_bytes("Tracking meeting notes")))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, source.read(info.filename))
        with archive.open("word/media/image1.png", "w", force_zip64=True) as member:
            block = b"\0" * (1024 * 1024)
            for _ in range(expanded_bytes // len(block)):
                member.write(block)
    return buffer.getvalue()


def docx_with_huge_body(megabytes: int) -> bytes:
    """A Word document whose body is ``megabytes`` of tiny paragraphs (it compresses ~500:1)."""
    source = zipfile.ZipFile(io.BytesIO(samples.docx_bytes("Tracking meeting notes")))
    document = source.read("word/document.xml")
    head, _, tail = document.partition(b"<w:body>")
    paragraph = b"<w:p><w:r><w:t>a</w:t></w:r></w:p>" * 1000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info in source.infolist():
            if info.filename != "word/document.xml":
                archive.writestr(info.filename, source.read(info.filename))
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(head + b"<w:body>")
            for _ in range(megabytes * 1024 * 1024 // len(paragraph)):
                member.write(paragraph)
            member.write(tail)
    return buffer.getvalue()


def docx_with_renamed_macro_part() -> bytes:
    """A macro project stored as word/settings2.dat, declared only by its content type."""
    data = docx_bytes_with_content_types(
        '<Override PartName="/word/settings2.dat" '
        'ContentType="application/vnd.ms-office.vbaProject"/>'
    )
    return _replace_or_add(data, {"word/settings2.dat": b"\x00Attribute VB_Name = x"})


def docx_with_macro_relationship() -> bytes:
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId99" Target="things.dat" '
        'Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject"/>'
        "</Relationships>"
    )
    return docx_with({"word/_rels/things.dat.rels": rels, "word/things.dat": b"\x00\x01"})


def docx_with_activex() -> bytes:
    data = docx_bytes_with_content_types(
        '<Override PartName="/word/controls/control1.xml" '
        'ContentType="application/vnd.ms-office.activeX+xml"/>'
    )
    return _replace_or_add(data, {"word/controls/control1.xml": "<ax:ocx/>"})


def docx_bytes_with_content_types(override: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(samples.docx_bytes("Tracking meeting notes")))
    types = source.read("[Content_Types].xml").decode()
    return _replace_or_add(
        samples.docx_bytes("Tracking meeting notes"),
        {"[Content_Types].xml": types.replace("</Types>", override + "</Types>")},
    )


def _replace_or_add(data: bytes, parts: dict[str, bytes | str]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename not in parts:
                archive.writestr(info.filename, source.read(info.filename))
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def pdf_with(build) -> bytes:
    """A one-page PDF made with pikepdf, changed by ``build(pdf)`` before saving."""
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    build(pdf)
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def pdf_with_open_action_javascript() -> bytes:
    import pikepdf

    def build(pdf):
        pdf.Root.OpenAction = pdf.make_indirect(
            pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
        )

    return pdf_with(build)


def pdf_with_launch_action() -> bytes:
    import pikepdf

    def build(pdf):
        pdf.pages[0].AA = pikepdf.Dictionary(
            O=pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe"))
        )

    return pdf_with(build)


def pdf_with_embedded_file() -> bytes:
    import pikepdf

    def build(pdf):
        pdf.attachments["payload.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ" + b"\0" * 100)

    return pdf_with(build)


def pdf_with_pages(count: int) -> bytes:
    def build(pdf):
        for _ in range(count - 1):
            pdf.add_blank_page(page_size=(595, 842))

    return pdf_with(build)


def pdf_with_incremental_update() -> bytes:
    """A PDF with an appended update section (a second xref, trailer and %%EOF),
    as editors write when they save changes."""
    import re

    original = pdf_with(lambda pdf: None)
    previous = int(re.findall(rb"startxref\s+(\d+)", original)[-1])
    size = int(re.findall(rb"/Size (\d+)", original)[-1])
    body = bytearray(original)
    offset = len(body)
    body += b"%d 0 obj\n<< /Title (Tracking meeting notes) >>\nendobj\n" % size
    xref = len(body)
    body += b"xref\n%d 1\n%010d 00000 n \n" % (size, offset)
    root = re.search(rb"/Root (\d+ \d+ R)", original).group(1)
    body += b"trailer\n<< /Size %d /Root %s /Info %d 0 R /Prev %d >>\n" % (
        size + 1, root, size, previous
    )
    body += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(body)
