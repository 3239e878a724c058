"""Opposition (lost or stolen cheques) for prescribers and coordinators, and the value of the
cheques by fate (unused value) for the département's team."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from comptes.access import role_required
from comptes.models import Role
from einclusion.formulaires import ajouter_erreurs_du_service, donnees_postees

from .. import etats
from ..forms_encaissement import OppositionForm, RechercheCarnetForm
from ..selectors.cheques import cheques_du_carnet, get_carnet_opposable, rechercher_carnets, valeur_par_dispositif
from ..services import opposition as service

ROLES_OPPOSITION = (Role.COORDINATEUR, Role.REFERENT, Role.AGENT)


@role_required(*ROLES_OPPOSITION)
def rechercher(request):
    form = RechercheCarnetForm(request.GET or None)
    texte = form.cleaned_data["q"].strip() if form.is_valid() else ""
    carnets = list(rechercher_carnets(request.membership, texte)) if texte else []
    return render(
        request,
        "pass_numerique/opposition/rechercher.html",
        {"form": form, "q": texte, "carnets": carnets},
    )


@role_required(*ROLES_OPPOSITION)
@require_http_methods(["GET", "POST"])
def carnet(request, pk):
    carnet = get_carnet_opposable(request.membership, pk)
    cheques = cheques_du_carnet(carnet)
    annulables = [c for c in cheques if c.statut in etats.ANNULABLES]
    form = OppositionForm(donnees_postees(request), annulables=annulables)
    a_confirmer = False
    if request.method == "POST" and form.is_valid():
        tous = form.cleaned_data["portee"] == OppositionForm.TOUS
        choisis = [c for c in annulables if str(c.pk) in set(form.cleaned_data["cheques"])]
        if not form.cleaned_data["confirmer"]:
            a_confirmer = True  # show what will be cancelled, then ask again
        else:
            try:
                if tous:
                    nombre = service.annuler_carnet(
                        par=request.membership, carnet=carnet, motif=form.cleaned_data["motif"], request=request
                    )
                else:
                    nombre = len(
                        service.annuler_cheques(
                            par=request.membership, cheques=choisis, motif=form.cleaned_data["motif"], request=request
                        )
                    )
            except ValidationError as exc:
                ajouter_erreurs_du_service(form, exc)
            else:
                messages.success(
                    request,
                    f"{nombre} chèque{'s' if nombre > 1 else ''} du carnet n° {carnet.numero} "
                    f"{'sont' if nombre > 1 else 'est'} mis en opposition : "
                    f"{'ils' if nombre > 1 else 'il'} ne pourr{'ont' if nombre > 1 else 'a'} plus être encaissé"
                    f"{'s' if nombre > 1 else ''}.",
                )
                return redirect("pass_encaissement:opposition_carnet", pk=carnet.pk)
        if a_confirmer:
            return render(
                request,
                "pass_numerique/opposition/confirmer.html",
                {
                    "carnet": carnet,
                    "form": form,
                    "tous": tous,
                    "a_annuler": annulables if tous else choisis,
                },
            )
    coches = set(form["cheques"].value() or [])
    return render(
        request,
        "pass_numerique/opposition/carnet.html",
        {
            "carnet": carnet,
            "form": form,
            "lignes": [{"cheque": c, "annulable": c in annulables, "coche": str(c.pk) in coches} for c in cheques],
            "annulables": annulables,
            "portee": form["portee"].value() or OppositionForm.TOUS,
        },
    )


@role_required(Role.COORDINATEUR, Role.LECTEUR)
def valeur_non_utilisee(request):
    return render(
        request,
        "pass_numerique/opposition/valeur_non_utilisee.html",
        {"valeurs": valeur_par_dispositif(request.membership.organisation.departement_id)},
    )
