"""Upload of the signed attendance sheet (service): real PDF, JPEG and PNG files, each bad file
with its French message and nothing saved, the lock, the replacement with a reason, the private
storage, the journal, and no orphan file when the transaction fails after the file was written.

The helpers (`monde`, `fichier_pdf`, `image`, `televerse`, `fichiers_stockes`) serve the other
test_feuilles_* modules too."""

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from comptes.models import Role
from comptes.tests.factories import DepartementFactory, EquipeDepartementaleFactory, LieuFactory, make_member
from journal.models import Action, Evenement

from ..models import FeuilleEmargement, Inscription, Seance
from ..services.feuilles import deposer_feuille, nom_sain
from .factories import AtelierFactory, inscrire, personne_du_lieu, seance

pytestmark = pytest.mark.django_db


# --- Shared helpers ---------------------------------------------------------------------------


def fichier_pdf(texte: str = "Feuille signée") -> bytes:
    """A small but valid one-page PDF (header, catalog, page, xref, trailer)."""
    flux = f"BT /F1 12 Tf 20 50 Td ({texte}) Tj ET".encode("latin-1")
    objets = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(flux) + flux + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    sortie = io.BytesIO()
    sortie.write(b"%PDF-1.4\n")
    positions = []
    for numero, corps in enumerate(objets, start=1):
        positions.append(sortie.tell())
        sortie.write(b"%d 0 obj\n" % numero + corps + b"\nendobj\n")
    xref = sortie.tell()
    sortie.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objets) + 1))
    for position in positions:
        sortie.write(b"%010d 00000 n \n" % position)
    sortie.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objets) + 1, xref))
    return sortie.getvalue()


def image(format_: str, taille=(40, 30)) -> bytes:
    """A real JPEG or PNG (Pillow)."""
    from PIL import Image

    tampon = io.BytesIO()
    Image.new("L", taille, color=230).save(tampon, format=format_)
    return tampon.getvalue()


def televerse(nom: str, contenu: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(nom, contenu, content_type="application/octet-stream")


def fichiers_stockes(settings) -> list[Path]:
    racine = Path(settings.PRIVATE_STORAGE_ROOT) / "emargements"
    return sorted(p for p in racine.rglob("*") if p.is_file()) if racine.exists() else []


@dataclass
class Monde:
    lieu: object
    voisin: object
    responsable: object
    mediateur: object
    mediateur_voisin: object
    coordinateur: object
    lecteur: object
    referent: object
    agent: object
    coordinateur_87: object
    seance: Seance
    seance_87: Seance


def monde() -> Monde:
    """Creuse (23): a place with a session held yesterday (two people registered), a neighbouring
    place; Haute-Vienne (87): a place with its own session. Every role."""
    creuse = DepartementFactory(code="23")
    lieu = LieuFactory(
        departement=creuse, nom="Médiathèque de Guéret", adresse="2 rue Eugène France", code_postal="23000"
    )
    voisin = LieuFactory(departement=creuse, nom="Tiers-lieu de Saint-Fiel")
    mediateur = make_member(Role.MEDIATEUR, organisation=lieu, first_name="Inès", last_name="Moreau")
    s = seance(
        AtelierFactory(lieu=lieu, titre="Premiers pas sur smartphone"), dans_jours=-1, mediateurs=[mediateur.user]
    )
    for nom, prenom in (("Martin", "Odette"), ("Bernard", "Lucien")):
        inscrire(s, personne_du_lieu(lieu, nom=nom, prenom=prenom))
    equipe = EquipeDepartementaleFactory(departement=creuse)
    lieu_87 = LieuFactory(departement=DepartementFactory(code="87"), nom="Bibliothèque de Limoges")
    return Monde(
        lieu=lieu,
        voisin=voisin,
        responsable=make_member(Role.RESPONSABLE, organisation=lieu),
        mediateur=mediateur,
        mediateur_voisin=make_member(Role.MEDIATEUR, organisation=voisin),
        coordinateur=make_member(Role.COORDINATEUR, organisation=equipe),
        lecteur=make_member(Role.LECTEUR, organisation=equipe),
        referent=make_member(Role.REFERENT, departement=creuse),
        agent=make_member(Role.AGENT, departement=creuse),
        coordinateur_87=make_member(Role.COORDINATEUR, departement=lieu_87.departement),
        seance=s,
        seance_87=seance(lieu=lieu_87, dans_jours=-1),
    )


@pytest.fixture
def m():
    return monde()


def rien_n_est_enregistre(m, settings) -> None:
    m.seance.refresh_from_db()
    assert m.seance.verrouillee_le is None
    assert not FeuilleEmargement.objects.exists()
    assert fichiers_stockes(settings) == []
    assert not Evenement.objects.filter(action__in=[Action.FEUILLE_DEPOSEE, Action.FEUILLE_REMPLACEE]).exists()


# --- Happy paths ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nom", "format_", "type_contenu"),
    [
        ("feuille.pdf", "pdf", "application/pdf"),
        ("SCAN 12.JPG", "JPEG", "image/jpeg"),
        ("photo.png", "PNG", "image/png"),
    ],
)
def test_depot_d_une_feuille_verrouille_l_emargement(m, settings, nom, format_, type_contenu):
    contenu = fichier_pdf() if format_ == "pdf" else image(format_)

    feuille = deposer_feuille(par=m.mediateur, seance=m.seance, fichier=televerse(nom, contenu))

    feuille.refresh_from_db()
    assert feuille.type_contenu == type_contenu
    assert feuille.taille == len(contenu)
    assert feuille.sha256 == hashlib.sha256(contenu).hexdigest()
    assert feuille.nom_original == nom
    assert feuille.deposee_par == m.mediateur.user and feuille.remplacee_le is None
    # Private storage, never the public media; the stored bytes are the uploaded ones.
    chemin = Path(feuille.fichier.path).resolve()
    assert chemin.is_relative_to(Path(settings.PRIVATE_STORAGE_ROOT).resolve() / "emargements")
    assert not chemin.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert chemin.read_bytes() == contenu
    assert f"seance-{m.seance.pk}-{feuille.sha256[:16]}" in chemin.name
    assert feuille.fichier.storage.base_url is None
    m.seance.refresh_from_db()
    assert m.seance.verrouillee_le is not None and m.seance.est_verrouillee
    [evenement] = Evenement.objects.filter(action=Action.FEUILLE_DEPOSEE)
    assert evenement.actor == m.mediateur.user and evenement.organisation_id == m.lieu.pk
    assert evenement.departement_id == m.lieu.departement_id
    assert evenement.target_id == str(m.seance.pk)
    assert evenement.details == {
        "feuille": feuille.pk,
        "sha256": feuille.sha256,
        "taille": len(contenu),
        "type": type_contenu,
    }


def test_une_seance_en_cours_accepte_sa_feuille(m):
    en_cours = seance(m.seance.atelier, debut=timezone.now() - timezone.timedelta(minutes=30))
    deposer_feuille(par=m.responsable, seance=en_cours, fichier=televerse("f.pdf", fichier_pdf()))
    en_cours.refresh_from_db()
    assert en_cours.est_verrouillee


def test_le_nom_d_origine_est_assaini():
    assert nom_sain("C:\\Users\\ines\\Documents\\scan 1.pdf") == "scan 1.pdf"
    assert nom_sain("../../etc/passwd.pdf") == "passwd.pdf"
    assert nom_sain("feuille\x00\x1b[31m.pdf") == "feuille[31m.pdf"
    assert nom_sain("   ") == "feuille"
    long = nom_sain("a" * 300 + ".jpeg")
    assert len(long) == 120 and long.endswith(".jpeg")


# --- Bad files: a French message, nothing saved -----------------------------------------------

MESSAGES = {
    "png_en_pdf": (
        "feuille.pdf",
        lambda: image("PNG"),
        "« feuille.pdf » porte l’extension .pdf mais contient une image PNG",
    ),
    "texte_en_jpg": ("scan.jpg", lambda: b"Ceci est un texte, pas une image.\n", "son contenu n’est ni un PDF"),
    "exe_renomme": (
        "feuille.pdf",
        lambda: b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200,
        "son contenu n’est ni un PDF",
    ),
    "exe": ("installer.exe", lambda: b"MZ\x90\x00\x03" + b"\x00" * 200, "« installer.exe » n’est pas accepté"),
    "pdf_sans_extension": ("feuille", fichier_pdf, "« feuille » n’est pas accepté"),
    "jpeg_en_png": ("photo.png", lambda: image("JPEG"), "contient une image JPEG : renommez-le en .jpg"),
    "vide": ("feuille.pdf", lambda: b"", "Le fichier est vide"),
}


@pytest.mark.parametrize("cas", MESSAGES)
def test_un_mauvais_fichier_est_refuse_avec_un_message_clair(m, settings, cas):
    nom, contenu, message = MESSAGES[cas]
    with pytest.raises(ValidationError) as erreur:
        deposer_feuille(par=m.mediateur, seance=m.seance, fichier=televerse(nom, contenu()))
    assert message in erreur.value.message_dict["fichier"][0]
    rien_n_est_enregistre(m, settings)


def test_un_fichier_trop_gros_est_refuse(m, settings):
    settings.EMARGEMENT_TAILLE_MAX_MO = 1
    contenu = fichier_pdf() + b"%" * (1024 * 1024 // 2 * 3)
    with pytest.raises(ValidationError) as erreur:
        deposer_feuille(par=m.mediateur, seance=m.seance, fichier=televerse("gros.pdf", contenu))
    [message] = erreur.value.message_dict["fichier"]
    assert message.startswith("Le fichier est trop volumineux (1,5 Mo) : la taille maximale est de 1 Mo.")
    rien_n_est_enregistre(m, settings)


def test_seance_annulee_ou_pas_encore_commencee(m, settings):
    a_venir = seance(m.seance.atelier, dans_jours=2, heure=10)
    annulee = seance(m.seance.atelier, dans_jours=-3, annulee_le=timezone.now(), motif_annulation="Panne")
    with pytest.raises(ValidationError) as pas_commencee:
        deposer_feuille(par=m.mediateur, seance=a_venir, fichier=televerse("f.pdf", fichier_pdf()))
    with pytest.raises(ValidationError) as refus_annulee:
        deposer_feuille(par=m.mediateur, seance=annulee, fichier=televerse("f.pdf", fichier_pdf()))
    assert "La séance n’a pas encore commencé (elle débute le " in pas_commencee.value.messages[0]
    assert "à 10:00)" in pas_commencee.value.messages[0]
    assert refus_annulee.value.messages == [
        "Cette séance est annulée : il n’y a pas de feuille d’émargement à déposer."
    ]
    assert not FeuilleEmargement.objects.exists() and fichiers_stockes(settings) == []


@pytest.mark.parametrize("qui", ["mediateur_voisin", "coordinateur", "lecteur", "agent"])
def test_seuls_les_membres_du_lieu_deposent(m, settings, qui):
    with pytest.raises(PermissionDenied):
        deposer_feuille(par=getattr(m, qui), seance=m.seance, fichier=televerse("f.pdf", fichier_pdf()))
    rien_n_est_enregistre(m, settings)


# --- Replacement ------------------------------------------------------------------------------


def test_remplacer_demande_un_motif_et_garde_l_ancienne(m, settings):
    premiere = deposer_feuille(par=m.mediateur, seance=m.seance, fichier=televerse("page1.pdf", fichier_pdf("v1")))
    m.seance.refresh_from_db()
    verrouillee_le = m.seance.verrouillee_le
    for motif in ("", "flou", "x" * 501):
        with pytest.raises(ValidationError) as erreur:
            deposer_feuille(
                par=m.responsable, seance=m.seance, fichier=televerse("v2.pdf", fichier_pdf("v2")), motif=motif
            )
        assert list(erreur.value.message_dict) == ["motif"]
    assert erreur.value.message_dict["motif"] == ["Le motif ne doit pas dépasser 500 caractères."]
    assert len(fichiers_stockes(settings)) == 1

    seconde = deposer_feuille(
        par=m.responsable, seance=m.seance, fichier=televerse("v2.pdf", fichier_pdf("v2")), motif="  Page 2 oubliée  "
    )

    premiere.refresh_from_db()
    assert premiere.remplacee_le is not None and premiere.motif_remplacement == "Page 2 oubliée"
    assert Path(premiere.fichier.path).read_bytes() == fichier_pdf("v1")  # kept
    assert seconde.remplacee_le is None and seconde.sha256 == hashlib.sha256(fichier_pdf("v2")).hexdigest()
    assert len(fichiers_stockes(settings)) == 2
    assert FeuilleEmargement.objects.filter(seance=m.seance, remplacee_le__isnull=True).get() == seconde
    m.seance.refresh_from_db()
    assert m.seance.verrouillee_le == verrouillee_le  # locked at the first upload
    [evenement] = Evenement.objects.filter(action=Action.FEUILLE_REMPLACEE)
    assert evenement.actor == m.responsable.user
    assert evenement.details == {
        "feuille": seconde.pk,
        "sha256": seconde.sha256,
        "taille": seconde.taille,
        "type": "application/pdf",
        "remplacee": premiere.pk,
        "ancien_sha256": premiere.sha256,
        "motif": "Page 2 oubliée",
    }


def test_le_motif_trop_court_dit_pourquoi(m):
    deposer_feuille(par=m.mediateur, seance=m.seance, fichier=televerse("v1.pdf", fichier_pdf("v1")))
    with pytest.raises(ValidationError) as erreur:
        deposer_feuille(par=m.mediateur, seance=m.seance, fichier=televerse("v2.pdf", fichier_pdf("v2")), motif="abc")
    assert erreur.value.message_dict["motif"] == [
        "Une feuille signée est déjà déposée : indiquez pourquoi vous la remplacez (au moins 5 caractères)."
    ]


def test_remplacer_par_le_meme_fichier_ne_fait_rien(m, settings):
    deposer_feuille(par=m.mediateur, seance=m.seance, fichier=televerse("v1.pdf", fichier_pdf()))
    with pytest.raises(ValidationError) as erreur:
        deposer_feuille(
            par=m.mediateur, seance=m.seance, fichier=televerse("copie.pdf", fichier_pdf()), motif="Nouvelle copie"
        )
    assert erreur.value.message_dict["fichier"] == [
        "Ce fichier est identique à la feuille déjà déposée : rien n’est remplacé."
    ]
    assert FeuilleEmargement.objects.get().remplacee_le is None
    assert len(fichiers_stockes(settings)) == 1


# --- No orphan file ---------------------------------------------------------------------------


def test_pas_de_fichier_orphelin_si_la_transaction_echoue(m, settings, monkeypatch):
    """The file is written, then the journal fails: the rows roll back and the file goes."""
    from .. import evenements

    def journal_en_panne(**kwargs):
        assert fichiers_stockes(settings), "le fichier est bien écrit avant l’échec"
        raise RuntimeError("journal indisponible")

    monkeypatch.setattr(evenements, "sur_seance", journal_en_panne)
    with pytest.raises(RuntimeError):
        deposer_feuille(par=m.mediateur, seance=m.seance, fichier=televerse("f.pdf", fichier_pdf()))
    rien_n_est_enregistre(m, settings)


def test_pas_de_fichier_orphelin_lors_d_un_remplacement_qui_echoue(m, settings, monkeypatch):
    from .. import evenements

    premiere = deposer_feuille(par=m.mediateur, seance=m.seance, fichier=televerse("v1.pdf", fichier_pdf("v1")))
    monkeypatch.setattr(evenements, "sur_seance", lambda **kwargs: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        deposer_feuille(
            par=m.mediateur, seance=m.seance, fichier=televerse("v2.pdf", fichier_pdf("v2")), motif="Mieux lisible"
        )
    premiere.refresh_from_db()
    assert premiere.remplacee_le is None and premiere.motif_remplacement == ""
    assert fichiers_stockes(settings) == [Path(premiere.fichier.path)]
    assert FeuilleEmargement.objects.count() == 1


def test_inscrits_en_attente_ne_changent_rien_au_depot(m):
    """Registrations are untouched by the upload (the roll-call helper handles corrections)."""
    attente = inscrire(m.seance, statut=Inscription.Statut.ATTENTE)
    deposer_feuille(par=m.mediateur, seance=m.seance, fichier=televerse("f.pdf", fichier_pdf()))
    attente.refresh_from_db()
    assert attente.statut == Inscription.Statut.ATTENTE
