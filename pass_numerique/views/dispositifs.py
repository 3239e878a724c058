"""The coordinator's pages of the Pass numérique (the lecteur reads them): dispositifs and their
financeurs, qualified places, participating prescribers, generation and allocation of booklets.
Thin views: reads through the selectors, writes through the services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from beneficiaires.models import Public
from comptes.access import role_required
from comptes.models import Role
from einclusion.formulaires import ajouter_erreurs_du_service, donnees_postees
from journal.models import Action
from journal.selectors import evenements_for_target

from ..forms_dispositifs import (
    DispositifForm,
    DotationForm,
    GenerationForm,
    ParticipationForm,
    QualificationForm,
    TransfertForm,
)
from ..models import Qualification
from ..selectors import dispositifs as selecteurs
from ..selectors import stock as stocks
from ..services import dispositifs as services
from ..services import dotations
from ..services import generation as generations

PAGE_SIZE = 25
EQUIPE = (Role.COORDINATEUR, Role.LECTEUR)
STATUTS_QUALIFICATION = (("", "Tous les statuts"), *Qualification.Statut.choices)


def _contexte(request, dispositif, **extra) -> dict:
    return {
        "dispositif": dispositif,
        "etat": selecteurs.etat(dispositif),
        "libelle_etat": selecteurs.Etat.LIBELLES[selecteurs.etat(dispositif)],
        "peut_gerer": request.membership.role == Role.COORDINATEUR,
        **extra,
    }


def _carnets(nombre: int) -> str:
    return f"{nombre} carnet{'s' if nombre > 1 else ''}"


def _exiger_ouvert(request, dispositif):
    """A closed dispositif's forms are not shown: back to its page with a message."""
    if dispositif.clos_le is not None:
        messages.info(request, f"Le dispositif « {dispositif.nom} » est clos : il ne peut plus être modifié.")
        return redirect("pass_dispositifs:detail", pk=dispositif.pk)
    return None


# --- Dispositifs --------------------------------------------------------------------------------


@role_required(*EQUIPE)
def liste(request):
    texte = request.GET.get("q", "").strip()
    etat = request.GET.get("etat", "")
    etat = etat if etat in dict(selecteurs.ETATS) else ""
    page = Paginator(selecteurs.liste(request.membership, etat_choisi=etat, texte=texte), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    lignes = [
        {"dispositif": d, "etat": selecteurs.etat(d), "libelle_etat": selecteurs.Etat.LIBELLES[selecteurs.etat(d)]}
        for d in page.object_list
    ]
    return render(
        request,
        "pass_numerique/dispositifs/liste.html",
        {
            "page": page,
            "lignes": lignes,
            "q": texte,
            "etat": etat,
            "etats": selecteurs.ETATS,
            "peut_gerer": request.membership.role == Role.COORDINATEUR,
        },
    )


@role_required(Role.COORDINATEUR)
@require_http_methods(["GET", "POST"])
def creer(request):
    form = DispositifForm(donnees_postees(request), departement_id=request.membership.organisation.departement_id)
    if request.method == "POST" and form.is_valid():
        try:
            dispositif = services.creer_dispositif(
                par=request.membership, donnees=form.donnees(), financeurs=form.financeurs(), request=request
            )
        except ValidationError as exc:
            ajouter_erreurs_du_service(form, exc)
        else:
            messages.success(request, f"Le dispositif « {dispositif.nom} » est créé.")
            return redirect("pass_dispositifs:detail", pk=dispositif.pk)
    return render(request, "pass_numerique/dispositifs/formulaire.html", {"form": form, "dispositif": None})


@role_required(*EQUIPE)
def detail(request, pk):
    dispositif = selecteurs.get_dispositif(request.membership, pk)
    generations_faites = evenements_for_target(dispositif).filter(action=Action.CHEQUES_GENERES)[:10]
    return render(
        request,
        "pass_numerique/dispositifs/detail.html",
        _contexte(
            request,
            dispositif,
            financeurs=list(dispositif.financeurs.all()),
            chiffres=selecteurs.chiffres(dispositif),
            stock=stocks.stock_departement(dispositif),
            generations=generations_faites,
            publics=[libelle for valeur, libelle in Public.choices if valeur in dispositif.publics],
        ),
    )


@role_required(Role.COORDINATEUR)
@require_http_methods(["GET", "POST"])
def modifier(request, pk):
    dispositif = selecteurs.get_dispositif(request.membership, pk)
    if (retour := _exiger_ouvert(request, dispositif)) is not None:
        return retour
    form = DispositifForm(donnees_postees(request), departement_id=dispositif.departement_id, dispositif=dispositif)
    if request.method == "POST" and form.is_valid():
        try:
            changes = services.modifier_dispositif(
                par=request.membership,
                dispositif=dispositif,
                donnees=form.donnees(),
                financeurs=form.financeurs(),
                request=request,
            )
        except ValidationError as exc:
            ajouter_erreurs_du_service(form, exc)
        else:
            if changes:
                messages.success(request, "Modifications enregistrées.")
            else:
                messages.info(request, "Aucune modification : le dispositif est inchangé.")
            return redirect("pass_dispositifs:detail", pk=dispositif.pk)
    return render(request, "pass_numerique/dispositifs/formulaire.html", {"form": form, "dispositif": dispositif})


@role_required(Role.COORDINATEUR)
@require_http_methods(["GET", "POST"])
def clore(request, pk):
    dispositif = selecteurs.get_dispositif(request.membership, pk)
    if (retour := _exiger_ouvert(request, dispositif)) is not None:
        return retour
    erreurs = []
    if request.method == "POST":
        try:
            services.clore_dispositif(par=request.membership, dispositif=dispositif, request=request)
        except ValidationError as exc:
            erreurs = exc.messages
        else:
            messages.success(request, f"Le dispositif « {dispositif.nom} » est clos.")
            return redirect("pass_dispositifs:detail", pk=dispositif.pk)
    return render(
        request,
        "pass_numerique/dispositifs/clore.html",
        _contexte(
            request,
            dispositif,
            erreurs=erreurs,
            chiffres=selecteurs.chiffres(dispositif),
            nb_lieux=selecteurs.qualifications(dispositif, statut=Qualification.Statut.QUALIFIE).count(),
        ),
    )


# --- Qualified places -----------------------------------------------------------------------------


@role_required(*EQUIPE)
def lieux(request, pk):
    dispositif = selecteurs.get_dispositif(request.membership, pk)
    texte = request.GET.get("q", "").strip()
    statut = request.GET.get("statut", "")
    statut = statut if statut in Qualification.Statut.values else ""
    page = Paginator(selecteurs.qualifications(dispositif, statut=statut, texte=texte), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "pass_numerique/dispositifs/lieux.html",
        _contexte(request, dispositif, page=page, q=texte, statut=statut, statuts=STATUTS_QUALIFICATION),
    )


@role_required(Role.COORDINATEUR)
@require_http_methods(["GET", "POST"])
def decider(request, pk):
    dispositif = selecteurs.get_dispositif(request.membership, pk)
    if (retour := _exiger_ouvert(request, dispositif)) is not None:
        return retour
    initial, actuelle = {}, None
    if request.method == "GET" and request.GET.get("lieu", "").isdigit():
        lieu = selecteurs.get_lieu_du_departement(dispositif, request.GET["lieu"])
        actuelle = selecteurs.qualifications(dispositif).filter(lieu=lieu).first()
        initial = {"lieu": lieu.pk}
    form = QualificationForm(donnees_postees(request), dispositif=dispositif, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            qualification = services.decider_qualification(
                par=request.membership,
                dispositif=dispositif,
                lieu=form.cleaned_data["lieu"],
                statut=form.cleaned_data["statut"],
                motif=form.cleaned_data["motif"],
                request=request,
            )
        except ValidationError as exc:
            ajouter_erreurs_du_service(form, exc)
        else:
            messages.success(
                request,
                f"« {qualification.lieu.nom} » est maintenant « {qualification.get_statut_display().lower()} » "
                f"pour ce dispositif.",
            )
            return redirect("pass_dispositifs:lieux", pk=dispositif.pk)
    return render(
        request, "pass_numerique/dispositifs/decider.html", _contexte(request, dispositif, form=form, actuelle=actuelle)
    )


# --- Participating prescribers and their stock ----------------------------------------------------


@role_required(*EQUIPE)
@require_http_methods(["GET", "POST"])
def prescripteurs(request, pk):
    dispositif = selecteurs.get_dispositif(request.membership, pk)
    form = None
    if request.membership.role == Role.COORDINATEUR and dispositif.clos_le is None:
        form = ParticipationForm(donnees_postees(request), dispositif=dispositif)
        if request.method == "POST" and form.is_valid():
            organisme = form.cleaned_data["organisme"]
            try:
                services.ajouter_participation(
                    par=request.membership, dispositif=dispositif, organisme=organisme, request=request
                )
            except ValidationError as exc:
                ajouter_erreurs_du_service(form, exc)
            else:
                messages.success(request, f"« {organisme.nom} » participe maintenant au dispositif.")
                return redirect("pass_dispositifs:prescripteurs", pk=dispositif.pk)
    elif request.method == "POST":
        raise PermissionDenied("Seul·e un·e coordinateur·rice ajoute des prescripteurs à un dispositif ouvert.")
    return render(
        request,
        "pass_numerique/dispositifs/prescripteurs.html",
        _contexte(
            request,
            dispositif,
            form=form,
            lignes=stocks.stock_par_organisme(dispositif),
            stock=stocks.stock_departement(dispositif),
        ),
    )


@role_required(Role.COORDINATEUR)
@require_POST
def retirer_prescripteur(request, pk):
    """POST without `confirmer`: the confirmation page; with it: the organisation leaves."""
    dispositif = selecteurs.get_dispositif(request.membership, pk)
    if not request.POST.get("organisme", "").isdigit():
        raise Http404("Organisme introuvable.")
    organisme = selecteurs.get_organisme_du_departement(dispositif, request.POST["organisme"])
    erreurs = []
    if request.POST.get("confirmer"):
        try:
            services.retirer_participation(
                par=request.membership, dispositif=dispositif, organisme=organisme, request=request
            )
        except ValidationError as exc:
            erreurs = exc.messages
        else:
            messages.success(request, f"« {organisme.nom} » ne participe plus au dispositif.")
            return redirect("pass_dispositifs:prescripteurs", pk=dispositif.pk)
    stock = stocks.carnets_en_stock(organisme, dispositif).count()
    return render(
        request,
        "pass_numerique/dispositifs/retirer_prescripteur.html",
        _contexte(request, dispositif, organisme=organisme, erreurs=erreurs, nb_en_stock=stock),
    )


# --- Generation, allocation, transfer ------------------------------------------------------------


@role_required(Role.COORDINATEUR)
@require_http_methods(["GET", "POST"])
def generer(request, pk):
    """GET: the form; POST: the confirmation (how many cheques, which numbers); POST with
    `confirmer`: the generation."""
    dispositif = selecteurs.get_dispositif(request.membership, pk)
    if (retour := _exiger_ouvert(request, dispositif)) is not None:
        return retour
    form = GenerationForm(donnees_postees(request), dispositif=dispositif)
    if request.method == "POST" and form.is_valid():
        nb_carnets, taille = form.cleaned_data["nb_carnets"], form.cleaned_data["taille"]
        if request.POST.get("confirmer"):
            try:
                faite = generations.generer(
                    par=request.membership, dispositif=dispositif, nb_carnets=nb_carnets, taille=taille, request=request
                )
            except ValidationError as exc:
                ajouter_erreurs_du_service(form, exc)
            else:
                messages.success(
                    request,
                    f"{faite.nb_cheques} chèques générés : {faite.nb_carnets} carnets de {faite.taille} "
                    f"(carnets n° {faite.premier_carnet} à {faite.dernier_carnet}, chèques n° "
                    f"{faite.premier_numero_serie} à {faite.dernier_numero_serie}). Lot {faite.lot}.",
                )
                return redirect("pass_dispositifs:detail", pk=dispositif.pk)
        else:
            carnet, serie = generations.prochains_numeros(dispositif.departement_id)
            nb_cheques = nb_carnets * taille
            return render(
                request,
                "pass_numerique/dispositifs/generer_confirmer.html",
                _contexte(
                    request,
                    dispositif,
                    form=form,
                    nb_carnets=nb_carnets,
                    taille=taille,
                    nb_cheques=nb_cheques,
                    montant=dispositif.valeur_faciale * nb_cheques,
                    carnets=(carnet, carnet + nb_carnets - 1),
                    series=(serie, serie + nb_cheques - 1),
                ),
            )
    return render(
        request,
        "pass_numerique/dispositifs/generer.html",
        _contexte(
            request,
            dispositif,
            form=form,
            chiffres=selecteurs.chiffres(dispositif),
        ),
    )


@role_required(Role.COORDINATEUR)
@require_http_methods(["GET", "POST"])
def doter(request, pk):
    dispositif = selecteurs.get_dispositif(request.membership, pk)
    if (retour := _exiger_ouvert(request, dispositif)) is not None:
        return retour
    form = DotationForm(donnees_postees(request), dispositif=dispositif)
    if request.method == "POST" and form.is_valid():
        organisme = form.cleaned_data["organisme"]
        try:
            carnets = dotations.doter(
                par=request.membership,
                dispositif=dispositif,
                organisme=organisme,
                nb_carnets=form.cleaned_data["nb_carnets"],
                taille=form.cleaned_data["taille"],
                request=request,
            )
        except ValidationError as exc:
            ajouter_erreurs_du_service(form, exc)
        else:
            messages.success(
                request,
                f"{_carnets(len(carnets))} doté{'s' if len(carnets) > 1 else ''} à "
                f"« {organisme.nom} » ({stocks.texte_plages(stocks.plages(c.numero for c in carnets))}).",
            )
            return redirect("pass_dispositifs:prescripteurs", pk=dispositif.pk)
    return render(
        request,
        "pass_numerique/dispositifs/doter.html",
        _contexte(request, dispositif, form=form, stock=stocks.stock_departement(dispositif)),
    )


@role_required(Role.COORDINATEUR)
@require_http_methods(["GET", "POST"])
def transferer(request, pk):
    dispositif = selecteurs.get_dispositif(request.membership, pk)
    if (retour := _exiger_ouvert(request, dispositif)) is not None:
        return retour
    form = TransfertForm(donnees_postees(request), dispositif=dispositif)
    if request.method == "POST" and form.is_valid():
        de, vers, nombre = form.cleaned_data["de"], form.cleaned_data["vers"], form.cleaned_data["nb_carnets"]
        carnets = list(stocks.carnets_en_stock(de, dispositif)[:nombre])
        if len(carnets) < nombre:
            form.add_error(
                "nb_carnets",
                f"« {de.nom} » n’a que {len(carnets)} carnet{'s' if len(carnets) > 1 else ''} de ce dispositif "
                f"en stock ; vous en demandez {nombre}.",
            )
        else:
            try:
                dotations.transferer(par=request.membership, carnets=carnets, vers_organisme=vers, request=request)
            except ValidationError as exc:
                ajouter_erreurs_du_service(form, exc)
            else:
                messages.success(
                    request,
                    f"{_carnets(len(carnets))} transféré{'s' if len(carnets) > 1 else ''} "
                    f"de « {de.nom} » à « {vers.nom} » "
                    f"({stocks.texte_plages(stocks.plages(c.numero for c in carnets))}).",
                )
                return redirect("pass_dispositifs:prescripteurs", pk=dispositif.pk)
    return render(
        request,
        "pass_numerique/dispositifs/transferer.html",
        _contexte(request, dispositif, form=form, lignes=stocks.stock_par_organisme(dispositif)),
    )
