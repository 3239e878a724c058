"""Producing a report: the happy path (real figures and writers), idempotence, failures and
retries, the requester's rights re-checked by the task, the e-mail, the journal."""

import datetime
import hashlib

import pytest
from django.core import mail

from comptes.models import Role
from journal.models import Action, Evenement
from rapports import formats
from rapports.models import FichierRapport, Rapport
from rapports.services import demandes as services
from rapports.services.production import DROITS_RETIRES, ERREUR_INATTENDUE, produire_rapport

from .factories_demandes import demander

pytestmark = pytest.mark.django_db


def _actions(rapport):
    return list(
        Evenement.objects.filter(target_type="rapports.rapport", target_id=str(rapport.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_une_demande_produit_les_fichiers_envoie_l_e_mail_et_journalise(
    equipe, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        rapport = demander(equipe.coordinatrice, [equipe.dispositif], formats_=("pdf", "xlsx", "csv_fr", "csv"))
    rapport.refresh_from_db()
    assert rapport.statut == Rapport.Statut.TERMINE
    assert (rapport.progression, rapport.tentatives, rapport.en_file) == (100, 1, True)
    assert rapport.expire_le - rapport.termine_le == datetime.timedelta(days=settings.RAPPORTS_CONSERVATION_JOURS)
    fichiers = {f.format: f for f in rapport.fichiers.all()}
    assert set(fichiers) == {"pdf", "xlsx", "csv_fr", "csv"}
    for fichier in fichiers.values():
        contenu = fichier.fichier.open("rb").read()
        fichier.fichier.close()
        assert hashlib.sha256(contenu).hexdigest() == fichier.sha256
        assert len(contenu) == fichier.taille > 0
    assert fichiers["pdf"].nom == "rapport-financement-23-2026-01-01-2026-03-31.pdf"
    assert fichiers["pdf"].fichier.open("rb").read(5) == b"%PDF-"
    fichiers["pdf"].fichier.close()
    assert fichiers["csv"].nom.endswith(".zip")
    assert _actions(rapport) == [Action.RAPPORT_DEMANDE, Action.RAPPORT_PRODUIT]
    (courriel,) = mail.outbox
    assert courriel.subject == "Votre rapport de financement est prêt"
    assert courriel.to == ["coordinatrice@creuse.test"]
    assert f"{settings.SITE_URL}/rapports/{rapport.pk}/" in courriel.body


def test_produire_deux_fois_ne_duplique_rien(equipe, rapide, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        rapport = demander(equipe.lecteur, [equipe.dispositif])
    avant = {f.format: (f.sha256, f.fichier.name) for f in rapport.fichiers.all()}
    assert produire_rapport(rapport_id=rapport.pk) is None  # already ready: left alone
    assert {f.format: (f.sha256, f.fichier.name) for f in rapport.fichiers.all()} == avant
    assert FichierRapport.objects.count() == 2
    assert len(mail.outbox) == 1


def test_une_erreur_au_milieu_donne_un_echec_puis_relancer_le_termine(
    equipe, rapide, monkeypatch, django_capture_on_commit_callbacks
):
    appels = {"n": 0}
    ecrire = formats.ecrire

    def ecrire_une_fois_en_panne(format, contenu, destination):
        appels["n"] += 1
        if appels["n"] == 2:  # the second format of the first run
            raise RuntimeError("disque plein /tmp/secret")
        ecrire(format, contenu, destination)

    monkeypatch.setattr(formats, "ecrire", ecrire_une_fois_en_panne)
    with django_capture_on_commit_callbacks(execute=True):
        rapport = demander(equipe.coordinatrice, [equipe.dispositif])
    rapport.refresh_from_db()
    assert rapport.statut == Rapport.Statut.ECHEC
    assert rapport.erreur == ERREUR_INATTENDUE and "secret" not in rapport.erreur
    assert not rapport.fichiers.exists()  # the first format written is removed too
    assert services.peut_relancer(rapport)

    with django_capture_on_commit_callbacks(execute=True):
        services.relancer_rapport(par=equipe.coordinatrice, rapport=rapport)
    rapport.refresh_from_db()
    assert rapport.statut == Rapport.Statut.TERMINE and rapport.erreur == ""
    assert rapport.fichiers.count() == 2
    assert _actions(rapport) == [Action.RAPPORT_DEMANDE, Action.RAPPORT_RELANCE, Action.RAPPORT_PRODUIT]


@pytest.mark.parametrize(
    "retrait",
    ["desactive", "role", "autre_departement", "dispositif_deplace", "compte_desactive"],
)
def test_la_tache_refuse_un_demandeur_qui_a_perdu_ses_droits(equipe, rapide, retrait):
    rapport = demander(equipe.coordinatrice, [equipe.dispositif])  # not committed: not produced yet
    membership = equipe.coordinatrice
    if retrait == "desactive":
        from django.utils import timezone

        membership.is_active, membership.deactivated_at = False, timezone.now()
        membership.save()
    elif retrait == "role":
        membership.role = Role.AGENT
        membership.save()
    elif retrait == "autre_departement":
        membership.organisation = equipe.autre_coordinatrice.organisation
        membership.save()
    elif retrait == "dispositif_deplace":
        equipe.dispositif.departement = equipe.autre_departement
        equipe.dispositif.save()
    else:
        membership.user.is_active = False
        membership.user.save()
    produire_rapport(rapport_id=rapport.pk)
    rapport.refresh_from_db()
    assert rapport.statut == Rapport.Statut.ECHEC
    assert rapport.erreur == DROITS_RETIRES
    assert not FichierRapport.objects.exists()
    assert _actions(rapport) == [Action.RAPPORT_DEMANDE, Action.RAPPORT_REFUSE]
    assert mail.outbox == []


def test_un_rapport_en_cours_ailleurs_n_est_pas_pris_deux_fois(equipe, rapide):
    rapport = demander(equipe.coordinatrice, [equipe.dispositif])
    Rapport.objects.filter(pk=rapport.pk).update(statut=Rapport.Statut.EN_COURS, commence_le=rapport.demande_le)
    assert produire_rapport(rapport_id=rapport.pk) is None
    assert Rapport.objects.get(pk=rapport.pk).statut == Rapport.Statut.EN_COURS


def test_un_rapport_en_cours_abandonne_depuis_30_minutes_est_repris(equipe, rapide):
    rapport = demander(equipe.coordinatrice, [equipe.dispositif])
    from django.utils import timezone

    Rapport.objects.filter(pk=rapport.pk).update(
        statut=Rapport.Statut.EN_COURS, commence_le=timezone.now() - datetime.timedelta(minutes=31), tentatives=1
    )
    produire_rapport(rapport_id=rapport.pk)
    rapport.refresh_from_db()
    assert (rapport.statut, rapport.tentatives) == (Rapport.Statut.TERMINE, 2)


def test_la_progression_est_enregistree_pendant_la_production(equipe, monkeypatch, rapide):
    from rapports import calculs

    vues = []
    construire = calculs.construire_contenu

    def observer(**kwargs):
        progression = kwargs["progression"]

        def noter(pourcentage, etape):
            progression(pourcentage, etape)
            vues.append(Rapport.objects.values_list("statut", "progression", "etape").get())

        return construire(**{**kwargs, "progression": noter})

    monkeypatch.setattr(calculs, "construire_contenu", observer)
    rapport = demander(equipe.coordinatrice, [equipe.dispositif])
    produire_rapport(rapport_id=rapport.pk)
    assert vues == [("en_cours", 40, "Chèques")]


def test_un_rapport_supprime_ou_inconnu_est_ignore(db):
    assert produire_rapport(rapport_id=987654) is None
