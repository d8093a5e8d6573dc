"""Domain errors raised by services and mapped to HTTP by views and the API (never a 500)."""
from django.core.exceptions import ValidationError  # re-exported: services raise it for bad input
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status_code = 400
    default_message = _("请求无法处理。")

    def __init__(self, message=None, *, code=None, data=None):
        self.message = message or self.default_message
        self.code = code or self.__class__.__name__
        self.data = data or {}
        super().__init__(str(self.message))


class PermissionDenied(DomainError):
    status_code = 403
    default_message = _("您没有执行此操作的权限。")


class NotFound(DomainError):
    status_code = 404
    default_message = _("未找到该对象，或您无权查看。")


class Conflict(DomainError):
    """Compare-and-swap failed: someone else changed the row since the user loaded it."""

    status_code = 409
    default_message = _("该记录已被他人修改，请刷新后重试；您填写的内容已保留。")


class PreconditionRequired(DomainError):
    """A write that must say which version it saw (If-Match / version) came without one."""

    status_code = 428
    default_message = _("请提供版本号（If-Match 请求头或 version 字段）。")


__all__ = ["PreconditionRequired", "DomainError", "PermissionDenied", "NotFound", "Conflict", "ValidationError"]
