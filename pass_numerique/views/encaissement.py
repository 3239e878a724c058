"""The redemption page of a place (built for a phone) and the undoing of a redemption.

POST renders the result directly (no redirect): the form carries a random key generated when
it was displayed, so re-sending it (reload, double tap, flaky network) replays the first
answer — « encaissé » again, never « déjà encaissé » for one's own redemption."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from comptes.access import role_required
from comptes.models import Role
from einclusion.formulaires import ajouter_erreurs_du_service, donnees_postees

from ..forms_encaissement import EncaissementForm, MotifForm, nouvelle_cle
from ..models import Encaissement
from ..selectors.encaissements import (
    RECENTS_MAX,
    dispositifs_acceptes,
    encaissements_recents,
    get_encaissement_du_lieu,
    lieu_de,
)
from ..services import encaissement as service


@never_cache
@role_required(Role.RESPONSABLE, Role.MEDIATEUR)
@require_http_methods(["GET", "POST"])
def encaisser(request):
    lieu = lieu_de(request.membership)
    resultat, code_saisi = None, ""
    if request.method == "POST":
        code_saisi = request.POST.get("code", "")[:300]
        resultat = service.encaisser(
            lieu=lieu,
            code_saisi=code_saisi,
            par=request.membership,
            source=Encaissement.Source.PAGE,
            cle_idempotence=request.POST.get("cle", "")[: service.CLE_MAX],
            request=request,
        )
    # A fresh form (and key) for the next cheque; after a typo or an unknown code the typed code
    # stays, to be corrected.
    garder = resultat is not None and resultat.statut in (service.Statut.FAUTE_DE_FRAPPE, service.Statut.INCONNU)
    form = EncaissementForm(initial={"code": code_saisi if garder else "", "cle": nouvelle_cle()})
    maintenant = timezone.now()
    recents = [
        {"encaissement": e, "annulable": service.annulable(e, maintenant=maintenant)}
        for e in encaissements_recents(lieu)
    ]
    return render(
        request,
        "pass_numerique/encaissement/encaisser.html",
        {
            "lieu": lieu,
            "form": form,
            "resultat": resultat,
            "code_en_erreur": resultat is not None and resultat.statut == service.Statut.FAUTE_DE_FRAPPE,
            "dispositifs": list(dispositifs_acceptes(lieu)),
            "recents": recents,
            "recents_max": len(recents) >= RECENTS_MAX,
        },
    )


@role_required(Role.RESPONSABLE, Role.MEDIATEUR)
@require_http_methods(["GET", "POST"])
def annuler(request, pk):
    lieu = lieu_de(request.membership)
    encaissement = get_encaissement_du_lieu(lieu, pk)
    if encaissement.annule_le is not None:
        messages.info(request, f"L’encaissement du chèque n° {encaissement.cheque.numero_serie} est déjà annulé.")
        return redirect("pass_encaissement:encaisser")
    form = MotifForm(donnees_postees(request))
    form.fields["motif"].label = "Motif de l’annulation"
    form.fields[
        "motif"
    ].help_text = "Par exemple : erreur de saisie, atelier annulé, chèque encaissé deux fois par erreur."
    if request.method == "POST" and form.is_valid():
        try:
            service.annuler_encaissement(
                par=request.membership, encaissement=encaissement, motif=form.cleaned_data["motif"], request=request
            )
        except ValidationError as exc:
            ajouter_erreurs_du_service(form, exc)
        else:
            messages.success(
                request,
                f"L’encaissement du chèque n° {encaissement.cheque.numero_serie} est annulé : "
                "le chèque peut de nouveau être encaissé.",
            )
            return redirect("pass_encaissement:encaisser")
    return render(
        request,
        "pass_numerique/encaissement/annuler.html",
        {
            "encaissement": encaissement,
            "form": form,
            "encaisse_le": service.date_heure(encaissement.le),
            "dans_les_delais": service.annulable(encaissement),
        },
    )
