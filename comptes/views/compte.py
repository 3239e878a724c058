"""The user's own account page and the organisation switcher."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from comptes.forms import ChoisirOrganisationForm
from comptes.middleware import set_current_membership
from comptes.models import Membership


def mon_compte(request):
    former = (
        Membership.objects.filter(user=request.user, is_active=False)
        .select_related("organisation")
        .order_by("-deactivated_at")
    )
    return render(request, "comptes/mon_compte.html", {"anciennes_adhesions": former})


@require_POST
def choisir_organisation(request):
    form = ChoisirOrganisationForm(request.POST)
    chosen = None
    if form.is_valid():
        chosen = next((m for m in request.memberships if m.pk == form.cleaned_data["membership"]), None)
    if chosen is None:
        messages.error(request, "Cette organisation ne fait pas partie de vos organisations actives.")
    else:
        set_current_membership(request, chosen)
        messages.success(request, f"Vous agissez maintenant pour {chosen.organisation} ({chosen.get_role_display()}).")
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "accueil"
    return redirect(next_url)
