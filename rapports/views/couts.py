"""The cost lines of a dispositif (coordination, engineering…): listed for the département's team,
added, changed and deleted by its coordinateur (the lecteur reads). Other roles and départements:
404."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from einclusion.formulaires import ajouter_erreurs_du_service, donnees_postees
from pass_numerique.selectors.dispositifs import get_dispositif

from ..forms import LigneCoutForm
from ..selectors import demandes as selecteurs
from ..services import couts as services


def _exiger_coordinateur(membership):
    if not selecteurs.peut_gerer_couts(membership):
        raise PermissionDenied("Seul le coordinateur du département saisit les coûts d’un dispositif.")


def _enregistrer(request, form, action):
    """Call the service with the parsed form; True when it saved."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        action(
            libelle=form.cleaned_data["libelle"],
            montant=form.cleaned_data["montant"],
            date=form.cleaned_data["date"],
            request=request,
        )
    except ValidationError as exc:
        ajouter_erreurs_du_service(form, exc)
        return False
    return True


@require_http_methods(["GET", "POST"])
def liste(request, pk):
    par = selecteurs.exiger_equipe(request.membership)
    dispositif = get_dispositif(par, pk)
    peut_gerer = selecteurs.peut_gerer_couts(par)
    if request.method == "POST":
        _exiger_coordinateur(par)
    form = LigneCoutForm(donnees_postees(request)) if peut_gerer else None
    if form is not None and _enregistrer(
        request, form, lambda **champs: services.ajouter_ligne_cout(par=par, dispositif=dispositif, **champs)
    ):
        messages.success(request, f"La ligne « {form.cleaned_data['libelle'].strip()} » est ajoutée.")
        return redirect("rapports:couts", pk=dispositif.pk)
    lignes = list(selecteurs.lignes_cout(dispositif))
    return render(
        request,
        "rapports/couts/liste.html",
        {
            "dispositif": dispositif,
            "lignes": lignes,
            "total": selecteurs.lignes_cout(dispositif).aggregate(total=Sum("montant"))["total"] or 0,
            "form": form,
            "peut_gerer": peut_gerer,
            "bornes": services.bornes(dispositif),
        },
    )


def _ligne_du_coordinateur(request, pk):
    par = selecteurs.exiger_equipe(request.membership)
    ligne = selecteurs.get_ligne_cout(par, pk)
    _exiger_coordinateur(par)  # a lecteur sees the line but does not change it: 403
    return par, ligne


@require_http_methods(["GET", "POST"])
def modifier(request, pk):
    par, ligne = _ligne_du_coordinateur(request, pk)
    initial = {"libelle": ligne.libelle, "montant": str(ligne.montant).replace(".", ","), "date": ligne.date}
    form = LigneCoutForm(donnees_postees(request), initial=initial)
    if _enregistrer(request, form, lambda **champs: services.modifier_ligne_cout(par=par, ligne=ligne, **champs)):
        messages.success(request, "La ligne de coût est modifiée.")
        return redirect("rapports:couts", pk=ligne.dispositif_id)
    return render(
        request,
        "rapports/couts/modifier.html",
        {"ligne": ligne, "dispositif": ligne.dispositif, "form": form, "bornes": services.bornes(ligne.dispositif)},
    )


@require_http_methods(["GET", "POST"])
def supprimer(request, pk):
    par, ligne = _ligne_du_coordinateur(request, pk)
    if request.method == "POST":
        services.supprimer_ligne_cout(par=par, ligne=ligne, request=request)
        messages.success(request, f"La ligne « {ligne.libelle} » est supprimée.")
        return redirect("rapports:couts", pk=ligne.dispositif_id)
    return render(request, "rapports/couts/supprimer.html", {"ligne": ligne, "dispositif": ligne.dispositif})
