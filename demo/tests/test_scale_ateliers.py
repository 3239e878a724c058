"""Scale data of the workshops (issue 6, bullet 9): registrations by the hundred thousand over
sessions of the scale places, built with bulk inserts, idempotent and purgeable. Tiny sizes here."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.utils import timezone

from ateliers.models import Atelier, Inscription, Seance
from ateliers.tests.factories import inscrire, personne_du_lieu, seance
from beneficiaires.models import Accueil, Beneficiaire, Orientation
from comptes.models import Membership, User
from comptes.tests.factories import LieuFactory
from demo import scale, scale_ateliers
from territoires.tests.jeu_de_test import charger_jeu_de_test

pytestmark = pytest.mark.django_db


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_scale", *args, stdout=out)
    return out.getvalue()


def construire(profil="departement", lieux=30, personnes=400, inscriptions=None):
    charger_jeu_de_test()
    scale.construire(profil, nombre=lieux)
    scale.construire_beneficiaires(profil, nombre=personnes)
    return scale_ateliers.construire_ateliers(profil, nombre=inscriptions)


def etat(profil="departement") -> list[tuple]:
    return list(
        scale_ateliers.inscriptions_du_profil(profil)
        .order_by("pk")
        .values_list("pk", "seance_id", "beneficiaire_id", "statut", "presence")
    )


def test_the_command_builds_registrations_in_proportion_then_does_nothing():
    charger_jeu_de_test()
    sortie = seed("--profil", "departement", "--nombre", "20", "--beneficiaires", "200")
    assert "Profil « departement » : 500 inscriptions à" in sortie
    avant = etat()
    assert len(avant) == 500 == scale_ateliers.inscriptions_par_defaut(200)
    assert "Ateliers du profil « departement » déjà en place : rien à faire." in seed(
        "--profil", "departement", "--nombre", "20", "--beneficiaires", "200"
    )
    assert etat() == avant
    # Another number of people rebuilds the people (the registrations purged first), then the workshops.
    sortie = seed("--profil", "departement", "--nombre", "20", "--beneficiaires", "160")
    assert "160 personnes" in sortie and "Profil « departement » : 400 inscriptions" in sortie
    assert scale_ateliers.inscriptions_du_profil("departement").count() == 400
    assert scale_ateliers.inscriptions_par_defaut(scale.PROFILS["national"].beneficiaires) == 1_000_000


def test_sessions_registrations_and_presences_are_realistic():
    bilan = construire(inscriptions=1200)
    assert bilan.inscriptions == 1200 and bilan.seances and bilan.ateliers and bilan.mediateurs
    du_profil = scale_ateliers.inscriptions_du_profil("departement")
    inscriptions = list(du_profil.select_related("seance__lieu", "beneficiaire"))
    assert len(inscriptions) == 1200
    maintenant = timezone.now()
    for i in inscriptions:
        s, personne = i.seance, i.beneficiaire
        # The guard: a place's people live in its département, and the place sees them.
        assert personne.departement_id == s.lieu.departement_id and personne.anonymise_le is None
        assert i.cree_le >= personne.cree_le and personne.cree_le < s.debut
        if i.presence:
            assert i.statut == "inscrit" and s.debut < maintenant and s.annulee_le is None
            assert i.marquee_par_id == i.cree_par_id
    vus = set(Orientation.objects.values_list("beneficiaire_id", "lieu_id")) | set(
        Accueil.objects.values_list("beneficiaire_id", "lieu_id")
    )
    assert all((i.beneficiaire_id, i.seance.lieu_id) in vus for i in inscriptions)
    assert {i.origine for i in inscriptions} == {"orientation", "accueil"}
    par_seance = Counter(i.seance_id for i in inscriptions)
    assert max(par_seance.values()) <= 25
    seances = scale_ateliers.seances_du_profil("departement").select_related("atelier")
    for s in seances:
        assert s.lieu_id == s.atelier.lieu_id and s.capacite == s.atelier.capacite
        assert par_seance[s.pk] <= s.capacite
        if s.atelier.format == "individuel":
            assert par_seance[s.pk] <= 1
    collectives = [n for pk, n in par_seance.items() if n >= 5]
    assert len(collectives) > len(par_seance) / 2
    passees = [i for i in inscriptions if i.seance.debut < maintenant and not i.seance.annulee_le]
    marquees = [i for i in passees if i.presence]
    assert len(marquees) > 0.75 * len([i for i in passees if i.statut == "inscrit"])
    assert {i.presence for i in marquees} == {"present", "absent", "excuse"}
    assert {i.statut for i in inscriptions} == {"inscrit", "desinscrit", "attente"}
    assert seances.filter(participants_anonymes__gt=0, debut__lt=maintenant).exists()
    assert seances.filter(debut__gt=maintenant).exists() and seances.exclude(serie=None).exists()
    # Mediators: members of their place, who cannot log in.
    membres = set(Membership.objects.filter(role="mediateur").values_list("user_id", "organisation_id"))
    for s in seances.prefetch_related("mediateurs"):
        assert s.mediateurs.all()
        for user in s.mediateurs.all():
            assert (user.pk, s.lieu_id) in membres and not user.has_usable_password()
    assert len({s.atelier.themes[0] for s in seances}) >= 5


def test_national_profile_keeps_people_in_their_departement_and_sequences_follow():
    bilan = construire("national", lieux=300, personnes=1000, inscriptions=2500)
    assert bilan.inscriptions == 2500
    departements = Counter(
        scale_ateliers.inscriptions_du_profil("national").values_list("seance__lieu__departement_id", flat=True)
    )
    assert len(departements) >= 5
    assert not (
        scale_ateliers.inscriptions_du_profil("national")
        .exclude(beneficiaire__departement_id=F("seance__lieu__departement_id"))
        .exists()
    )
    # Rows inserted with explicit ids: the next ORM insert gets a fresh id.
    lieu = LieuFactory()
    nouvelle = seance(lieu=lieu)
    assert nouvelle.pk > Seance.objects.exclude(pk=nouvelle.pk).order_by("-pk").values_list("pk", flat=True)[0]
    assert nouvelle.atelier.pk > Atelier.objects.exclude(pk=nouvelle.atelier.pk).order_by("-pk")[0].pk


def test_purge_removes_the_workshops_rows_first_and_keeps_real_data():
    construire(inscriptions=600)
    vrai_lieu = LieuFactory(nom="Un vrai lieu")
    vraie = inscrire(seance(lieu=vrai_lieu), personne_du_lieu(vrai_lieu))
    sortie = seed("--purge", "--profil", "departement")
    assert "30 lieu(x) et 400 personne(s) du profil « departement » supprimé(s)" in sortie
    assert list(Inscription.objects.all()) == [vraie]
    assert list(Seance.objects.all()) == [vraie.seance]
    assert list(Accueil.objects.values_list("beneficiaire_id", flat=True)) == [vraie.beneficiaire_id]
    assert not scale_ateliers.mediateurs_du_profil().exists()
    assert not Membership.objects.filter(user__email__contains="scale-").exists()
    assert list(Beneficiaire.objects.all()) == [vraie.beneficiaire]
    assert User.objects.filter(email__contains="scale-").count() == 0


def test_rebuilding_the_places_drops_the_workshops_first():
    construire(inscriptions=300)
    scale.construire("departement", nombre=31)  # another count: places and people purged, then places again
    assert not scale_ateliers.seances_du_profil("departement").exists()
    assert not Inscription.objects.exists() and not Accueil.objects.exists()


def test_bulk_inserted_with_few_queries(django_assert_max_num_queries):
    charger_jeu_de_test()
    scale.construire("departement", nombre=30)
    scale.construire_beneficiaires("departement", nombre=800)
    # A handful of queries per département, whatever the number of rows (COPY or executemany).
    with django_assert_max_num_queries(30 if connection.vendor == "sqlite" else 40):
        bilan = scale_ateliers.construire_ateliers("departement", nombre=2000)
    assert bilan.inscriptions == 2000
