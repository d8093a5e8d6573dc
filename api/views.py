from rest_framework.authtoken.views import ObtainAuthToken


class ObtainToken(ObtainAuthToken):
    """POST username + password → token (for scripts); lockout rules apply as on the login page."""
