import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The dates anyone may ask about. A typed year 0001 or 9999 is a mistake, and would overflow the
# date arithmetic of periods (the same months a year earlier, the next month).
EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)


def in_date_range(value: datetime.date) -> None:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(
            _("Give a date between %(first)s and %(last)s."),
            code="date_range",
            params={"first": EARLIEST_DATE.year, "last": LATEST_DATE.year},
        )


def not_in_future(value: datetime.date) -> None:
    if value > timezone.localdate():
        raise ValidationError(_("This date is in the future."), code="future_date")


# Uploaded documents (signed receipts, attendance sheets): a scan or a photo of paper.
DOCUMENT_MAX_BYTES = 5 * 1024 * 1024
# Extension -> the bytes its files start with: a renamed file is refused as well.
DOCUMENT_SIGNATURES = {
    "pdf": b"%PDF-",
    "png": b"\x89PNG\r\n\x1a\n",
    "jpg": b"\xff\xd8\xff",
    "jpeg": b"\xff\xd8\xff",
}


def document_too_large() -> str:
    """Said by the server, and by the phone as soon as the file is chosen (forms.js)."""
    return _("The file is larger than %(limit)s MB.") % {"limit": DOCUMENT_MAX_BYTES // 2**20}


def validate_document(file) -> None:
    """A PDF or an image (PNG, JPEG) of at most 5 MB, whose content is what its name says.

    A file already stored was checked when it was uploaded, and is not read again."""
    if getattr(file, "_committed", False):
        return
    extension = file.name.rpartition(".")[2].lower() if "." in file.name else ""
    if extension not in DOCUMENT_SIGNATURES:
        raise ValidationError(_("Upload a PDF, PNG or JPEG file."), code="document_type")
    if file.size > DOCUMENT_MAX_BYTES:
        raise ValidationError(document_too_large(), code="document_size")
    signature = DOCUMENT_SIGNATURES[extension]
    file.seek(0)
    start = file.read(len(signature))
    file.seek(0)
    if start != signature:
        raise ValidationError(
            _("The file's content is not what its name says (%(kind)s)."),
            code="document_content",
            params={"kind": extension.upper()},
        )
