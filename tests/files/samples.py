"""Small sample files, generated in memory for the tests."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

CONTENT_TYPES_XML = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
)


def zip_bytes(members: dict[str, bytes | str], *, stored_first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first:
            archive.writestr(stored_first, members[stored_first], zipfile.ZIP_STORED)
        for name, data in members.items():
            if name != stored_first:
                archive.writestr(name, data)
    return buffer.getvalue()


def docx_bytes(*paragraphs: str) -> bytes:
    from docx import Document

    document = Document()
    for text in paragraphs or ("Evidence for quality descriptor 1",):
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def ooxml_bytes(main_part: str, *, extra: dict[str, bytes | str] | None = None) -> bytes:
    return zip_bytes(
        {"[Content_Types].xml": CONTENT_TYPES_XML, main_part: "<root/>", **(extra or {})}
    )


def xlsx_bytes() -> bytes:
    return ooxml_bytes("xl/workbook.xml")


def pptx_bytes() -> bytes:
    return ooxml_bytes("ppt/presentation.xml")


def odf_bytes(mimetype: str) -> bytes:
    return zip_bytes(
        {"mimetype": mimetype, "content.xml": "<office:document-content/>"},
        stored_first="mimetype",
    )


def odt_bytes() -> bytes:
    return odf_bytes("application/vnd.oasis.opendocument.text")


def ods_bytes() -> bytes:
    return odf_bytes("application/vnd.oasis.opendocument.spreadsheet")


def image_bytes(fmt: str) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (74, 42, 107)).save(buffer, format=fmt)
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def big_pdf_bytes(stream_bytes: bytes) -> bytes:
    """A one-page PDF whose page content is ``stream_bytes`` (stored uncompressed)."""
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    pdf.pages[0].Contents = pdf.make_stream(stream_bytes)
    buffer = io.BytesIO()
    pdf.save(buffer, compress_streams=False)
    return buffer.getvalue()


SAMPLES = {
    "pdf": pdf_bytes,
    "docx": docx_bytes,
    "xlsx": xlsx_bytes,
    "pptx": pptx_bytes,
    "odt": odt_bytes,
    "ods": ods_bytes,
    "png": lambda: image_bytes("PNG"),
    "jpg": lambda: image_bytes("JPEG"),
    "jpeg": lambda: image_bytes("JPEG"),
    "txt": lambda: "Notes on early permanence – fee £750.\n".encode(),
    "csv": lambda: "quarter,children placed,notes\nQ1,4,café meeting\nQ2,6,\n".encode(),
}

WINDOWS_PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def temporary_upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    uploaded = TemporaryUploadedFile(name, content_type, len(data), None)
    uploaded.write(data)
    uploaded.flush()
    uploaded.seek(0)
    return uploaded


class ReadRecorder(io.BytesIO):
    """A BytesIO that records how many bytes each read() returned."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.read_sizes: list[int] = []

    def read(self, size=-1):
        data = super().read(size)
        self.read_sizes.append(len(data))
        return data


def recording_upload(name: str, data: bytes):
    """An InMemoryUploadedFile over a ReadRecorder, to check reads are chunked."""
    from django.core.files.uploadedfile import InMemoryUploadedFile

    recorder = ReadRecorder(data)
    uploaded = InMemoryUploadedFile(
        recorder, "file", name, "application/octet-stream", len(data), None
    )
    return uploaded, recorder


def opendocument_text_bytes(*paragraphs: str) -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    document = OpenDocumentText()
    for text in paragraphs:
        document.text.addElement(P(text=text))
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def opendocument_spreadsheet_bytes(*rows: tuple[str, ...]) -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    spreadsheet = OpenDocumentSpreadsheet()
    table = Table(name="Sheet1")
    for values in rows:
        row = TableRow()
        for value in values:
            cell = TableCell()
            cell.addElement(P(text=value))
            row.addElement(cell)
        table.addElement(row)
    spreadsheet.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    spreadsheet.write(buffer)
    return buffer.getvalue()
