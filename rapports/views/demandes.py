"""Pages of the funding reports: history, request, detail with its progress, retry, download.

For the département's team (coordinateur and lecteur) of the report's département; anyone else
gets a 404 (the selectors raise). Thin views: reads through the selectors, writes through the
services.
"""

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from einclusion.formulaires import ajouter_erreurs_du_service, donnees_postees
from pass_numerique.selectors.dispositifs import dispositifs_visibles, get_dispositif

from ..forms import DemandeForm, Periode
from ..models import Format, Rapport
from ..selectors import demandes as selecteurs
from ..services import demandes as services

logger = logging.getLogger(__name__)

PAGE_SIZE = 25
TYPES_CONTENU = {
    Format.PDF: "application/pdf",
    Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Format.CSV_FR: "application/zip",
    Format.CSV: "application/zip",
}


def _entier(valeur) -> int | None:
    try:
        return int(valeur)
    except (TypeError, ValueError):
        return None


@require_GET
def liste(request):
    par = selecteurs.exiger_equipe(request.membership)
    dispositif = None
    choisi = _entier(request.GET.get("dispositif"))
    if choisi is not None:
        dispositif = get_dispositif(par, choisi)
    page = Paginator(selecteurs.historique(par, dispositif=dispositif), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "rapports/demandes/liste.html",
        {
            "page": page,
            "dispositif": dispositif,
            "dispositifs": dispositifs_visibles(par).order_by("nom", "pk"),
        },
    )


@require_http_methods(["GET", "POST"])
def demander(request):
    par = selecteurs.exiger_equipe(request.membership)
    dispositifs = list(dispositifs_visibles(par).order_by("-debut", "nom", "pk"))
    choisi = None
    initial = {}
    if request.method == "GET":
        pk = _entier(request.GET.get("dispositif"))
        if pk is not None:
            choisi = get_dispositif(par, pk)
            initial["dispositifs"] = [str(choisi.pk)]
        for champ in ("du", "au"):
            if request.GET.get(champ):
                initial[champ] = request.GET[champ]
    if choisi is None and len(dispositifs) == 1:
        choisi = dispositifs[0]  # its whole operation is offered as a period
    form = DemandeForm(donnees_postees(request), dispositifs=dispositifs, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            rapport = services.demander_rapport(
                par=par,
                dispositifs=form.cleaned_data["dispositifs"],
                du=form.cleaned_data["du"],
                au=form.cleaned_data["au"],
                formats=form.cleaned_data["formats"],
                request=request,
            )
        except ValidationError as exc:
            ajouter_erreurs_du_service(form, exc)
        else:
            _annoncer(request, rapport)
            return redirect("rapports:detail", pk=rapport.pk)
    return render(
        request,
        "rapports/demandes/demander.html",
        {
            "form": form,
            "aucun_dispositif": not dispositifs,
            "presets": Periode.presets(timezone.localdate(), choisi),
            "choisi": choisi,
        },
    )


def _annoncer(request, rapport: Rapport) -> None:
    rapport.refresh_from_db(fields=["statut", "en_file"])
    if rapport.statut == Rapport.Statut.ATTENTE and not rapport.en_file:
        messages.warning(request, services.FILE_INDISPONIBLE)
    elif rapport.statut == Rapport.Statut.TERMINE:
        messages.success(request, "Le rapport est prêt : ses fichiers sont à télécharger ci-dessous.")
    else:
        messages.success(request, "Votre demande est enregistrée : vous recevrez un e-mail quand le rapport sera prêt.")


def _contexte(rapport: Rapport) -> dict:
    return {
        "rapport": rapport,
        "fichiers": list(rapport.fichiers.all()),
        "peut_relancer": services.peut_relancer(rapport),
        "file_indisponible": services.FILE_INDISPONIBLE
        if rapport.statut == Rapport.Statut.ATTENTE and not rapport.en_file
        else "",
    }


@require_GET
def detail(request, pk):
    rapport = selecteurs.get_rapport(request.membership, pk)
    return render(request, "rapports/demandes/detail.html", _contexte(rapport))


@require_GET
def progression(request, pk):
    """The progress fragment, polled by HTMX every 2 s while the report waits or runs. Once it is
    over, HTMX reloads the whole page (files, reason of a failure, « Relancer »)."""
    rapport = selecteurs.get_rapport(request.membership, pk)
    response = render(request, "rapports/demandes/_progression.html", _contexte(rapport))
    if request.htmx and not rapport.en_cours_ou_attente:
        response["HX-Refresh"] = "true"
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def relancer(request, pk):
    rapport = selecteurs.get_rapport(request.membership, pk)
    try:
        rapport = services.relancer_rapport(par=request.membership, rapport=rapport, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        _annoncer(request, rapport)
    return redirect("rapports:detail", pk=pk)


@require_GET
def telecharger(request, pk, format):
    rapport = selecteurs.get_rapport(request.membership, pk)
    fichier = next((f for f in rapport.fichiers.all() if f.format == format), None)
    if fichier is None or rapport.statut != Rapport.Statut.TERMINE:
        return _absent(request, rapport)
    try:
        flux = fichier.fichier.open("rb")
    except FileNotFoundError:
        logger.error("Rapport %s : fichier absent du stockage (%s)", rapport.pk, fichier.fichier.name)
        return _absent(request, rapport)
    services.noter_telechargement(rapport=rapport, par=request.membership, fichier=fichier, request=request)
    response = FileResponse(
        flux, as_attachment=True, filename=fichier.nom, content_type=TYPES_CONTENU.get(fichier.format)
    )
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _absent(request, rapport):
    return render(request, "rapports/demandes/fichier_absent.html", {"rapport": rapport}, status=404)
