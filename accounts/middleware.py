"""Absolute session timeout: a session older than SESSION_ABSOLUTE_TIMEOUT is ended server-side, however
active it was (the idle timeout is the session cookie age, renewed on each request)."""
import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect

LOGIN_TIME_KEY = "taizhang_login_at"


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(LOGIN_TIME_KEY)
            now = time.time()
            if started is None:
                request.session[LOGIN_TIME_KEY] = now
            elif now - started > settings.SESSION_ABSOLUTE_TIMEOUT:
                logout(request)
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": "会话已过期，请重新登录。Session expired."}, status=401)
                return redirect(settings.LOGIN_URL)
        return self.get_response(request)
