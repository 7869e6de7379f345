"""Files to upload, built in the test."""

import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

REACH_HEADER = ["external_id", "site", "date", "channel", "campaign", "people_reached"]


def csv_file(rows: list[list], header: list[str] = REACH_HEADER, name: str = "f.csv"):
    lines = [",".join(header)] + [",".join(str(cell) for cell in row) for row in rows]
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode())


def xlsx_bytes(rows: list[list], header: list[str] = REACH_HEADER) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_file(rows: list[list], header: list[str] = REACH_HEADER, name: str = "f.xlsx"):
    return SimpleUploadedFile(name, xlsx_bytes(rows, header))


def return_all(model, by) -> None:
    """Return every submitted record of `model` to its author, so that they may change it
    again (a submitted record waits for its review)."""
    for record in model.objects.pending_review():
        record.return_to_author(by=by, reason="Corregir")
