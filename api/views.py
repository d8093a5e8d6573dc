from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import twofactor
from accounts.tokens import issue


class ObtainTokenSerializer(AuthTokenSerializer):
    otp_token = serializers.CharField(label=_("动态验证码"), required=False, allow_blank=True, write_only=True,
                                      help_text="TOTP code (or a backup code) — required for accounts with 2FA")


class ObtainToken(APIView):
    """POST username + password (+ `otp_token` for accounts with two-factor login) → a token for scripts.
    It expires like a session: SESSION_ABSOLUTE_TIMEOUT after issue, or SESSION_IDLE_TIMEOUT unused.
    Lockout rules apply as on the login page; the issue is audited as a login."""

    authentication_classes = []
    permission_classes = []

    @extend_schema(request=ObtainTokenSerializer,
                   responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})})
    def post(self, request):
        serializer = ObtainTokenSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        refusal = twofactor.check_for_token(user, serializer.validated_data.get("otp_token", ""))
        if refusal:
            return Response({"detail": refusal}, status=status.HTTP_403_FORBIDDEN)
        return Response({"token": issue(user)})
