"""Uploads: type from the content, extension must agree, size cap, images re-encoded without EXIF."""
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from items.attachments import check_upload


def png_bytes(exif=False):
    img = Image.new("RGB", (8, 8), (200, 30, 30))
    out = io.BytesIO()
    if exif:
        ex = Image.Exif()
        ex[0x010F] = "SecretCam"  # Make
        img.save(out, format="JPEG", exif=ex)
    else:
        img.save(out, format="PNG")
    return out.getvalue()


def test_an_exe_renamed_jpg_is_refused():
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
    with pytest.raises(ValidationError) as exc:
        check_upload(SimpleUploadedFile("photo.jpg", exe))
    assert "不允许" in str(exc.value)


def test_a_png_named_pdf_is_refused():
    with pytest.raises(ValidationError) as exc:
        check_upload(SimpleUploadedFile("report.pdf", png_bytes()))
    assert "扩展名" in str(exc.value)


def test_an_oversize_file_is_refused(settings):
    settings.ATTACHMENT_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as exc:
        check_upload(SimpleUploadedFile("big.txt", b"a" * 1001))
    assert "大小限制" in str(exc.value)


def test_a_png_is_re_encoded_and_hashed():
    original = png_bytes() + b"trailing hidden payload"
    checked = check_upload(SimpleUploadedFile("现场.png", original))
    assert checked.content_type == "image/png" and checked.content != original
    assert b"hidden payload" not in checked.content and len(checked.sha256) == 64
    Image.open(io.BytesIO(checked.content)).verify()


def test_jpeg_exif_is_stripped():
    checked = check_upload(SimpleUploadedFile("p.jpg", png_bytes(exif=True)))
    assert b"SecretCam" not in checked.content
    assert not Image.open(io.BytesIO(checked.content)).getexif()


def test_office_documents_are_recognised_by_their_parts():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w/>")
    assert check_upload(SimpleUploadedFile("a.docx", out.getvalue())).content_type.endswith("document")
    with pytest.raises(ValidationError):
        check_upload(SimpleUploadedFile("a.xlsx", out.getvalue()))
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as z:
        z.writestr("x.exe", "MZ")
    with pytest.raises(ValidationError):
        check_upload(SimpleUploadedFile("a.docx", plain_zip.getvalue()))


def test_pdf_and_gb18030_text_are_accepted():
    assert check_upload(SimpleUploadedFile("a.pdf", b"%PDF-1.4\n...")).content_type == "application/pdf"
    assert check_upload(SimpleUploadedFile("说明.txt", "旬报说明".encode("gb18030"))).content_type == "text/plain"


def test_empty_and_broken_images_are_refused():
    with pytest.raises(ValidationError):
        check_upload(SimpleUploadedFile("a.txt", b""))
    with pytest.raises(ValidationError):
        check_upload(SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n" + b"broken"))


@pytest.mark.django_db
def test_prune_media_deletes_the_file_a_rolled_back_upload_left_and_keeps_referenced_ones(
        settings, tmp_path, demo, supervisor, town_a):
    """The storage write is not part of the transaction: a refused action leaves its file behind;
    prune_media removes such files (after a grace period) and never a file a row points to."""
    import os
    import time

    from django.core.management import call_command
    from django.db import transaction

    from items.attachments import save_attachment
    from items.models import Attachment
    from supervision.tests.factories import finding, photo, rectified

    settings.MEDIA_ROOT = tmp_path
    kept = rectified(finding(supervisor, demo.units["罗家镇"]), town_a)
    kept_files = [tmp_path / a.file.name for a in Attachment.objects.filter(item=kept)]
    assert kept_files and all(p.exists() for p in kept_files)
    with pytest.raises(RuntimeError), transaction.atomic():
        att = save_attachment(item=kept, action=None, checked=check_upload(photo("lost.png", (1, 2, 3))),
                              actor=town_a)
        orphan = tmp_path / att.file.name
        raise RuntimeError("the action is refused after the file was written")
    assert orphan.exists() and not Attachment.objects.filter(file=att.file.name).exists()
    now = time.time()  # the suite's clock (conftest): the file system stamps files with the real one
    for p in [orphan, *kept_files]:
        os.utime(p, (now, now))
    out = io.StringIO()
    call_command("prune_media", stdout=out)  # younger than the 24 h grace period: kept
    assert orphan.exists() and "deleted 0" in out.getvalue()
    old = time.time() - 2 * 86400
    for p in [orphan, *kept_files]:
        os.utime(p, (old, old))
    call_command("prune_media", "--dry-run", stdout=out)
    assert orphan.exists() and orphan.relative_to(tmp_path).as_posix() in out.getvalue()
    call_command("prune_media", stdout=out)
    assert not orphan.exists() and all(p.exists() for p in kept_files)
