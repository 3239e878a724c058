"""The département's journal, read by its coordinators.

The journal imports none of the apps that write to it: the current membership is used through
its attributes only (it is set on the request by comptes' middleware).
"""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from .models import Action
from .selectors import evenements_visible_to


def liste(request):
    membership = getattr(request, "membership", None)
    if membership is None or not membership.is_coordinateur:
        raise PermissionDenied("Le journal est réservé aux coordinateur·rices du département.")
    qs = evenements_visible_to(membership)
    action = request.GET.get("action", "")
    if action in Action.values:
        qs = qs.filter(action=action)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "journal/liste.html", {"page": page, "action": action, "actions": Action.choices})
