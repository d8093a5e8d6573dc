"""Attachment checks: a size cap, the type read from the content (never from the name or the browser's
Content-Type), the extension agreeing with that content, images re-encoded (drops EXIF and anything hidden
after the image data), a sha256 kept for evidence. Files are stored outside the static root and served only
through a permission-checked view (items.selectors.attachment_for_user).
"""
from __future__ import annotations

import hashlib
import io
import os
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# content type → (allowed extensions, label)
ALLOWED = {
    "image/png": ((".png",), "PNG"),
    "image/jpeg": ((".jpg", ".jpeg"), "JPEG"),
    "image/gif": ((".gif",), "GIF"),
    "image/webp": ((".webp",), "WEBP"),
    "application/pdf": ((".pdf",), "PDF"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ((".docx",), "Word"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ((".xlsx",), "Excel"),
    "text/plain": ((".txt", ".csv"), _("文本")),
}
IMAGE_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WEBP"}


@dataclass
class CheckedFile:
    name: str
    content: bytes
    content_type: str
    size: int
    sha256: str


def max_bytes() -> int:
    return int(getattr(settings, "ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))


def sniff(head: bytes, content: bytes) -> str | None:
    """The content type read from the bytes, or None when it is none we accept."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as z:
                names = set(z.namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" not in names:
            return None
        if any(n.startswith("word/") for n in names):
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        if any(n.startswith("xl/") for n in names):
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return None
    if _is_text(content):
        return "text/plain"
    return None


def _is_text(content: bytes) -> bool:
    if b"\x00" in content[:8192]:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            content.decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


def _reencode(content: bytes, content_type: str) -> bytes:
    from PIL import Image, UnidentifiedImageError

    fmt = IMAGE_FORMATS[content_type]
    try:
        with Image.open(io.BytesIO(content)) as img:
            img.load()
            if fmt == "JPEG" and img.mode not in ("RGB", "L"):
                img = img.convert("RGB")
            out = io.BytesIO()
            save_args = {"quality": 90} if fmt in ("JPEG", "WEBP") else {}
            if fmt == "GIF" and getattr(img, "is_animated", False):
                save_args["save_all"] = True
            img.save(out, format=fmt, **save_args)  # no exif= argument: metadata is dropped
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("图片文件已损坏，无法读取。")) from exc


def check_upload(f) -> CheckedFile:
    """Validate one uploaded file (Django UploadedFile, File or (name, bytes)); return the cleaned file
    or raise ValidationError with a Chinese message naming the file."""
    if isinstance(f, tuple):
        name, content = f
    else:
        name = os.path.basename(getattr(f, "name", "") or "")
        size = getattr(f, "size", None)
        if size is not None and size > max_bytes():
            raise ValidationError(_("“%(name)s”超过大小限制（最大 %(mb)s MB）。")
                                  % {"name": name, "mb": round(max_bytes() / 1024 / 1024, 1)})
        if hasattr(f, "seek"):
            f.seek(0)
        content = f.read(max_bytes() + 1)
    name = os.path.basename(name or "")[:200] or "file"
    if len(content) > max_bytes():
        raise ValidationError(_("“%(name)s”超过大小限制（最大 %(mb)s MB）。")
                              % {"name": name, "mb": round(max_bytes() / 1024 / 1024, 1)})
    if not content:
        raise ValidationError(_("“%(name)s”是空文件。") % {"name": name})
    content_type = sniff(content[:16], content)
    if content_type is None or content_type not in ALLOWED:
        raise ValidationError(_("“%(name)s”的文件类型不允许上传（允许：图片、PDF、Word、Excel、文本）。")
                              % {"name": name})
    extensions, label = ALLOWED[content_type]
    ext = os.path.splitext(name)[1].lower()
    if ext not in extensions:
        raise ValidationError(_("“%(name)s”的扩展名与文件内容（%(label)s）不符。") % {"name": name, "label": label})
    if content_type in IMAGE_FORMATS:
        content = _reencode(content, content_type)
    return CheckedFile(name=name, content=content, content_type=content_type, size=len(content),
                       sha256=hashlib.sha256(content).hexdigest())


def save_attachment(*, item, action, checked: CheckedFile, actor):
    """Store a checked file as an Attachment row of `item` (and its timeline row `action`)."""
    from django.core.files.base import ContentFile

    from .models import Attachment

    att = Attachment(item=item, action=action, original_name=checked.name, content_type=checked.content_type,
                     size=checked.size, sha256=checked.sha256, uploaded_by=actor)
    ext = os.path.splitext(checked.name)[1].lower()
    att.file.save(f"{checked.sha256[:16]}{ext}", ContentFile(checked.content), save=False)
    att.save()
    return att
