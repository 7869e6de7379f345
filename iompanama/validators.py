import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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


def validate_document(file) -> None:
    """A PDF or an image (PNG, JPEG) of at most 5 MB, whose content is what its name says.

    A file already stored was checked when it was uploaded, and is not read again."""
    if getattr(file, "_committed", False):
        return
    extension = file.name.rpartition(".")[2].lower() if "." in file.name else ""
    if extension not in DOCUMENT_SIGNATURES:
        raise ValidationError(_("Upload a PDF, PNG or JPEG file."), code="document_type")
    if file.size > DOCUMENT_MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(limit)s MB."),
            code="document_size",
            params={"limit": DOCUMENT_MAX_BYTES // 2**20},
        )
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
