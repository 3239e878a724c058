"""The attendance sheet of a session: the PDF to print (place members and the département's
coordinators), the upload of the signed scan (place members), its download, and the list of
past sessions still without a sheet. Thin views: reads through selectors, writes through
services.feuilles."""

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from comptes.access import role_required
from comptes.models import Role
from einclusion.formulaires import ajouter_erreurs_du_service

from .. import pdf, rules
from ..forms_feuilles import FeuilleForm, LimiteDeTaille
from ..selectors import feuilles as lectures
from ..selectors.portee import get_seance_du_lieu, get_seance_visible
from ..services import feuilles as service

logger = logging.getLogger(__name__)

ROLES_LIEU = (Role.RESPONSABLE, Role.MEDIATEUR)
ROLES_FEUILLE = (*ROLES_LIEU, Role.COORDINATEUR)
TAILLE_PAGE = 25


def _sans_cache(response):
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@role_required(*ROLES_FEUILLE)
@require_GET
def feuille_pdf(request, pk):
    """The sheet to print, before or after the session (names of the registered people: no
    journal entry for a print, as the lead decided; the download of the signed scan neither)."""
    seance = get_seance_visible(request.membership, pk)
    response = HttpResponse(pdf.pdf_feuille(seance), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="feuille-emargement-seance-{seance.pk}.pdf"'
    return _sans_cache(response)


@csrf_exempt  # the upload handler must be in place before the CSRF check reads the body: see _deposer
@role_required(*ROLES_LIEU)
@require_http_methods(["GET", "POST"])
def deposer(request, pk):
    seance = get_seance_du_lieu(request.membership, pk)
    limite = LimiteDeTaille(request, limite=service.taille_max())
    request.upload_handlers.insert(0, limite)
    return _deposer(request, seance, limite)


@csrf_protect
def _deposer(request, seance, limite: LimiteDeTaille):
    par = request.membership
    feuilles = lectures.feuilles_de(seance)
    remplacement = feuilles.courante is not None
    refus = service.pourquoi_pas_de_depot(seance)
    if request.method == "POST" and not refus:
        form = FeuilleForm(request.POST, request.FILES, remplacement=remplacement)
        if limite.depasse:
            form.signaler_trop_gros()
        elif form.is_valid():
            try:
                service.deposer_feuille(
                    par=par,
                    seance=seance,
                    fichier=form.cleaned_data["fichier"],
                    motif=form.cleaned_data.get("motif", ""),
                    request=request,
                )
            except ValidationError as exc:
                ajouter_erreurs_du_service(form, exc)
            else:
                messages.success(
                    request,
                    "La feuille signée est remplacée ; l’ancienne reste consultable dans l’historique."
                    if remplacement
                    else "La feuille signée est déposée : l’émargement de la séance est verrouillé.",
                )
                return redirect("ateliers:seance", pk=seance.pk)
    else:
        form = FeuilleForm(remplacement=remplacement)
    return render(
        request,
        "ateliers/feuilles/deposer.html",
        {
            "seance": seance,
            "form": form,
            "refus": refus,
            "courante": feuilles.courante,
            "non_pointes": 0 if refus else lectures.inscrits_non_pointes(seance),
        },
    )


@role_required(*ROLES_FEUILLE)
@require_GET
def telecharger(request, pk, fpk):
    """A signed sheet (current or replaced) of a session the membership sees."""
    seance = get_seance_visible(request.membership, pk)
    feuille = lectures.get_feuille(seance, fpk)
    try:
        fichier = feuille.fichier.open("rb")
    except FileNotFoundError:
        logger.error("Feuille d’émargement %s : fichier absent du stockage (%s)", feuille.pk, feuille.fichier.name)
        raise Http404("Le fichier de cette feuille est introuvable.") from None
    debut = timezone.localtime(seance.debut)
    nom = f"emargement-seance-{seance.pk}-{debut:%Y-%m-%d}-{feuille.pk}.{service.EXTENSION_DE[feuille.type_contenu]}"
    response = FileResponse(fichier, as_attachment=True, filename=nom, content_type=feuille.type_contenu)
    return _sans_cache(response)


@role_required(*ROLES_FEUILLE)
@require_GET
def sans_feuille(request):
    par = request.membership
    coordination = rules.est_coordinateur(par)
    lieux, lieu_id = [], None
    if coordination:
        lieux = list(lectures.lieux_sans_feuille(par))
        choisi = request.GET.get("lieu", "")
        lieu_id = int(choisi) if choisi.isdigit() and len(choisi) < 10 else None
    seances = lectures.seances_sans_feuille_a_lister(par, lieu_id=lieu_id)
    page = Paginator(seances, TAILLE_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "ateliers/feuilles/sans_feuille.html",
        {"page": page, "coordination": coordination, "lieux": lieux, "lieu_id": lieu_id},
    )
