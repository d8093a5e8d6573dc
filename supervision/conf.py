"""The app's settings (TAIZHANG_SUPERVISION_* in taizhang/settings/base.py) with their defaults."""
from django.conf import settings


def issuer():
    return getattr(settings, "TAIZHANG_SUPERVISION_ISSUER", "青山湖区作风督查领导小组办公室")


def notice_prefix():
    return getattr(settings, "TAIZHANG_SUPERVISION_NOTICE_PREFIX", "青督办")


def bulletin_prefix():
    return getattr(settings, "TAIZHANG_SUPERVISION_BULLETIN_PREFIX", "青督通")


def body_short_name():
    return getattr(settings, "TAIZHANG_SUPERVISION_BODY", "作风督查组")


def rectify_workdays():
    return int(getattr(settings, "TAIZHANG_SUPERVISION_RECTIFY_WORKDAYS", 10))


def near_deadline_workdays():
    return int(getattr(settings, "TAIZHANG_SUPERVISION_NEAR_DEADLINE_WORKDAYS", 3))


def review_after_days():
    return int(getattr(settings, "TAIZHANG_SUPERVISION_REVIEW_AFTER_DAYS", 30))
