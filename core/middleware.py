from django.conf import settings
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control

from .requestcontext import RequestContext, reset_context, set_context


def client_ip(request):
    """The client's address: REMOTE_ADDR, or — when the request comes from a proxy we run
    (TAIZHANG_TRUSTED_PROXIES, e.g. nginx on 127.0.0.1) — the X-Real-IP that proxy set. X-Forwarded-For from
    anyone else is spoofable, so it is never read."""
    remote = request.META.get("REMOTE_ADDR", "")
    if remote and remote in settings.TAIZHANG_TRUSTED_PROXIES:
        return request.META.get("HTTP_X_REAL_IP", "").strip() or remote
    return remote


class ChineseFirstLocaleMiddleware:
    """zh-hans unless the user picked another language with the switcher (the language cookie);
    the browser's Accept-Language is ignored on purpose: the product is Chinese first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        source = "api" if request.path.startswith("/api/") else "page"
        token = set_context(RequestContext(request=request, ip=client_ip(request), source=source))
        try:
            return self.get_response(request)
        finally:
            reset_context(token)


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every answer to a signed-in user — pages, exports, API (session or token:
    DRF sets the request's user) — so no browser, proxy or shared computer keeps a copy (等保 2.0 residual
    information). Static files (whitenoise, earlier) and anonymous pages keep their own headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response
