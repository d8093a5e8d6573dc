"""Small builders shared by the supervision tests (PNG bytes, a held inspection, a finding in a state)."""
import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from supervision import services


def png_bytes(color=(200, 30, 30)):
    out = io.BytesIO()
    Image.new("RGB", (32, 24), color).save(out, format="PNG")
    return out.getvalue()


def photo(name="after.png", color=(30, 160, 60)):
    return SimpleUploadedFile(name, png_bytes(color), content_type="image/png")


def inspection(supervisor, units=(), day=None, **kwargs):
    day = day or datetime.date.today()
    return services.inspection_create(actor=supervisor, date=day, title=kwargs.pop("title", "督查日"),
                                      target_units=units, **kwargs)


def finding(supervisor, unit, *, title="工地围挡破损未修复", category="quality_safety", severity="serious",
            insp=None, **kwargs):
    insp = insp or inspection(supervisor, [unit])
    return services.finding_from_inspection(actor=supervisor, inspection=insp, title=title, lead_unit=unit,
                                            category=category, severity=severity,
                                            measures=kwargs.pop("measures", "三日内修复围挡"), **kwargs)


def accepted(f, user):
    from items.services import perform

    perform(f, "accept", user, f.version)
    f.refresh_from_db()
    return f


def rectified(f, user, files=None):
    accepted(f, user)
    services.finding_rectify(actor=user, finding=f, expected_version=f.version, note="已修复",
                             before=[photo("before.png", (200, 30, 30))], after=files or [photo()])
    f.refresh_from_db()
    return f
