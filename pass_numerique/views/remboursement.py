"""Reimbursement pages (namespace pass_remboursement): the coordinators' list of bordereaux
(filters) and their creation on demand, a bordereau's page, its validation (lines to reject,
confirmation), its payment, its PDF and CSV for the paying accountant; a place's amounts and
bordereaux; a place's bank details. Thin views: selectors/remboursement.py, services."""

import csv
import io
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from comptes.access import role_required
from comptes.models import Role
from einclusion.formulaires import ajouter_erreurs_du_service, donnees_postees

from .. import pdf
from ..forms_remboursement import (
    CoordonneesForm,
    CreationBordereauxForm,
    FiltresBordereauxForm,
    PaiementForm,
    ValidationBordereauForm,
)
from ..iban import formater
from ..models import Bordereau
from ..selectors import remboursement as lectures
from ..services import iban as services_iban
from ..services import remboursement

TAILLE_PAGE = 25
DEPARTEMENT = (Role.COORDINATEUR, Role.LECTEUR)
TOUS = (Role.COORDINATEUR, Role.LECTEUR, Role.RESPONSABLE, Role.MEDIATEUR)


@role_required(*DEPARTEMENT)
def liste(request):
    par = request.membership
    filtres = FiltresBordereauxForm(
        request.GET or None,
        dispositifs=lectures.dispositifs_du_departement(par),
        lieux=lectures.lieux_avec_bordereaux(par),
    )
    valeurs = filtres.valeurs()
    page = Paginator(lectures.liste_des_bordereaux(par, **valeurs), TAILLE_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "pass_numerique/remboursement/liste.html",
        {
            "page": page,
            "filtres": filtres,
            "filtre_actif": any(valeurs.values()),
            "creation": CreationBordereauxForm() if par.role == Role.COORDINATEUR else None,
        },
    )


@role_required(Role.COORDINATEUR)
@require_POST
def generer(request):
    """Create the bordereaux of a finished month now (the monthly task does it on the 1st)."""
    form = CreationBordereauxForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for erreurs in form.errors.values() for e in erreurs))
        return redirect("pass_remboursement:liste")
    mois = form.cleaned_data["mois"]
    try:
        crees = remboursement.creer_bordereaux(mois=mois, par=request.membership, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        libelle = remboursement.libelle_mois(mois)
        if len(crees) > 1:
            messages.success(request, f"{len(crees)} bordereaux créés pour {libelle}.")
        elif crees:
            messages.success(request, f"1 bordereau créé pour {libelle}.")
        else:
            messages.info(
                request, f"Aucun nouveau bordereau pour {libelle} : les chèques encaissés sont déjà tous réclamés."
            )
    return redirect("pass_remboursement:liste")


@role_required(*TOUS)
def detail(request, pk):
    par = request.membership
    bordereau = lectures.get_bordereau_visible(par, pk)
    contexte = lectures.contexte_bordereau(par, bordereau)
    return render(
        request,
        "pass_numerique/remboursement/detail.html",
        {**contexte, "coordinateur": par.role == Role.COORDINATEUR},
    )


@role_required(Role.COORDINATEUR)
@require_http_methods(["GET", "POST"])
def valider(request, pk):
    """Tick the lines to reject (each with a reason), see the summary, confirm."""
    par = request.membership
    bordereau = lectures.get_bordereau_visible(par, pk)
    if bordereau.statut != Bordereau.Statut.A_VALIDER:
        messages.info(request, "Ce bordereau est déjà validé.")
        return redirect("pass_remboursement:detail", pk=bordereau.pk)
    contexte = lectures.contexte_bordereau(par, bordereau)
    form = ValidationBordereauForm(donnees_postees(request), lignes=contexte["lignes"])
    if request.method == "POST" and form.is_valid():
        rejets = form.rejets()
        if "confirmer" in request.POST:
            try:
                remboursement.valider_bordereau(par=par, bordereau=bordereau, rejets=rejets, request=request)
            except ValidationError as exc:
                ajouter_erreurs_du_service(form, exc)
            else:
                messages.success(request, f"Le bordereau {bordereau.numero} est validé.")
                return redirect("pass_remboursement:detail", pk=bordereau.pk)
        else:
            rejetees = [(ligne, rejets[ligne.pk]) for ligne in contexte["lignes"] if ligne.pk in rejets]
            montant_rejete = sum((ligne.montant for ligne, _ in rejetees), Decimal(0))
            return render(
                request,
                "pass_numerique/remboursement/confirmer_validation.html",
                {
                    **contexte,
                    "form": form,
                    "rejetees": rejetees,
                    "nb_validees": len(contexte["lignes"]) - len(rejetees),
                    "montant_valide": contexte["totaux"].reclame - montant_rejete,
                    "montant_rejete": montant_rejete,
                },
            )
    return render(request, "pass_numerique/remboursement/valider.html", {**contexte, "form": form})


@role_required(Role.COORDINATEUR)
@require_http_methods(["GET", "POST"])
def payer(request, pk):
    par = request.membership
    bordereau = lectures.get_bordereau_visible(par, pk)
    if bordereau.statut != Bordereau.Statut.VALIDE:
        messages.info(
            request,
            "Ce bordereau est déjà payé."
            if bordereau.statut == Bordereau.Statut.PAYE
            else "Validez d’abord ce bordereau : son paiement s’enregistre ensuite.",
        )
        return redirect("pass_remboursement:detail", pk=bordereau.pk)
    form = PaiementForm(donnees_postees(request), initial={"paye_le": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            remboursement.enregistrer_paiement(
                par=par,
                bordereau=bordereau,
                paye_le=form.cleaned_data["paye_le"],
                reference=form.cleaned_data["reference"],
                request=request,
            )
        except ValidationError as exc:
            ajouter_erreurs_du_service(form, exc)
        else:
            messages.success(request, f"Le paiement du bordereau {bordereau.numero} est enregistré.")
            return redirect("pass_remboursement:detail", pk=bordereau.pk)
    contexte = lectures.contexte_bordereau(par, bordereau)
    return render(request, "pass_numerique/remboursement/payer.html", {**contexte, "form": form})


def _nom_de_fichier(bordereau: Bordereau, extension: str) -> str:
    return f"bordereau-{bordereau.numero}.{extension}"


@role_required(*TOUS)
def bordereau_pdf(request, pk):
    """For the paying accountant: the IBAN in full for coordinators only, masked otherwise."""
    par = request.membership
    bordereau = lectures.get_bordereau_visible(par, pk)
    contexte = lectures.contexte_bordereau(par, bordereau, iban_complet=par.role == Role.COORDINATEUR)
    contexte["edite_le"] = timezone.localtime()
    response = HttpResponse(pdf.pdf_bordereau(contexte), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{_nom_de_fichier(bordereau, "pdf")}"'
    response["Cache-Control"] = "no-store, private"
    return response


# Spreadsheet formulas start with these: a cell that does is prefixed with an apostrophe.
DEBUTS_DE_FORMULE = ("=", "+", "-", "@", "\t", "\r")


def _cellule(valeur) -> str:
    texte = "" if valeur is None else str(valeur)
    return "'" + texte if texte.startswith(DEBUTS_DE_FORMULE) else texte


def _montant(valeur) -> str:
    return f"{valeur:.2f}".replace(".", ",")


def csv_du_bordereau(contexte: dict) -> str:
    """French spreadsheet flavour: UTF-8 with BOM, `;` separators, decimal comma, dates
    dd/mm/yyyy, one row per line; formula injection neutralised."""
    bordereau, lieu, coordonnees = contexte["bordereau"], contexte["lieu"], contexte["coordonnees"]
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, delimiter=";", lineterminator="\r\n")
    ecrivain.writerow(
        [
            "Bordereau",
            "Mois",
            "Statut du bordereau",
            "Lieu",
            "SIRET ou RNA",
            "Dispositif",
            "Titulaire du compte",
            "IBAN",
            "BIC",
            "Numéro de série",
            "Carnet",
            "Encaissé le",
            "Montant (€)",
            "Statut de la ligne",
            "Motif du rejet",
        ]
    )
    commun = [
        bordereau.numero,
        bordereau.mois.strftime("%m/%Y"),
        bordereau.get_statut_display(),
        lieu.nom,
        lieu.pivot,
        contexte["dispositif"].nom,
        coordonnees.titulaire if coordonnees else "",
        contexte["iban"],
        coordonnees.bic if coordonnees else "",
    ]
    for ligne in contexte["lignes"]:
        cheque = ligne.cheque
        encaisse_le = timezone.localtime(cheque.encaisse_le).strftime("%d/%m/%Y %H:%M") if cheque.encaisse_le else ""
        ecrivain.writerow(
            [
                *(_cellule(v) for v in commun),
                cheque.numero_serie,
                cheque.carnet.numero,
                encaisse_le,
                _montant(ligne.montant),
                _cellule(ligne.get_statut_display()),
                _cellule(ligne.motif_rejet),
            ]
        )
    return "\ufeff" + tampon.getvalue()


@role_required(*TOUS)
def bordereau_csv(request, pk):
    par = request.membership
    bordereau = lectures.get_bordereau_visible(par, pk)
    contexte = lectures.contexte_bordereau(par, bordereau, iban_complet=par.role == Role.COORDINATEUR)
    response = HttpResponse(csv_du_bordereau(contexte), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_nom_de_fichier(bordereau, "csv")}"'
    response["Cache-Control"] = "no-store, private"
    return response


@role_required(*TOUS)
def lieu(request, pk):
    """A place's reimbursements: amounts per dispositif, its bordereaux, its bank details."""
    par = request.membership
    lieu = lectures.get_lieu_visible(par, pk)
    coordonnees = lectures.coordonnees_de(lieu)
    complet = services_iban.voit_iban_complet(par, lieu)
    page = Paginator(lectures.bordereaux_du_lieu(lieu), TAILLE_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "pass_numerique/remboursement/lieu.html",
        {
            "lieu": lieu,
            "montants": lectures.montants_du_lieu(lieu),
            "page": page,
            "coordonnees": coordonnees,
            "iban": (formater(coordonnees.iban) if complet else coordonnees.iban_masque) if coordonnees else "",
            "peut_modifier": services_iban.peut_modifier_coordonnees(par, lieu),
        },
    )


@role_required(Role.COORDINATEUR, Role.RESPONSABLE)
@require_http_methods(["GET", "POST"])
def coordonnees(request, pk):
    """The place's bank details: shown in full and changed by its responsable or a coordinator."""
    par = request.membership
    lieu = lectures.get_lieu_visible(par, pk)
    if not services_iban.peut_modifier_coordonnees(par, lieu):
        raise Http404("Lieu introuvable.")
    actuelles = lectures.coordonnees_de(lieu)
    initial = (
        {"titulaire": actuelles.titulaire, "iban": formater(actuelles.iban), "bic": actuelles.bic} if actuelles else {}
    )
    form = CoordonneesForm(donnees_postees(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services_iban.modifier_coordonnees(par=par, lieu=lieu, request=request, **form.cleaned_data)
        except ValidationError as exc:
            ajouter_erreurs_du_service(form, exc)
        else:
            messages.success(request, "Les coordonnées bancaires sont enregistrées.")
            return redirect("pass_remboursement:lieu", pk=lieu.pk)
    return render(
        request,
        "pass_numerique/remboursement/coordonnees.html",
        {"lieu": lieu, "form": form, "actuelles": actuelles, "iban": formater(actuelles.iban) if actuelles else ""},
    )
