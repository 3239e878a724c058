"""`manage.py anonymiser_beneficiaires` (dry run unless --wet-run) and the daily Celery task."""

from io import StringIO

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import CommandError, call_command
from django.utils import timezone

from beneficiaires import tasks
from beneficiaires.management.commands.anonymiser_beneficiaires import Command
from beneficiaires.models import Beneficiaire
from beneficiaires.services.anonymisation import limite_de_conservation
from journal.models import Action, Evenement

from .factories import BeneficiaireFactory, commune

pytestmark = pytest.mark.django_db


def inactive(mois: int, **kwargs) -> Beneficiaire:
    b = BeneficiaireFactory(**kwargs)
    Beneficiaire.objects.filter(pk=b.pk).update(derniere_activite_le=timezone.now() - relativedelta(months=mois))
    return b


@pytest.fixture
def fiches():
    return {
        "creuse": [inactive(25), inactive(30)],
        "vienne": [inactive(26, commune=commune("87085"))],
        "recente": inactive(3),
    }


def lancer(*args) -> str:
    sortie = StringIO()
    call_command("anonymiser_beneficiaires", *args, stdout=sortie)
    return sortie.getvalue()


def test_essai_a_blanc_par_defaut(fiches):
    sortie = lancer()
    limite = timezone.localtime(limite_de_conservation())
    assert "Essai à blanc : aucune fiche n’est modifiée (ajoutez --wet-run pour anonymiser)." in sortie
    assert "Durée de conservation : 24 mois." in sortie
    assert f"fiches sans activité depuis le {limite:%d/%m/%Y}" in sortie
    assert "- Creuse (23) : 2 fiches seraient anonymisées" in sortie
    assert "- Haute-Vienne (87) : 1 fiche serait anonymisée" in sortie
    assert "Total : 3 fiches seraient anonymisées." in sortie
    assert not Beneficiaire.objects.filter(anonymise_le__isnull=False).exists()
    assert not Evenement.objects.filter(action=Action.BENEFICIAIRE_ANONYMISE).exists()


def test_wet_run_anonymise_et_journalise(fiches):
    sortie = lancer("--wet-run")
    assert "Anonymisation des bénéficiaires (règle de conservation appliquée)." in sortie
    assert "- Creuse (23) : 2 fiches anonymisées" in sortie
    assert "- Haute-Vienne (87) : 1 fiche anonymisée" in sortie
    assert "Total : 3 fiches anonymisées." in sortie
    anonymisees = set(Beneficiaire.objects.filter(anonymise_le__isnull=False).values_list("pk", flat=True))
    assert anonymisees == {b.pk for b in [*fiches["creuse"], *fiches["vienne"]]}
    assert Evenement.objects.filter(action=Action.BENEFICIAIRE_ANONYMISE).count() == 3
    assert Evenement.objects.filter(action=Action.ANONYMISATION_EXECUTEE).count() == 2

    assert "Aucune fiche à anonymiser." in lancer("--wet-run")


def test_rien_a_faire():
    inactive(1)
    assert "Aucune fiche à anonymiser." in lancer()


def test_la_duree_de_conservation_est_un_reglage(settings, fiches):
    settings.BENEFICIAIRES_RETENTION_MOIS = 2
    sortie = lancer()
    assert "Durée de conservation : 2 mois." in sortie
    assert "Total : 4 fiches seraient anonymisées." in sortie


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--oui"], "option inconnue : --oui"),
        (["--wet"], "option inconnue : --wet"),  # no abbreviation of --wet-run
        (["--wet-run=oui"], "l’option --wet-run ne prend pas de valeur"),
        (["23"], "option inconnue : 23"),
    ],
)
def test_options_invalides_message_en_francais(fiches, options, message):
    with pytest.raises(CommandError, match=message) as erreur:
        lancer(*options)
    assert "Options possibles : --wet-run pour anonymiser, rien pour un essai à blanc." in str(erreur.value)
    assert not Beneficiaire.objects.filter(anonymise_le__isnull=False).exists()


def test_options_invalides_en_ligne_de_commande(fiches, capsys):
    with pytest.raises(SystemExit) as sortie:
        Command().run_from_argv(["manage.py", "anonymiser_beneficiaires", "--oui"])
    assert sortie.value.code == 2
    erreurs = capsys.readouterr().err
    assert "manage.py anonymiser_beneficiaires : erreur : option inconnue : --oui." in erreurs
    assert not Beneficiaire.objects.filter(anonymise_le__isnull=False).exists()


def test_en_ligne_de_commande_le_code_de_sortie_est_0(fiches, capsys, monkeypatch):
    # run_from_argv closes the connections when done: not the test's own.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    Command().run_from_argv(["manage.py", "anonymiser_beneficiaires"])  # no SystemExit: exit code 0
    assert "Total : 3 fiches seraient anonymisées." in capsys.readouterr().out


# --- The daily Celery task ---------------------------------------------------------------------


def test_la_tache_quotidienne_applique_la_regle(fiches):
    resultat = tasks.appliquer_retention.delay().get()  # eager in tests: runs here
    assert resultat == {"23": 2, "87": 1}
    assert Beneficiaire.objects.filter(anonymise_le__isnull=False).count() == 3
    fiches["recente"].refresh_from_db()
    assert not fiches["recente"].est_anonymise
    assert Evenement.objects.filter(action=Action.ANONYMISATION_EXECUTEE).count() == 2


def test_la_tache_est_planifiee_chaque_jour():
    from celery.schedules import crontab

    from einclusion.celery import app

    planifiees = {entree["task"]: entree["schedule"] for entree in app.conf.beat_schedule.values()}
    assert "beneficiaires.tasks.appliquer_retention" in planifiees
    planning = planifiees["beneficiaires.tasks.appliquer_retention"]
    assert isinstance(planning, crontab)
    assert len(planning.hour) == 1 and len(planning.minute) == 1  # once a day…
    assert len(planning.day_of_month) == 31 and len(planning.day_of_week) == 7  # …every day
