"""Coordinators' import of places in the national standard (upload → preview → confirm) and
download of their département's places.

The uploaded file is kept between the preview and the confirmation in PRIVATE_STORAGE_ROOT (never
public media), under a random token that only the uploader's session knows; the confirmation
re-validates it and writes (all or nothing), then deletes it. An upload over the size limit is
cut off while it streams in (`_LimiteTaille`), so a 50 MB file never reaches the disk whole.
"""

import re
import secrets
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comptes.access import role_required
from comptes.models import Role
from structures.services.exportation import FORMATS, exporter_texte, nom_de_fichier
from structures.services.importation import importer_lieux, message_taille, taille_lisible, taille_max

SESSION_KEY = "structures_import_fichiers"
DOSSIER = "imports-lieux"
DUREE_DE_VIE = 24 * 3600  # seconds a file waits for its confirmation
MAX_EN_ATTENTE = 5  # files kept per session
_JETON = re.compile(r"^[A-Za-z0-9_-]{32}$")


class ImportForm(forms.Form):
    fichier = forms.FileField(
        label="Fichier des lieux (CSV ou JSON)",
        error_messages={
            "required": "Choisissez le fichier à importer.",
            "empty": "Le fichier est vide.",
            "invalid": "Aucun fichier n’a été reçu : choisissez-le de nouveau.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fichier"].help_text = (
            f"Format : standard national des lieux de médiation numérique v1.0.2, en CSV (séparateur virgule "
            f"ou point-virgule) ou en JSON, encodé en UTF-8. Taille maximale : {taille_lisible(taille_max())}."
        )
        self.fields["fichier"].widget.attrs["accept"] = ".csv,.json,text/csv,application/json"


class _LimiteTaille(FileUploadHandler):
    """Stops receiving a file as soon as it exceeds the import limit (the file is then skipped)."""

    depasse = False
    taille = 0

    def receive_data_chunk(self, raw_data, start):
        self.taille = start + len(raw_data)
        if self.taille > taille_max():
            self.depasse = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


def _dossier() -> Path:
    dossier = Path(settings.PRIVATE_STORAGE_ROOT) / DOSSIER
    dossier.mkdir(parents=True, exist_ok=True, mode=0o700)
    return dossier


def _purger(dossier: Path) -> None:
    """Delete files whose confirmation never came (sessions expire, people give up)."""
    limite = time.time() - DUREE_DE_VIE
    for chemin in dossier.glob("*.import"):
        if chemin.stat().st_mtime < limite:
            chemin.unlink(missing_ok=True)


def _en_attente(request) -> dict:
    return request.session.get(SESSION_KEY, {})


def _conserver(request, fichier) -> str:
    dossier = _dossier()
    _purger(dossier)
    jeton = secrets.token_urlsafe(24)
    with (dossier / f"{jeton}.import").open("wb") as sortie:
        for morceau in fichier.chunks():
            sortie.write(morceau)
    attente = _en_attente(request)
    for ancien in sorted(attente, key=lambda j: attente[j]["depose_le"])[: max(0, len(attente) - MAX_EN_ATTENTE + 1)]:
        (dossier / f"{ancien}.import").unlink(missing_ok=True)
        del attente[ancien]
    attente[jeton] = {
        "nom": Path(fichier.name or "fichier").name[:200],
        "membership": request.membership.pk,
        "depose_le": time.time(),
    }
    request.session[SESSION_KEY] = attente
    return jeton


def _retrouver(request, jeton: str) -> tuple[dict, Path] | None:
    """The file of this token if this session uploaded it, for the current membership, recently."""
    entree = _en_attente(request).get(jeton) if _JETON.match(jeton) else None
    if entree is None or entree["membership"] != request.membership.pk:
        return None
    chemin = _dossier() / f"{jeton}.import"
    if entree["depose_le"] < time.time() - DUREE_DE_VIE or not chemin.is_file():
        return None
    return entree, chemin


def _oublier(request, jeton: str) -> None:
    attente = _en_attente(request)
    if attente.pop(jeton, None) is not None:
        request.session[SESSION_KEY] = attente
    (_dossier() / f"{jeton}.import").unlink(missing_ok=True)


def _introuvable(request):
    return render(request, "structures/import/introuvable.html", status=404)


@csrf_exempt  # the upload handler must be set before the CSRF check reads the body: see _televerser
@role_required(Role.COORDINATEUR)
@require_http_methods(["GET", "POST"])
def televerser(request):
    limite = _LimiteTaille(request)
    request.upload_handlers.insert(0, limite)
    return _televerser(request, limite)


@csrf_protect
def _televerser(request, limite: _LimiteTaille):
    departement = request.membership.organisation.departement
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if request.method == "POST":
        if limite.depasse:  # the file was cut off while it streamed in: the form only sees "no file"
            form.is_valid()
            form.errors.pop("fichier", None)
            form.add_error("fichier", message_taille(limite.taille, au_moins=True))
        elif form.is_valid():
            fichier = form.cleaned_data["fichier"]
            trop_gros = message_taille(fichier.size)
            if trop_gros:
                form.add_error("fichier", trop_gros)
            else:
                jeton = _conserver(request, fichier)
                return redirect("structures_import:apercu", jeton=jeton)
    return render(
        request,
        "structures/import/formulaire.html",
        {"form": form, "departement": departement, "taille_max": taille_lisible(taille_max())},
    )


@role_required(Role.COORDINATEUR)
@require_GET
def apercu(request, jeton: str):
    trouve = _retrouver(request, jeton)
    if trouve is None:
        return _introuvable(request)
    entree, chemin = trouve
    rapport = importer_lieux(
        contenu=chemin.read_bytes(),
        nom_fichier=entree["nom"],
        departement=request.membership.organisation.departement,
        simulation=True,
    )
    return render(request, "structures/import/apercu.html", {"rapport": rapport, "jeton": jeton})


@role_required(Role.COORDINATEUR)
@require_POST
def confirmer(request, jeton: str):
    trouve = _retrouver(request, jeton)
    if trouve is None:
        return _introuvable(request)
    entree, chemin = trouve
    rapport = importer_lieux(
        contenu=chemin.read_bytes(),
        nom_fichier=entree["nom"],
        departement=request.membership.organisation.departement,
        par=request.membership,
        request=request,
    )
    if not rapport.ecrit:  # the data changed since the preview: show why, keep the file
        return render(request, "structures/import/apercu.html", {"rapport": rapport, "jeton": jeton}, status=409)
    _oublier(request, jeton)
    messages.success(request, f"{rapport.conclusion()} (fichier {entree['nom']}).")
    return redirect("structures_import:televerser")


@role_required(Role.COORDINATEUR)
@require_GET
def export(request):
    format = request.GET.get("format", "csv")
    if format not in FORMATS:
        return HttpResponse("Format inconnu : csv ou json.", status=400, content_type="text/plain; charset=utf-8")
    departement = request.membership.organisation.departement
    reponse = HttpResponse(exporter_texte(format=format, departement=departement), content_type=FORMATS[format])
    nom = nom_de_fichier(format=format, departement=departement)
    reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
    reponse["Cache-Control"] = "private, no-store"
    return reponse
