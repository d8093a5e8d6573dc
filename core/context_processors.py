"""The shell around every page: navigation by area of work, the user's unit and roles, to-do count."""
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .navigation import NAVIGATION


def _visible(entry, user):
    perm = entry.get("perm")
    return perm is None or user.has_perm(perm)


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_sections": []}
    sections = []
    for section in NAVIGATION:
        links = []
        for entry in section["links"]:
            if not _visible(entry, user):
                continue
            try:
                url = reverse(entry["url"])
            except NoReverseMatch:
                continue
            badge = None
            if entry.get("badge"):
                badge = entry["badge"](user)
            links.append({"label": entry["label"], "url": url, "icon": entry.get("icon", "dot"),
                          "active": request.path == url or (url != "/" and request.path.startswith(url)),
                          "badge": badge})
        if links:
            sections.append({"label": section["label"], "links": links})
    # Only the most specific link is active: "/items/board/" must not also light up "/items/".
    active = [link for s in sections for link in s["links"] if link["active"]]
    for link in active:
        link["active"] = link is max(active, key=lambda x: len(x["url"]))
    return {"nav_sections": sections, "site_name": _("台账")}
