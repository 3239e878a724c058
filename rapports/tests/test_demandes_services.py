"""Asking for a report: the rules and their French messages, the queue being down, the periodic
safety net (relancer_rapports), the monthly schedule and the expiry of the files."""

import datetime
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from comptes.models import Role
from comptes.tests.factories import make_member
from journal.models import Action, Evenement
from pass_numerique.tests.factories import DispositifFactory
from rapports.models import FichierRapport, Rapport
from rapports.services import demandes as services
from rapports.services import nettoyage, planification
from rapports.tasks import relancer_rapports

from .factories_demandes import demander, file_en_panne

pytestmark = pytest.mark.django_db


def _erreurs(exc) -> dict:
    return exc.value.message_dict


@pytest.mark.parametrize(
    ("donnees", "champ", "message"),
    [
        ({"dispositifs": []}, "dispositifs", "Choisissez au moins un dispositif."),
        ({"dispositifs": ["abc"]}, "dispositifs", "« abc » n’est pas un dispositif."),
        ({"dispositifs": [987654]}, "dispositifs", "n’existe pas ou n’est pas de votre département"),
        ({"du": None}, "du", "Indiquez la date de début"),
        ({"au": None}, "au", "Indiquez la date de fin"),
        ({"du": datetime.date(2026, 2, 1), "au": datetime.date(2026, 1, 31)}, "au", "postérieure ou égale"),
        ({"du": datetime.date(2010, 1, 1), "au": datetime.date(2020, 1, 2)}, "au", "dépasser 10 ans"),
        ({"formats": []}, "formats", "Cochez au moins un format."),
        ({"formats": ["docx"]}, "formats", "Format inconnu : docx."),
    ],
)
def test_une_demande_invalide_est_refusee_en_francais_sans_rien_enregistrer(equipe, donnees, champ, message):
    valeurs = {
        "dispositifs": [equipe.dispositif.pk],
        "du": datetime.date(2026, 1, 1),
        "au": datetime.date(2026, 1, 31),
        "formats": ["pdf"],
        **donnees,
    }
    with pytest.raises(ValidationError) as exc:
        services.demander_rapport(par=equipe.coordinatrice, **valeurs)
    assert any(message in m for m in _erreurs(exc)[champ])
    assert not Rapport.objects.exists()
    assert not Evenement.objects.filter(action=Action.RAPPORT_DEMANDE).exists()


def test_le_dispositif_d_un_autre_departement_est_refuse(equipe):
    with pytest.raises(ValidationError) as exc:
        demander(equipe.coordinatrice, [equipe.dispositif.pk, equipe.autre_dispositif.pk])
    assert "n’est pas de votre département" in _erreurs(exc)["dispositifs"][0]


def test_dix_ans_tout_juste_sont_acceptes(equipe):
    rapport = demander(
        equipe.coordinatrice, [equipe.dispositif], du=datetime.date(2016, 2, 29), au=datetime.date(2026, 2, 28)
    )
    assert rapport.au == datetime.date(2026, 2, 28)


@pytest.mark.parametrize("role", [Role.REFERENT, Role.AGENT, Role.RESPONSABLE, Role.MEDIATEUR])
def test_seule_l_equipe_du_departement_demande_un_rapport(equipe, role):
    with pytest.raises(PermissionDenied):
        demander(make_member(role, departement=equipe.departement), [equipe.dispositif])


def test_une_demande_enregistre_le_rapport_et_son_journal(equipe):
    rapport = demander(equipe.lecteur, [equipe.dispositif], formats_=("csv", "pdf", "pdf"))
    assert rapport.formats == ["pdf", "csv"]  # the order of Format, once each
    assert (rapport.departement, rapport.membership, rapport.demande_par) == (
        equipe.departement,
        equipe.lecteur,
        equipe.lecteur.user,
    )
    evenement = Evenement.objects.get(action=Action.RAPPORT_DEMANDE)
    assert evenement.details["dispositifs"] == [equipe.dispositif.pk]
    assert evenement.departement == equipe.departement


# --- The queue being down -----------------------------------------------------------------------


@pytest.fixture
def redis_en_panne(settings):
    with file_en_panne(settings) as app:
        yield app


def test_redis_en_panne_la_demande_est_gardee_en_attente_hors_file(
    equipe, rapide, redis_en_panne, django_capture_on_commit_callbacks
):
    debut = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        rapport = demander(equipe.coordinatrice, [equipe.dispositif])
    assert time.monotonic() - debut < 5
    rapport.refresh_from_db()
    assert (rapport.statut, rapport.en_file) == (Rapport.Statut.ATTENTE, False)
    assert list(Rapport.objects.a_relancer()) == [rapport]
    # The safety net while Redis is still down: nothing lost, nothing raised.
    assert relancer_rapports() == {"enfiles": 0, "bloques": 0, "abandonnes": 0}


def test_relancer_rapports_enfile_quand_la_file_revient(
    equipe, rapide, redis_en_panne, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rapport = demander(equipe.coordinatrice, [equipe.dispositif])
    assert not Rapport.objects.get(pk=rapport.pk).en_file
    redis_en_panne.conf.task_always_eager = True  # the queue is back (eager: it runs at once)
    assert relancer_rapports()["enfiles"] == 1
    rapport.refresh_from_db()
    assert (rapport.statut, rapport.en_file) == (Rapport.Statut.TERMINE, True)
    assert rapport.fichiers.count() == 2


def test_un_rapport_bloque_en_cours_est_relance_puis_abandonne_apres_trois_tentatives(equipe, rapide):
    rapport = demander(equipe.coordinatrice, [equipe.dispositif])
    vieux = timezone.now() - datetime.timedelta(minutes=45)
    Rapport.objects.filter(pk=rapport.pk).update(
        statut=Rapport.Statut.EN_COURS, commence_le=vieux, tentatives=1, en_file=True
    )
    assert services.relancer_en_souffrance() == {"enfiles": 1, "bloques": 1, "abandonnes": 0}
    rapport.refresh_from_db()
    assert (rapport.statut, rapport.tentatives) == (Rapport.Statut.TERMINE, 2)

    Rapport.objects.filter(pk=rapport.pk).update(statut=Rapport.Statut.EN_COURS, commence_le=vieux, tentatives=3)
    assert services.relancer_en_souffrance()["abandonnes"] == 1
    rapport.refresh_from_db()
    assert rapport.statut == Rapport.Statut.ECHEC and rapport.erreur == services.ABANDON
    assert services.peut_relancer(rapport)


def test_un_rapport_en_cours_recent_n_est_pas_touche(equipe, rapide):
    rapport = demander(equipe.coordinatrice, [equipe.dispositif])
    Rapport.objects.filter(pk=rapport.pk).update(
        statut=Rapport.Statut.EN_COURS, commence_le=timezone.now(), en_file=True
    )
    assert services.relancer_en_souffrance() == {"enfiles": 0, "bloques": 0, "abandonnes": 0}
    assert Rapport.objects.get(pk=rapport.pk).statut == Rapport.Statut.EN_COURS


def test_on_ne_relance_pas_un_rapport_pret_ou_en_file(equipe, rapide, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        rapport = demander(equipe.coordinatrice, [equipe.dispositif])
    with pytest.raises(ValidationError, match="rien à relancer"):
        services.relancer_rapport(par=equipe.coordinatrice, rapport=rapport)
    with pytest.raises(PermissionDenied):
        services.relancer_rapport(par=equipe.autre_coordinatrice, rapport=rapport)


# --- Monthly schedule ---------------------------------------------------------------------------


def test_les_rapports_mensuels_sont_crees_une_fois_par_dispositif_et_par_mois(
    equipe, rapide, django_capture_on_commit_callbacks
):
    ancien = DispositifFactory(
        departement=equipe.departement, debut=datetime.date(2020, 1, 1), fin=datetime.date(2020, 12, 31)
    )
    jour = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        crees = planification.planifier_rapports_mensuels(jour=jour)
        planification.planifier_rapports_mensuels(jour=jour)
    du, au = planification.mois_precedent(jour)
    assert {r.dispositifs.get() for r in crees} == {equipe.dispositif, equipe.autre_dispositif}
    assert Rapport.objects.count() == 2 and ancien not in [r.dispositifs.get() for r in crees]
    rapport = Rapport.objects.get(dispositifs=equipe.dispositif)
    assert rapport.cle_planification == f"mensuel:{equipe.dispositif.pk}:{du:%Y-%m}"
    assert (rapport.du, rapport.au, rapport.formats, rapport.membership) == (du, au, ["pdf", "xlsx"], None)
    assert rapport.departement == equipe.departement
    assert rapport.statut == Rapport.Statut.TERMINE  # eager: produced at once, no e-mail
    from django.core import mail

    assert mail.outbox == []


def test_mois_precedent():
    assert planification.mois_precedent(datetime.date(2026, 3, 1)) == (
        datetime.date(2026, 2, 1),
        datetime.date(2026, 2, 28),
    )
    assert planification.mois_precedent(datetime.date(2026, 1, 15)) == (
        datetime.date(2025, 12, 1),
        datetime.date(2025, 12, 31),
    )


# --- Expiry -------------------------------------------------------------------------------------


def test_les_fichiers_expires_sont_supprimes_et_l_historique_garde_le_rapport(
    equipe, rapide, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        expire = demander(equipe.coordinatrice, [equipe.dispositif])
        garde = demander(equipe.coordinatrice, [equipe.dispositif])
    chemins = [f.fichier.path for f in expire.fichiers.all()]
    Rapport.objects.filter(pk=expire.pk).update(expire_le=timezone.now() - datetime.timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert nettoyage.supprimer_fichiers_expires() == 1
    expire.refresh_from_db()
    assert expire.statut == Rapport.Statut.EXPIRE
    assert not FichierRapport.objects.filter(rapport=expire).exists()
    import os

    assert not any(os.path.exists(c) for c in chemins)
    assert FichierRapport.objects.filter(rapport=garde).count() == 2
    assert services.peut_relancer(expire)
