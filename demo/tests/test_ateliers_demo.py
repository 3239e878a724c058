"""The demo's workshops (issue 6, bullet 10): seed_demo builds workshops, past sessions with
attendance, cheques redeemed at the roll-call and signed sheets, a session today to try the
roll-call, future sessions and series; idempotent."""

import hashlib
import io
import json
from collections import Counter

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from ateliers.models import Atelier, FeuilleEmargement, Inscription, PresenceCheque, Seance
from beneficiaires.models import Accueil, Orientation
from comptes.models import Membership, Role
from demo import ateliers_demo, data, pass_demo
from pass_numerique.models import Cheque, Encaissement
from territoires.tests.jeu_de_test import charger_jeu_de_test

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(tmp_path, monkeypatch):
    """seed_demo with the small communes reference (most demo people of Guéret and around)."""
    monkeypatch.setattr(pass_demo, "FICHIER_DEMO", tmp_path / "demo.json")
    charger_jeu_de_test()
    sortie = io.StringIO()
    call_command("seed_demo", stdout=sortie)
    return sortie.getvalue()


def compter() -> dict:
    return {
        "ateliers": Atelier.objects.count(),
        "seances": list(Seance.objects.order_by("pk").values_list("pk", "debut", "verrouillee_le", "serie")),
        "inscriptions": list(Inscription.objects.order_by("pk").values_list("pk", "statut", "presence")),
        "cheques": PresenceCheque.objects.count(),
        "encaissements": Encaissement.objects.count(),
        "feuilles": FeuilleEmargement.objects.count(),
        "accueils": Accueil.objects.count(),
    }


def lieu(cle: str):
    nom = next(lieu.nom for lieu in data.LIEUX if lieu.cle == cle)
    return Atelier.objects.filter(lieu__nom=nom).first().lieu


def test_seed_demo_twice_gives_the_same_workshops(demo):
    premier = compter()
    assert premier["ateliers"] == len(ateliers_demo.ATELIERS)
    assert len(premier["seances"]) == sum(len(s) for s in ateliers_demo.SEANCES.values())
    assert premier["cheques"] > 5 and premier["feuilles"] >= 5
    assert "Ateliers de démonstration : 7 atelier(s)" in demo and "Séance du jour à émarger" in demo
    sortie = io.StringIO()
    call_command("seed_demo", stdout=sortie)
    assert compter() == premier
    assert "0 atelier(s), 0 séance(s)" in sortie.getvalue()


def verifier_les_ateliers():
    ateliers = list(Atelier.objects.select_related("lieu", "dispositif"))
    assert {a.lieu.nom for a in ateliers} == {
        "Tiers-lieu La Quincaillerie (démo)",
        "Médiathèque du Grand Guéret (démo)",
    }
    assert {a.format for a in ateliers} == {"collectif", "individuel"}
    assert {a.niveau for a in ateliers} == {"debutant", "intermediaire", "avance"}
    assert len({t for a in ateliers for t in a.themes}) >= 10
    assert {a.dispositif.nom for a in ateliers if a.accepte_pass} == {pass_demo.NOM}
    assert all(a.dispositif is None for a in ateliers if not a.accepte_pass)
    for seance in Seance.objects.prefetch_related("mediateurs").select_related("atelier"):
        assert seance.lieu_id == seance.atelier.lieu_id
        membres = Membership.objects.filter(
            organisation=seance.lieu, role__in=[Role.MEDIATEUR, Role.RESPONSABLE], is_active=True
        )
        assert seance.mediateurs.exists()
        assert set(seance.mediateurs.values_list("pk", flat=True)) <= set(membres.values_list("user_id", flat=True))
    # Weekly series: sessions created together share one UUID, 7 days apart.
    series = Counter(Seance.objects.exclude(serie=None).values_list("serie", flat=True))
    assert len(series) == 4 and max(series.values()) >= 5


def verifier_les_inscriptions():
    inscriptions = Inscription.objects.select_related("seance", "beneficiaire")
    assert inscriptions.count() > 60
    for inscription in inscriptions:
        personne, seance = inscription.beneficiaire, inscription.seance
        assert personne.anonymise_le is None and personne.departement_id == seance.lieu.departement_id
        oriente = Orientation.objects.filter(beneficiaire=personne, lieu=seance.lieu_id).exists()
        accueilli = Accueil.objects.filter(beneficiaire=personne, lieu=seance.lieu_id).exists()
        assert oriente or accueilli
        assert inscription.origine == ("orientation" if oriente else "accueil")
        assert personne.cree_le < inscription.cree_le < seance.debut
        if inscription.presence:
            assert inscription.statut == "inscrit" and seance.est_passee and not seance.est_annulee
            assert inscription.marquee_par in seance.mediateurs.all()
    passees = Inscription.objects.filter(seance__debut__lt=timezone.now(), seance__annulee_le=None)
    assert {"present", "absent", "excuse"} <= set(passees.values_list("presence", flat=True))
    assert Inscription.objects.filter(statut="attente").exists()
    assert Seance.objects.filter(participants_anonymes__gt=0, debut__lt=timezone.now()).count() >= 3


def verifier_la_seance_du_jour():
    seance = Seance.objects.get(debut__date=timezone.localdate())
    assert seance.lieu == lieu("quincaillerie") and seance.annulee_le is None and seance.verrouillee_le is None
    inscrits = seance.inscriptions.filter(statut="inscrit")
    assert inscrits.count() >= 5
    assert not inscrits.exclude(presence="").exists()
    porteurs = [
        i.beneficiaire
        for i in inscrits
        if Cheque.objects.filter(carnet__beneficiaire=i.beneficiaire, statut=Cheque.Statut.REMIS).exists()
    ]
    assert porteurs
    # The codes printed for the API (var/demo.json) were left alone.
    for code in json.loads(pass_demo.FICHIER_DEMO.read_text())["cheques_remis"]:
        assert Cheque.objects.get(code=code).statut == Cheque.Statut.REMIS


def verifier_les_cheques():
    liens = PresenceCheque.objects.select_related(
        "inscription__seance__atelier", "inscription__beneficiaire", "encaissement__cheque__carnet"
    )
    assert liens.count() >= 8
    for lien in liens:
        inscription, encaissement = lien.inscription, lien.encaissement
        cheque = encaissement.cheque
        assert cheque.carnet.beneficiaire_id == inscription.beneficiaire_id
        assert inscription.presence == "present" and inscription.seance.atelier.accepte_pass
        assert encaissement.lieu_id == inscription.seance.lieu_id and encaissement.source == "emargement"
        assert encaissement.annule_le is None and cheque.statut == Cheque.Statut.ENCAISSE
        assert cheque.lieu_encaissement_id == encaissement.lieu_id
        # Dated at the session, after the booklet was handed out.
        assert encaissement.le == cheque.encaisse_le == lien.cree_le
        assert inscription.seance.debut <= encaissement.le <= inscription.seance.fin
        assert cheque.carnet.remis_le < encaissement.le
    # The ledger agrees: every redeemed cheque of the demo has its live redemption.
    encaisses = Cheque.objects.filter(statut=Cheque.Statut.ENCAISSE)
    assert encaisses.count() == Encaissement.objects.filter(annule_le=None).count() == liens.count()
    # The three people given a booklet by the demo remises are registered and used their cheques.
    titulaires = set(encaisses.values_list("carnet__beneficiaire", flat=True))
    assert len(titulaires) == pass_demo.NB_REMISES


def verifier_les_feuilles():
    passees = Seance.objects.filter(debut__lt=timezone.now(), annulee_le=None)
    avec = passees.filter(feuilles__isnull=False).distinct()
    sans = passees.filter(feuilles__isnull=True).exclude(debut__date=timezone.localdate())
    assert avec.count() >= 5 and sans.count() >= 4
    assert not sans.exclude(verrouillee_le=None).exists()
    for feuille in FeuilleEmargement.objects.select_related("seance"):
        with feuille.fichier.open("rb") as fichier:
            contenu = fichier.read()
        assert contenu.startswith(b"%PDF-") and len(contenu) == feuille.taille
        assert hashlib.sha256(contenu).hexdigest() == feuille.sha256 and feuille.type_contenu == "application/pdf"
        assert feuille.seance.verrouillee_le == feuille.deposee_le and feuille.remplacee_le is None
        texte = PdfReader(io.BytesIO(contenu)).pages[0].extract_text()
        assert feuille.seance.atelier.titre in texte and "émargement" in texte
    annulees = Seance.objects.exclude(annulee_le=None)
    assert annulees.count() == 2 and all(s.motif_annulation for s in annulees)
    assert Seance.objects.filter(debut__gt=timezone.now(), annulee_le=None).count() >= 10


def test_workshops_sessions_and_registrations(demo, login):
    verifier_les_ateliers()
    verifier_les_inscriptions()
    verifier_la_seance_du_jour()
    # The demo mediator opens today's roll-call.
    seance = Seance.objects.get(debut__date=timezone.localdate())
    mediateur = Membership.objects.get(user__email=f"mediateur.quincaillerie@{data.EMAIL_DOMAIN}")
    reponse = login(mediateur).get(reverse("ateliers:emargement", args=[seance.pk]))
    assert reponse.status_code == 200
    for inscription in seance.inscriptions.select_related("beneficiaire"):
        assert inscription.beneficiaire.nom in reponse.content.decode()


def test_cheques_at_the_roll_call_and_signed_sheets(demo):
    verifier_les_cheques()
    verifier_les_feuilles()


def test_seed_demo_prints_codes_to_try_the_roll_call_today(demo, tmp_path):
    """Each printed code is a handed-out cheque of a person registered to today's session, not
    one of the codes kept for the API example; a second run prints them again."""
    reserves = set(json.loads((tmp_path / "demo.json").read_text())["cheques_remis"])
    lignes = [ligne for ligne in demo.splitlines() if "à encaisser à l’appel" in ligne]
    assert lignes
    aujourdhui = Seance.objects.get(debut__date=timezone.localdate(), annulee_le__isnull=True)
    inscrits = set(aujourdhui.inscriptions.values_list("beneficiaire_id", flat=True))
    for ligne in lignes:
        for code in ligne.rsplit(":", 1)[1].split(","):
            cheque = Cheque.objects.select_related("carnet").get(code=code.strip())
            assert cheque.statut == Cheque.Statut.REMIS and cheque.code not in reserves
            assert cheque.carnet.beneficiaire_id in inscrits
    sortie = io.StringIO()
    call_command("seed_demo", stdout=sortie)
    assert [ligne for ligne in sortie.getvalue().splitlines() if "à encaisser à l’appel" in ligne] == lignes
