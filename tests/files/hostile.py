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
        size + 1,
        root,
        size,
        previous,
    )
    body += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(body)


def ole_compound_file(storage: str | None, stream: str) -> bytes:
    """A minimal OLE compound file (CFB version 3) holding one 4 KB stream,
    inside a storage when ``storage`` is given (a VBA project is storage "VBA"
    with a stream "dir")."""
    import struct

    end, free, fat_sector, nostream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    data = b'Attribute VB_Name = "Module1"\r\n'.ljust(4096, b"\0")
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, 1, 1, 0, 4096, end, 0, end, 0)
    struct.pack_into("<I", header, 76, 0)  # the FAT is sector 0
    for slot in range(1, 109):
        struct.pack_into("<I", header, 76 + 4 * slot, free)
    fat = [fat_sector, end, *range(3, 10), end] + [free] * (128 - 10)

    def entry(name, kind, child=nostream, start=end, size=0):
        raw = bytearray(128)
        encoded = (name + "\0").encode("utf-16-le") if name else b""
        raw[0 : len(encoded)] = encoded
        struct.pack_into("<HBB", raw, 64, len(encoded), kind, 1)
        struct.pack_into("<III", raw, 68, nostream, nostream, child)
        struct.pack_into("<II", raw, 116, start, size)
        return bytes(raw)

    if storage:
        entries = [
            entry("Root Entry", 5, child=1),
            entry(storage, 1, child=2),
            entry(stream, 2, start=2, size=len(data)),
            entry("", 0),
        ]
    else:
        entries = [
            entry("Root Entry", 5, child=1),
            entry(stream, 2, start=2, size=len(data)),
            entry("", 0),
            entry("", 0),
        ]
    return bytes(header) + struct.pack("<128I", *fat) + b"".join(entries) + data


def docx_with_embedded_ole(ole: bytes) -> bytes:
    """An embedded object part with an ordinary name and content type."""
    return docx_with({"word/embeddings/oleObject1.bin": ole})
