"""REST endpoints of this app (registered on the one router in api/urls.py)."""


def register(router):
    """Register this app's viewsets on the shared router."""
