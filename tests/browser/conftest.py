import pytest


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, with a MEDIA_URL: Taizhang sets MEDIA_URL = None (files are served only
    by permission-checked views), but Django's live server wraps every request in a media handler that
    needs a URL prefix. The prefix below serves nothing the pages link to."""
    from django.conf import settings
    from pytest_django import live_server_helper

    original = settings.MEDIA_URL
    if not original:
        settings.MEDIA_URL = "/__live-server-media__/"
    server = live_server_helper.LiveServer("localhost")
    yield server
    server.stop()
    settings.MEDIA_URL = original
