"""Upload of the signed attendance sheet (scan) of a session.

The file is checked by its content (magic bytes: a PDF, a JPEG or a PNG, and the extension must
say the same), its size is limited (settings.EMARGEMENT_TAILLE_MAX_MO), its SHA-256 is computed
while its chunks stream by, and it is stored in the private storage (ateliers/stockage.py, never
under MEDIA_ROOT). Uploading locks the roll-call (`Seance.verrouillee_le`). A second upload
replaces the current sheet only with a reason; the earlier row and its file are kept.

The file is written inside the transaction, once every rule has been checked; if anything fails
after that (a concurrent upload, the journal), the file is removed before the error goes on, so
no orphan file is left behind the rolled-back rows.
"""

import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone

from journal.models import Action
from structures.services.importation import taille_lisible

from .. import evenements, rules
from ..models import FeuilleEmargement, Seance

logger = logging.getLogger(__name__)

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
# What each accepted type starts with, and the extensions that may carry it.
SIGNATURES = ((b"%PDF-", PDF), (b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG))
EXTENSIONS = {"pdf": PDF, "jpg": JPEG, "jpeg": JPEG, "png": PNG}
LIBELLES = {PDF: "un PDF", JPEG: "une image JPEG", PNG: "une image PNG"}
EXTENSION_DE = {PDF: "pdf", JPEG: "jpg", PNG: "png"}
MOTIF_MIN, MOTIF_MAX = 5, 500
LONGUEUR_NOM = 120


@dataclass(frozen=True)
class Analyse:
    type_contenu: str
    taille: int
    sha256: str


def taille_max() -> int:
    """The largest sheet accepted, in bytes."""
    return int(getattr(settings, "EMARGEMENT_TAILLE_MAX_MO", 10)) * 1024 * 1024


def message_taille(taille: int | None = None) -> str:
    """The refusal of a file too big (`taille` unknown when the upload was cut off)."""
    maximum = taille_lisible(taille_max())
    volume = taille_lisible(taille) if taille else maximum
    if volume == maximum:
        volume = f"plus de {maximum}"
    return (
        f"Le fichier est trop volumineux ({volume}) : la taille maximale est de {maximum}. "
        "Scannez la feuille en noir et blanc, à 200 ou 300 ppp, ou enregistrez-la en PDF compressé."
    )


def type_par_contenu(debut: bytes) -> str | None:
    for signature, type_contenu in SIGNATURES:
        if debut.startswith(signature):
            return type_contenu
    return None


def nom_sain(nom: str | None) -> str:
    """The uploaded file's name as it may be shown: no folder, no control character, at most
    LONGUEUR_NOM characters (the extension kept)."""
    nom = re.split(r"[\\/]", nom or "")[-1]
    nom = "".join(c for c in unicodedata.normalize("NFC", nom) if unicodedata.category(c)[0] != "C")
    nom = " ".join(nom.split()).strip(" .")
    if len(nom) > LONGUEUR_NOM:
        base, point, extension = nom.rpartition(".")
        extension = extension[:10] if point else ""
        nom = base[: LONGUEUR_NOM - len(extension) - 1].rstrip() + "." + extension if extension else nom[:LONGUEUR_NOM]
    return nom or "feuille"


def _extension(nom: str) -> str:
    return nom.rpartition(".")[2].lower() if "." in nom else ""


def verifier_fichier(fichier) -> str:
    """The file's content type, or a ValidationError (on `fichier`) saying in French what is wrong:
    empty, too big, not a scan (PDF, JPEG, PNG), or an extension that lies about the content.
    Reads only the first bytes."""
    nom = nom_sain(fichier.name)
    if not fichier.size:
        raise ValidationError({"fichier": "Le fichier est vide : scannez de nouveau la feuille signée."})
    if fichier.size > taille_max():
        raise ValidationError({"fichier": message_taille(fichier.size)})
    fichier.seek(0)
    debut = fichier.read(16)
    fichier.seek(0)
    type_contenu = type_par_contenu(debut)
    extension = _extension(nom)
    attendu = EXTENSIONS.get(extension)
    if attendu is None:
        raise ValidationError(
            {
                "fichier": f"« {nom} » n’est pas accepté : la feuille signée doit être un fichier PDF, JPEG ou PNG "
                "(extension .pdf, .jpg, .jpeg ou .png)."
            }
        )
    if type_contenu is None:
        raise ValidationError(
            {
                "fichier": f"« {nom} » porte l’extension .{extension} mais son contenu n’est ni un PDF, ni une image "
                "JPEG ou PNG : le fichier est peut-être abîmé, ou ce n’est pas le bon fichier."
            }
        )
    if type_contenu != attendu:
        raise ValidationError(
            {
                "fichier": f"« {nom} » porte l’extension .{extension} mais contient {LIBELLES[type_contenu]} : "
                f"renommez-le en .{EXTENSION_DE[type_contenu]} ou choisissez le bon fichier."
            }
        )
    return type_contenu


def analyser(fichier) -> Analyse:
    """Checks the file, then reads it chunk by chunk for its SHA-256 and its real size."""
    type_contenu = verifier_fichier(fichier)
    empreinte = hashlib.sha256()
    taille = 0
    fichier.seek(0)
    for morceau in fichier.chunks():
        empreinte.update(morceau)
        taille += len(morceau)
    fichier.seek(0)
    if taille > taille_max():
        raise ValidationError({"fichier": message_taille(taille)})
    return Analyse(type_contenu=type_contenu, taille=taille, sha256=empreinte.hexdigest())


def pourquoi_pas_de_depot(seance: Seance, *, maintenant=None) -> str | None:
    """Why no sheet may be uploaded for this session yet (None: it may)."""
    if seance.est_annulee:
        return "Cette séance est annulée : il n’y a pas de feuille d’émargement à déposer."
    if seance.debut > (maintenant or timezone.now()):
        debut = timezone.localtime(seance.debut)
        return (
            f"La séance n’a pas encore commencé (elle débute le {formats.date_format(debut, 'j F Y')} à "
            f"{debut:%H:%M}) : imprimez la feuille, faites-la signer pendant la séance, puis déposez-la."
        )
    return None


def motif_valide(motif: str) -> str:
    motif = " ".join((motif or "").split())
    if len(motif) < MOTIF_MIN:
        raise ValidationError(
            {
                "motif": "Une feuille signée est déjà déposée : indiquez pourquoi vous la remplacez "
                f"(au moins {MOTIF_MIN} caractères)."
            }
        )
    if len(motif) > MOTIF_MAX:
        raise ValidationError({"motif": f"Le motif ne doit pas dépasser {MOTIF_MAX} caractères."})
    return motif


def deposer_feuille(*, par, seance: Seance, fichier, motif: str = "", request=None) -> FeuilleEmargement:
    """Stores the signed sheet of `seance` and locks its roll-call. When the session already has a
    sheet, the new one replaces it (a reason of 5 to 500 characters is required; the earlier
    sheet is kept with that reason). Raises ValidationError (French, per field) or
    PermissionDenied."""
    if not rules.peut_gerer_seance(par, seance):
        raise PermissionDenied("Seuls les membres du lieu déposent la feuille d’émargement de ses séances.")
    analyse = analyser(fichier)
    nom = nom_sain(fichier.name)
    stockage, chemin = None, None
    try:
        with transaction.atomic():
            seance = Seance.objects.select_for_update().select_related("atelier", "lieu__departement").get(pk=seance.pk)
            refus = pourquoi_pas_de_depot(seance)
            if refus:
                raise ValidationError(refus)
            maintenant = timezone.now()
            courante = seance.feuilles.select_for_update().filter(remplacee_le__isnull=True).first()
            if courante is not None:
                motif = motif_valide(motif)
                if courante.sha256 == analyse.sha256:
                    raise ValidationError(
                        {"fichier": "Ce fichier est identique à la feuille déjà déposée : rien n’est remplacé."}
                    )
                courante.remplacee_le = maintenant
                courante.motif_remplacement = motif
                courante.save(update_fields=["remplacee_le", "motif_remplacement"])
            feuille = FeuilleEmargement(
                seance=seance,
                nom_original=nom,
                type_contenu=analyse.type_contenu,
                taille=analyse.taille,
                sha256=analyse.sha256,
                deposee_le=maintenant,
                deposee_par=par.user,
            )
            feuille.fichier.save(f"feuille.{EXTENSION_DE[analyse.type_contenu]}", fichier, save=False)
            stockage, chemin = feuille.fichier.storage, feuille.fichier.name
            feuille.save()
            if seance.verrouillee_le is None:
                seance.verrouillee_le = maintenant
                seance.save(update_fields=["verrouillee_le"])
            details = {
                "feuille": feuille.pk,
                "sha256": analyse.sha256,
                "taille": analyse.taille,
                "type": analyse.type_contenu,
            }
            if courante is None:
                evenements.sur_seance(
                    action=Action.FEUILLE_DEPOSEE, par=par, seance=seance, details=details, request=request
                )
            else:
                details |= {"remplacee": courante.pk, "ancien_sha256": courante.sha256, "motif": motif}
                evenements.sur_seance(
                    action=Action.FEUILLE_REMPLACEE, par=par, seance=seance, details=details, request=request
                )
    except BaseException:
        if chemin:
            _supprimer_orphelin(stockage, chemin)
        raise
    return feuille


def _supprimer_orphelin(stockage, chemin: str) -> None:
    try:
        stockage.delete(chemin)
    except OSError:  # pragma: no cover - logged, the original error matters more
        logger.exception("Feuille d’émargement orpheline non supprimée : %s", chemin)
