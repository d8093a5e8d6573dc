"""Map domain errors to HTTP the same way the pages do: ValidationError 400, Conflict 409, never a 500."""
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from core.errors import DomainError


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        body = {"detail": str(exc.message), "code": exc.code}
        if exc.data:
            body["data"] = exc.data
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail=detail)
    response = drf_handler(exc, context)
    if response is None:
        return None
    if response.status_code == status.HTTP_403_FORBIDDEN and context["request"].user.is_anonymous:
        response.status_code = status.HTTP_401_UNAUTHORIZED
    return response
