"""Remise pages (namespace pass_remise): hand a booklet to a person (choose, confirm), the
booklet's page with « Imprimer le carnet », its PDF (reprints journalled), and the coordinators'
dérogation. Thin views: reads through selectors, writes through services/remise.py."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from beneficiaires.selectors import get_beneficiaire_visible
from comptes.access import role_required
from comptes.models import Role
from einclusion.formulaires import ajouter_erreurs_du_service, donnees_postees

from .. import pdf
from ..forms_remise import DerogationForm, RemiseForm
from ..models import Carnet
from ..selectors.historique import cheques_visibles
from ..selectors.remise import (
    choix_de_remise,
    derogations_de,
    dispositifs_pour_derogation,
    get_carnet_imprimable,
)
from ..services import remise


@role_required(Role.REFERENT, Role.AGENT)
@require_http_methods(["GET", "POST"])
def remettre(request, pk):
    """Choose the dispositif (with eligibility and stock), then confirm on a second page."""
    par = request.membership
    beneficiaire = get_beneficiaire_visible(par, pk)
    choix = choix_de_remise(par, beneficiaire)
    form = RemiseForm(donnees_postees(request), choix=choix)
    if request.method == "POST" and form.is_valid():
        retenu = form.choix_retenu
        if not retenu.possible and "confirmer" not in request.POST:
            form.add_error("dispositif", retenu.raison)
        elif "confirmer" in request.POST:
            try:
                carnet = remise.remettre(
                    par=par, beneficiaire=beneficiaire, dispositif=retenu.dispositif, request=request
                )
            except ValidationError as exc:
                ajouter_erreurs_du_service(form, exc)
            else:
                messages.success(
                    request, f"Le carnet n° {carnet.numero} est remis. Imprimez-le et donnez-le à la personne."
                )
                return redirect("pass_remise:carnet", pk=carnet.pk)
        else:
            prochain = (
                Carnet.objects.filter(
                    organisme_id=par.organisation_id, dispositif=retenu.dispositif, statut=Carnet.Statut.DOTE
                )
                .order_by("numero")
                .first()
            )
            return render(
                request,
                "pass_numerique/remise/confirmer.html",
                {"beneficiaire": beneficiaire, "choix": retenu, "prochain": prochain},
            )
    return render(
        request,
        "pass_numerique/remise/choisir.html",
        {
            "beneficiaire": beneficiaire,
            "choix": choix,
            "form": form,
            "publics_personne": remise.libelles_publics(beneficiaire.publics),
        },
    )


@role_required(Role.COORDINATEUR, Role.REFERENT, Role.AGENT)
def carnet(request, pk):
    """A handed-out booklet: who, when, its cheques, and the button that prints it."""
    par = request.membership
    carnet = get_carnet_imprimable(par, pk)
    cheques = list(carnet.cheques.order_by("rang"))
    visibles = set(cheques_visibles(par).filter(carnet=carnet).values_list("pk", flat=True))
    for cheque in cheques:
        cheque.visible = cheque.pk in visibles
    return render(
        request,
        "pass_numerique/remise/carnet.html",
        {
            "carnet": carnet,
            "cheques": cheques,
            "imprimable": carnet.statut == Carnet.Statut.REMIS and not carnet.beneficiaire.est_anonymise,
            "reimpression": remise.est_reimpression(par, carnet),
        },
    )


@role_required(Role.COORDINATEUR, Role.REFERENT, Role.AGENT)
def carnet_pdf(request, pk):
    """The booklet's PDF. Rendered first, then journalled (a read of the person; a reprint
    unless it is the remise's own print), then sent."""
    par = request.membership
    carnet = get_carnet_imprimable(par, pk)
    try:
        remise.verifier_impression(par, carnet)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("pass_remise:carnet", pk=carnet.pk)
    contenu = pdf.pdf_carnet(carnet, reimpression=remise.est_reimpression(par, carnet))
    remise.journaliser_impression(par=par, carnet=carnet, request=request)
    response = HttpResponse(contenu, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="carnet-pass-numerique-{carnet.numero}.pdf"'
    response["Cache-Control"] = "no-store, private"
    return response


@role_required(Role.COORDINATEUR)
@require_http_methods(["GET", "POST"])
def derogation(request, pk):
    """A coordinator allows one more booklet of a dispositif for the person, with a reason."""
    par = request.membership
    beneficiaire = get_beneficiaire_visible(par, pk)
    form = DerogationForm(donnees_postees(request), dispositifs=dispositifs_pour_derogation(beneficiaire))
    if request.method == "POST" and form.is_valid():
        try:
            remise.accorder_derogation(
                par=par,
                beneficiaire=beneficiaire,
                dispositif=form.cleaned_data["dispositif"],
                motif=form.cleaned_data["motif"],
                request=request,
            )
        except ValidationError as exc:
            ajouter_erreurs_du_service(form, exc)
        else:
            messages.success(
                request,
                f"Dérogation accordée pour « {form.cleaned_data['dispositif'].nom} » : "
                "la prochaine remise de ce dispositif pourra donner un carnet de plus.",
            )
            return redirect("pass_remise:derogation", pk=beneficiaire.pk)
    return render(
        request,
        "pass_numerique/remise/derogation.html",
        {"beneficiaire": beneficiaire, "form": form, "derogations": derogations_de(beneficiaire)},
    )
