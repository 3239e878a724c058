"""`manage.py seed_scale`: bench data (places, then prescribers and people) built with bulk inserts,
idempotent, purgeable."""

import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from beneficiaires import validation
from beneficiaires.fse import est_zone_rurale
from beneficiaires.identite import age_le, cle_doublon, texte_recherche
from beneficiaires.models import Beneficiaire, Orientation, Suivi
from beneficiaires.services.fiches import CHAMPS_SAISIS
from beneficiaires.tests.factories import BeneficiaireFactory
from comptes.models import Membership, Organisation
from comptes.tests.factories import LieuFactory, make_member
from demo import scale
from prescripteurs.models import OrganismePrescripteur
from structures.models import Lieu
from structures.standard import clean_typologie, clean_vocabulary, valider_code_insee, valider_pivot, vocabularies
from territoires.models import Commune, Departement
from territoires.tests.jeu_de_test import charger_jeu_de_test

pytestmark = pytest.mark.django_db


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_scale", *args, stdout=out)
    return out.getvalue()


def etat(profil: str) -> list[tuple]:
    return list(scale.lieux_du_profil(profil).order_by("pk").values_list("pk", "identifiant", "nom", "modifie_le"))


def test_tiny_departement_profile_is_idempotent():
    sortie = seed("--profil", "departement", "--nombre", "50")
    assert "50 lieux créés" in sortie
    avant = etat("departement")
    assert len(avant) == 50
    assert "déjà en place : rien à faire" in seed("--profil", "departement", "--nombre", "50")
    assert etat("departement") == avant


def test_places_are_valid_in_the_standard():
    seed("--profil", "departement", "--nombre", "60")
    lieux = list(scale.lieux_du_profil("departement"))
    assert len(lieux) == 60
    assert {lieu.departement.code for lieu in lieux} == {"23"}
    assert {lieu.type for lieu in Organisation.objects.filter(pk__in=[x.pk for x in lieux])} == {"lieu"}
    for lieu in lieux:
        assert lieu.identifiant.startswith("scale-departement-")
        assert lieu.nom and lieu.services and lieu.frais_a_charge
        valider_pivot(lieu.pivot)
        valider_code_insee(lieu.code_insee)
        clean_typologie(lieu.typologie)
        for champ in vocabularies():
            assert clean_vocabulary(champ, getattr(lieu, champ)) == getattr(lieu, champ)
        assert lieu.est_actif == (lieu.ferme_le is None)
        assert (lieu.latitude is None) == (lieu.longitude is None)
    # Varied values, not one copy of the same place.
    assert len({lieu.nom for lieu in lieux}) > 40
    assert len({tuple(lieu.services) for lieu in lieux}) > 10


def test_positions_come_from_the_communes_reference_when_loaded():
    charger_jeu_de_test()
    communes = {c.code_insee: c for c in Commune.objects.filter(departement_id="23")}
    sortie = seed("--profil", "departement", "--nombre", "40")
    assert "positions des communes du référentiel" in sortie
    for lieu in scale.lieux_du_profil("departement").exclude(latitude=None):
        commune = communes[lieu.code_insee]
        assert lieu.commune == commune.nom
        assert abs(lieu.latitude - commune.latitude) < 0.02 and abs(lieu.longitude - commune.longitude) < 0.02


def test_random_positions_in_france_without_the_reference():
    sortie = seed("--profil", "departement", "--nombre", "30")
    assert "positions aléatoires" in sortie
    (nord, ouest), (sud, est) = scale.BOITE_FRANCE
    for lieu in scale.lieux_du_profil("departement").exclude(latitude=None):
        assert sud - 0.02 <= lieu.latitude <= nord + 0.02 and ouest - 0.02 <= lieu.longitude <= est + 0.02


def test_national_profile_spreads_places_over_100_departements():
    seed("--profil", "national", "--nombre", "300")
    lieux = scale.lieux_du_profil("national")
    assert lieux.count() == 300
    assert lieux.values("departement").distinct().count() == 100
    assert not lieux.filter(departement__code="976").exists()


def test_another_count_rebuilds_the_profile():
    seed("--profil", "departement", "--nombre", "20")
    sortie = seed("--profil", "departement", "--nombre", "25")
    assert "25 lieux créés, 20 remplacé(s)" in sortie
    assert scale.lieux_du_profil("departement").count() == 25


def test_purge_removes_scale_data_only():
    autre = LieuFactory(nom="Un vrai lieu")
    seed("--profil", "departement", "--nombre", "10")
    seed("--profil", "national", "--nombre", "100")
    assert "10 lieu(x) et 0 personne(s) du profil « departement » supprimé(s)" in seed(
        "--purge", "--profil", "departement"
    )
    assert scale.lieux_du_profil("national").count() == 100
    assert "100 lieu(x) et 0 personne(s) de mesure supprimé(s)" in seed("--purge")
    assert list(Lieu.objects.all()) == [autre]
    assert Organisation.objects.filter(type="lieu").count() == 1


def test_bulk_insert_uses_few_queries(django_assert_max_num_queries):
    with django_assert_max_num_queries(25):
        scale.construire("departement", nombre=500)
    assert scale.lieux_du_profil("departement").count() == 500
    # Parents and children line up one to one.
    with connection.cursor() as curseur:
        curseur.execute(
            "SELECT COUNT(*) FROM structures_lieu l JOIN comptes_organisation o ON o.id = l.organisation_ptr_id"
        )
        assert curseur.fetchone()[0] == 500


def test_a_profile_is_required():
    with pytest.raises(CommandError, match="Indiquez --profil departement ou --profil national"):
        seed()


def test_a_negative_number_of_people_is_refused_and_nothing_is_built():
    with pytest.raises(CommandError, match="--beneficiaires doit être positif ou nul"):
        seed("--profil", "departement", "--nombre", "5", "--beneficiaires", "-3")
    from beneficiaires.models import Beneficiaire
    from structures.models import Lieu

    assert not Beneficiaire.objects.exists() and not Lieu.objects.exists()


# --- people (issue 4, bullet 8) ------------------------------------------------------------


def personnes(profil: str = "departement"):
    return scale.beneficiaires_du_profil(profil)


def etat_personnes(profil: str = "departement") -> list[tuple]:
    return list(personnes(profil).order_by("pk").values_list("pk", "pseudonyme", "cle_doublon", "modifie_le"))


def test_people_need_the_communes_reference():
    sortie = seed("--profil", "departement", "--nombre", "20")
    assert "aucune personne créée" in sortie and "charger_territoires" in sortie
    assert not personnes().exists() and not scale.organismes_du_profil("departement").exists()


def test_tiny_people_profile_is_built_then_idempotent():
    charger_jeu_de_test()
    sortie = seed("--profil", "departement", "--nombre", "30", "--beneficiaires", "400")
    assert "400 personnes (dont" in sortie and "organismes prescripteurs" in sortie
    avant = etat_personnes()
    assert len(avant) == 400
    sortie = seed("--profil", "departement", "--nombre", "30", "--beneficiaires", "400")
    assert "Personnes du profil « departement » déjà en place : rien à faire." in sortie
    assert etat_personnes() == avant
    # Another count rebuilds the people, not the places.
    lieux = etat("departement")
    assert "250 personnes" in seed("--profil", "departement", "--nombre", "30", "--beneficiaires", "250")
    assert "250 remplacée(s)" in seed("--profil", "departement", "--nombre", "30", "--beneficiaires", "400")
    assert etat("departement") == lieux
    # Rebuilding the places (another count) drops the people, whose orientations point to them.
    seed("--profil", "departement", "--nombre", "31", "--beneficiaires", "400")
    assert personnes().count() == 400
    assert not Orientation.objects.exclude(lieu__in=scale.lieux_du_profil("departement")).exists()


def test_people_count_follows_the_places_count_by_default():
    assert scale.beneficiaires_par_defaut("national") == 400_000
    assert scale.beneficiaires_par_defaut("departement") == 5_000
    assert scale.beneficiaires_par_defaut("departement", 50) == 500
    charger_jeu_de_test()
    assert "100 personnes" in seed("--profil", "departement", "--nombre", "10")


def test_people_are_valid_and_derived_fields_are_computed_like_the_services():
    charger_jeu_de_test()
    scale.construire("departement", nombre=40)
    bilan = scale.construire_beneficiaires("departement", nombre=600)
    assert bilan.beneficiaires == 600 and bilan.avec_referentiel
    gens = list(personnes().select_related("commune"))
    assert len(gens) == 600
    assert len({p.pseudonyme for p in gens}) == 600
    vivants = [p for p in gens if not p.est_anonymise]
    assert 0 < len(gens) - len(vivants) < 100  # a few anonymised by the retention rule
    for p in gens:
        assert re.fullmatch(r"B-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}", p.pseudonyme)
        assert p.departement_id == p.commune.departement.pk and p.commune.departement_id == "23"
        assert p.zone_rurale == est_zone_rurale(p.commune)
        assert p.cree_le <= p.derniere_activite_le <= timezone.now()
        assert p.information_rgpd_le == p.cree_le.date()
    for p in vivants:
        assert p.cle_doublon == cle_doublon(nom=p.nom, prenom=p.prenom, date_naissance=p.date_naissance)
        assert p.texte_recherche == texte_recherche(nom=p.nom, prenom=p.prenom)
        assert p.age_a_l_entree == age_le(p.date_naissance, p.cree_le.date())
        donnees = {c: getattr(p, c) for c in CHAMPS_SAISIS}
        assert validation.nettoyer(donnees) == donnees  # valid by the app's own rules
    for p in gens:
        if p.est_anonymise:
            assert (p.nom, p.prenom, p.date_naissance, p.cle_doublon, p.besoins) == ("", "", None, "", [])
            assert p.age_a_l_entree and p.sexe and p.publics is not None
    # Realistic spreads: every answer used, « ne souhaite pas répondre » included.
    for champ in ("sexe", "situation_emploi", "niveau_etudes", "handicap", "origine_etrangere", "minorite"):
        valeurs = {getattr(p, champ) for p in gens}
        assert "nsp" in valeurs and len(valeurs) >= 3, champ
    assert {pub for p in gens for pub in p.publics} >= {"senior", "rsa", "demandeur_emploi", "jeune_mission_locale"}
    assert {p.zone_rurale for p in gens} == {True, False}  # Guéret and the small communes around
    assert len({p.texte_recherche for p in vivants}) > 300
    assert Counter(p.texte_recherche.split()[0] for p in vivants).most_common(1)[0][0] == "martin"


def test_suivis_agents_and_orientations():
    charger_jeu_de_test()
    scale.construire("departement", nombre=40)
    bilan = scale.construire_beneficiaires("departement", nombre=800)
    organismes = scale.organismes_du_profil("departement")
    assert organismes.count() == bilan.organismes >= 2
    assert {o.departement_id for o in organismes} == {Departement.objects.get(code="23").pk}
    # Every person is followed by the organisme of the agent who created it; some by a second one.
    suivis = Suivi.objects.filter(beneficiaire__in=personnes())
    assert suivis.count() == bilan.suivis
    assert suivis.filter(origine="creation").count() == 800
    assert 40 < suivis.filter(origine="rattachement").count() < 160
    agents = Membership.objects.filter(user__in=scale.agents_du_profil("departement"))
    membres = set(agents.values_list("user_id", "organisation_id"))
    for suivi in suivis.filter(origine="creation").select_related("beneficiaire"):
        assert suivi.cree_par_id == suivi.beneficiaire.cree_par_id
        assert (suivi.cree_par_id, suivi.organisme_id) in membres
    # Each organisme has one référent and agents; the biggest follows the most people.
    roles = Counter(Membership.objects.filter(organisation__in=organismes).values_list("organisation_id", "role"))
    for organisme in organismes:
        assert roles[organisme.pk, "referent"] == 1 and roles[organisme.pk, "agent"] >= 1
    par_organisme = Counter(suivis.values_list("organisme_id", flat=True))
    plus_gros, nombre = par_organisme.most_common(1)[0]
    assert nombre > 800 / 4
    assert organismes.get(pk=plus_gros).type_organisme == "cms"
    assert not agents_utilisables()
    # Orientations: to the département's open places, from a following organisme, three statuses.
    orientations = Orientation.objects.filter(beneficiaire__in=personnes()).select_related("lieu")
    assert orientations.count() == bilan.orientations > 300
    assert {o.statut for o in orientations} == {"a_contacter", "pris_en_charge", "refusee"}
    assert Orientation.objects.sans_reponse_depuis().filter(pk__in=orientations).exists()
    suivants = set(suivis.values_list("beneficiaire_id", "organisme_id"))
    for o in orientations:
        assert o.lieu.identifiant.startswith("scale-departement-") and o.lieu.est_actif
        assert (o.beneficiaire_id, o.organisme_id) in suivants
        assert (o.statut == "a_contacter") == (o.repondu_le is None)
        assert bool(o.motif_refus) == (o.statut == "refusee" and not o.beneficiaire.est_anonymise)
        assert o.cree_le <= o.beneficiaire.derniere_activite_le


def agents_utilisables() -> list[str]:
    """Scale agents cannot log in: unusable passwords."""
    return [u.email for u in scale.agents_du_profil() if u.has_usable_password()]


def test_national_tiny_profile_spreads_people_over_departements_with_communes():
    charger_jeu_de_test()
    scale.construire("national", nombre=300)
    bilan = scale.construire_beneficiaires("national", nombre=1000)
    assert bilan.beneficiaires == 1000
    avec_communes = set(Commune.objects.values_list("departement_id", flat=True))
    par_departement = Counter(personnes("national").values_list("commune__departement_id", flat=True))
    assert set(par_departement) == avec_communes
    assert par_departement["75"] > par_departement["23"]  # weighted by population
    assert scale.organismes_du_profil("national").values("departement").distinct().count() == len(avec_communes)


def test_profiles_and_real_people_coexist_and_purge_keeps_real_data():
    charger_jeu_de_test()
    vraie = BeneficiaireFactory(nom="Martin", prenom="Jean")
    vrai_organisme = vraie.suivis.get().organisme
    vrai_agent = make_member("agent", organisation=vrai_organisme)
    scale.construire("departement", nombre=20)
    scale.construire_beneficiaires("departement", nombre=300)
    scale.construire("national", nombre=200)
    scale.construire_beneficiaires("national", nombre=300)
    cles = Counter(Beneficiaire.objects.actifs().filter(departement=vraie.departement).values_list("cle_doublon"))
    assert max(cles.values()) == 1  # the unique rule holds across profiles and real records
    sortie = seed("--purge", "--profil", "departement")
    assert "20 lieu(x) et 300 personne(s) du profil « departement » supprimé(s)" in sortie
    assert personnes("national").count() == 300
    assert "200 lieu(x) et 300 personne(s) de mesure supprimé(s)" in seed("--purge")
    assert list(Beneficiaire.objects.all()) == [vraie]
    assert list(OrganismePrescripteur.objects.all()) == [vrai_organisme]
    assert list(Membership.objects.all()) == [vrai_agent]
    assert not scale.agents_du_profil().exists()


def test_people_are_bulk_inserted(django_assert_max_num_queries):
    charger_jeu_de_test()
    scale.construire("departement", nombre=30)
    # A handful of queries per département, whatever its number of people (executemany or COPY;
    # PostgreSQL adds one ANALYZE per table at the end).
    with django_assert_max_num_queries(25 if connection.vendor == "sqlite" else 35):
        scale.construire_beneficiaires("departement", nombre=1000)
    assert personnes().count() == 1000
