"""The workshops of a place (responsable and médiateur·rices): list, create, show, edit,
archive and restore. Thin views: reads through the scoped selectors, writes through services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Min, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from comptes.access import role_required
from comptes.models import Role
from einclusion.formulaires import ajouter_erreurs_du_service, donnees_postees

from ..forms_ateliers import AtelierForm, RechercheAtelierForm
from ..selectors.agenda import seances_de_l_atelier, statut_de
from ..selectors.portee import ateliers_du_lieu, get_atelier_du_lieu
from ..services import ateliers as service

PAGE_SIZE = 25
SEANCES_PAR_PAGE = 20
ROLES = (Role.RESPONSABLE, Role.MEDIATEUR)
LIBELLES = {nom: champ.label for nom, champ in AtelierForm.base_fields.items()}


@role_required(*ROLES)
def liste(request):
    recherche = RechercheAtelierForm(request.GET or None)
    texte, archives = "", False
    if recherche.is_valid():
        texte, archives = recherche.cleaned_data["q"].strip(), recherche.cleaned_data["archives"]
    maintenant = timezone.now()
    ateliers = ateliers_du_lieu(request.membership).select_related("dispositif")
    if not archives:
        ateliers = ateliers.actifs()
    if texte:
        ateliers = ateliers.filter(titre__icontains=texte)
    a_venir = Q(seances__debut__gte=maintenant, seances__annulee_le__isnull=True)
    ateliers = ateliers.annotate(
        prochaine=Min("seances__debut", filter=a_venir), nb_a_venir=Count("seances", filter=a_venir)
    ).order_by(F("archive_le").asc(nulls_first=True), "titre", "pk")
    page = Paginator(ateliers, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "ateliers/ateliers/liste.html",
        {"page": page, "q": texte, "archives": archives, "filtre": bool(texte or archives), "recherche": recherche},
    )


@role_required(*ROLES)
@require_http_methods(["GET", "POST"])
def creer(request):
    form = AtelierForm(donnees_postees(request), lieu_id=request.membership.organisation_id)
    if request.method == "POST" and form.is_valid():
        try:
            atelier = service.creer_atelier(par=request.membership, donnees=form.donnees(), request=request)
        except ValidationError as exc:
            ajouter_erreurs_du_service(form, exc)
        else:
            messages.success(request, f"L’atelier « {atelier.titre} » est créé. Programmez maintenant ses séances.")
            return redirect("ateliers:detail", pk=atelier.pk)
    return render(request, "ateliers/ateliers/formulaire.html", {"form": form, "atelier": None})


@role_required(*ROLES)
def detail(request, pk):
    atelier = get_atelier_du_lieu(request.membership, pk)
    passees = request.GET.get("passees") == "1"
    seances = seances_de_l_atelier(atelier, a_venir=not passees)
    page = Paginator(seances, SEANCES_PAR_PAGE).get_page(request.GET.get("page"))
    maintenant = timezone.now()
    for seance in page.object_list:
        seance.etat = statut_de(seance, maintenant)
    return render(request, "ateliers/ateliers/detail.html", {"atelier": atelier, "page": page, "passees": passees})


@role_required(*ROLES)
@require_http_methods(["GET", "POST"])
def modifier(request, pk):
    atelier = get_atelier_du_lieu(request.membership, pk)
    form = AtelierForm(donnees_postees(request), lieu_id=atelier.lieu_id, atelier=atelier)
    if request.method == "POST" and form.is_valid():
        try:
            changes = service.modifier_atelier(
                par=request.membership, atelier=atelier, donnees=form.donnees(), request=request
            )
        except ValidationError as exc:
            ajouter_erreurs_du_service(form, exc)
        else:
            if changes:
                libelles = ", ".join(LIBELLES.get(c, c).lower() for c in changes)
                messages.success(request, f"Modifications enregistrées ({libelles}).")
            else:
                messages.info(request, "Aucune modification : l’atelier est inchangé.")
            return redirect("ateliers:detail", pk=atelier.pk)
    return render(request, "ateliers/ateliers/formulaire.html", {"form": form, "atelier": atelier})


@role_required(*ROLES)
@require_http_methods(["GET", "POST"])
def archiver(request, pk):
    """GET: the confirmation page. POST: archive, or restore with the field `restaurer`."""
    atelier = get_atelier_du_lieu(request.membership, pk)
    if request.method == "POST":
        restaurer = bool(request.POST.get("restaurer"))
        try:
            if restaurer:
                service.restaurer_atelier(par=request.membership, atelier=atelier, request=request)
            else:
                service.archiver_atelier(par=request.membership, atelier=atelier, request=request)
        except ValidationError as exc:
            messages.info(request, " ".join(exc.messages))
        else:
            if restaurer:
                messages.success(request, f"L’atelier « {atelier.titre} » est restauré : vous pouvez le programmer.")
            else:
                messages.success(
                    request,
                    f"L’atelier « {atelier.titre} » est archivé. Vous pouvez le restaurer depuis sa page "
                    "(liste des ateliers, « afficher aussi les ateliers archivés »).",
                )
        return redirect("ateliers:detail", pk=atelier.pk)
    if not atelier.est_actif:
        messages.info(request, f"L’atelier « {atelier.titre} » est déjà archivé.")
        return redirect("ateliers:detail", pk=atelier.pk)
    a_venir = atelier.seances.maintenues().filter(debut__gte=timezone.now()).count()
    return render(request, "ateliers/ateliers/archiver.html", {"atelier": atelier, "a_venir": a_venir})
