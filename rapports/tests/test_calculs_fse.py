"""The FSE+ participant rule, the FSE breakdown (« Non renseigné », « Ne souhaite pas répondre »)
and the priority publics against the target, on small hand-built cases."""

import datetime
from decimal import Decimal

import pytest

from ateliers.models import Atelier, Inscription, Seance
from beneficiaires.tests.factories import BeneficiaireFactory
from comptes.tests.factories import DepartementFactory, LieuFactory
from pass_numerique.models import Cheque
from pass_numerique.tests.factories import DispositifFactory, cheques_remis
from rapports.calculs import construire_contenu

from .factories_calculs import UTC, paris

pytestmark = pytest.mark.django_db

DU, AU = datetime.date(2025, 3, 1), datetime.date(2025, 3, 31)


@pytest.fixture
def d():
    return DispositifFactory(departement=DepartementFactory(code="23"), part_cible_prioritaires=Decimal("50"))


@pytest.fixture
def atelier(d):
    return Atelier.objects.create(
        lieu=LieuFactory(departement=d.departement), titre="A", themes=["courriel"], dispositif=d
    )


def present(atelier, personne, debut, **kwargs):
    s = Seance.objects.create(atelier=atelier, lieu=atelier.lieu, debut=debut, duree_minutes=60, capacite=10, **kwargs)
    if personne is not None:
        Inscription.objects.create(seance=s, beneficiaire=personne, presence="present")
    return s


def participants(d, du=DU, au=AU):
    contenu = construire_contenu(dispositifs=[d], du=du, au=au, departement=d.departement)
    return {ligne[0] for ligne in contenu.tableau("participants").lignes}, contenu


def test_regle_des_deux_jours(d, atelier):
    un_jour, deux_jours, apres, avant, meme_jour, fusionnee = (BeneficiaireFactory() for _ in range(6))
    present(atelier, un_jour, paris(datetime.date(2025, 3, 5), 10))
    for jour in (5, 20):
        present(atelier, deux_jours, paris(datetime.date(2025, 3, jour)))
    present(atelier, apres, paris(datetime.date(2025, 3, 30)))
    present(atelier, apres, paris(datetime.date(2025, 4, 2)))  # second day after `au`: not yet
    present(atelier, avant, paris(datetime.date(2025, 1, 10)))  # one day before the period
    present(atelier, avant, paris(datetime.date(2025, 3, 10)))  # and one in it
    present(atelier, meme_jour, paris(datetime.date(2025, 3, 12), 9))
    present(atelier, meme_jour, paris(datetime.date(2025, 3, 12), 15))  # two sessions, one day
    for jour in (6, 7):
        present(atelier, fusionnee, paris(datetime.date(2025, 3, jour)))
    fusionnee.fusionne_dans, fusionnee.fusionne_le = deux_jours, paris(AU)
    fusionnee.save()
    present(atelier, None, paris(datetime.date(2025, 3, 8)), participants_anonymes=5)  # walk-ins only
    vus, contenu = participants(d)
    assert vus == {deux_jours.pseudonyme, avant.pseudonyme}
    assert contenu.tableau("fse-participants").lignes[0][-1] == 2
    assert contenu.indicateurs[4].valeur == 2
    # Both before the period: not a participant of March, a participant of Q1.
    assert avant.pseudonyme not in participants(d, datetime.date(2025, 3, 11), AU)[0]
    assert participants(d, datetime.date(2025, 4, 1), datetime.date(2025, 4, 30))[0] == {apres.pseudonyme}


def test_jours_de_parcours_par_encaissement_et_minuit_local(d, atelier):
    personne = BeneficiaireFactory()
    cheques = cheques_remis(d, taille=5, beneficiaire=personne)
    # 23:30 UTC on 31 March is 1 April 01:30 in Paris: outside March.
    for ch, quand in (
        (cheques[0], paris(datetime.date(2025, 3, 3))),
        (cheques[1], datetime.datetime(2025, 3, 31, 23, 30, tzinfo=UTC)),
    ):
        Cheque.objects.filter(pk=ch.pk).update(statut="encaisse", encaisse_le=quand, lieu_encaissement=atelier.lieu)
    assert participants(d)[0] == set()
    present(atelier, personne, paris(datetime.date(2025, 3, 3), 16))  # same local day as the redemption
    assert participants(d)[0] == set()
    # 28 February 23:30 UTC is 1 March in Paris: a second day in March.
    present(atelier, personne, datetime.datetime(2025, 2, 28, 23, 30, tzinfo=UTC))
    assert participants(d)[0] == {personne.pseudonyme}


def test_seances_annulees_et_autres_dispositifs_ne_comptent_pas(d, atelier):
    personne = BeneficiaireFactory()
    autre = Atelier.objects.create(lieu=atelier.lieu, titre="B", themes=["courriel"])  # no dispositif
    present(atelier, personne, paris(datetime.date(2025, 3, 3)))
    present(autre, personne, paris(datetime.date(2025, 3, 4)))
    present(atelier, personne, paris(datetime.date(2025, 3, 5)), annulee_le=paris(datetime.date(2025, 3, 1)))
    assert participants(d)[0] == set()


def test_ventilation_fse_par_sexe(d, atelier):
    reponses = [
        {"sexe": "femme", "situation_emploi": "chomeur_longue_duree", "age_a_l_entree": 17, "niveau_etudes": "nsp"},
        {"sexe": "nsp", "situation_emploi": "", "age_a_l_entree": None, "niveau_etudes": "", "handicap": ""},
        {"sexe": "", "situation_emploi": "nsp", "age_a_l_entree": 55, "niveau_etudes": "cite_5_8", "zone_rurale": None},
        {"sexe": "homme", "situation_emploi": "chomeur", "age_a_l_entree": 29, "niveau_etudes": "cite_3_4"},
    ]
    for champs in reponses:
        personne = BeneficiaireFactory(**champs)
        for jour in (2, 9):
            present(atelier, personne, paris(datetime.date(2025, 3, jour)))
    _, contenu = participants(d)
    colonnes = [c.libelle for c in contenu.tableau("fse-emploi").colonnes]
    assert colonnes == [
        "Indicateur",
        "Femme",
        "Homme",
        "Non-binaire",
        "Ne souhaite pas répondre",
        "Non renseigné",
        "Total",
    ]
    emploi = {ligne[0]: ligne[1:] for ligne in contenu.tableau("fse-emploi").lignes}
    assert emploi["Chômeur·ses, y compris de longue durée"] == [1, 1, 0, 0, 0, 2]
    assert emploi["dont chômeur·ses de longue durée"] == [1, 0, 0, 0, 0, 1]
    assert emploi["Ne souhaite pas répondre"] == [0, 0, 0, 0, 1, 1]
    assert emploi["Non renseigné"] == [0, 0, 0, 1, 0, 1]
    age = {ligne[0]: ligne[-1] for ligne in contenu.tableau("fse-age").lignes}
    assert age == {"Moins de 18 ans": 1, "18 à 29 ans": 1, "30 à 54 ans": 0, "55 ans et plus": 1, "Non renseigné": 1}
    etudes = {ligne[0]: ligne[-1] for ligne in contenu.tableau("fse-etudes").lignes}
    assert etudes["Ne souhaite pas répondre"] == 1 and etudes["Non renseigné"] == 1 and etudes["CITE 0 à 2"] == 0
    autres = {ligne[0]: ligne[-1] for ligne in contenu.tableau("fse-autres").lignes}
    assert autres["Personne en situation de handicap (reconnue ou déclarée) ? — Non renseigné"] == 1
    assert autres["Zone rurale — Inconnu"] == 1
    fiches = contenu.tableau("participants")
    assert fiches.dans_pdf is False and len(fiches.lignes) == 4
    assert {ligne[2] for ligne in fiches.lignes} == {"Femme", "Homme", "Ne souhaite pas répondre", "Non renseigné"}
    # The sheet gives the age band, never the exact age.
    assert {ligne[3] for ligne in fiches.lignes} == {
        "Moins de 18 ans",
        "18 à 29 ans",
        "55 ans et plus",
        "Non renseigné",
    }
    # Pseudonymised: no name anywhere in the sheet.
    noms = set(BeneficiaireFactory._meta.model.objects.values_list("nom", flat=True))
    assert not noms & {cellule for ligne in fiches.lignes for cellule in ligne}


def test_publics_prioritaires_et_cible(d):
    for publics in (["rsa"], ["aah", "senior"], ["senior"], []):
        cheques_remis(d, taille=5, beneficiaire=BeneficiaireFactory(publics=publics))
    contenu = construire_contenu(
        dispositifs=[d], du=datetime.date(2020, 1, 1), au=datetime.date(2040, 1, 1), departement=d.departement
    )
    ligne = contenu.tableau("publics-prioritaires").lignes[0]
    assert ligne[1:] == [4, 2, Decimal("50.0"), Decimal("50"), Decimal("0.0")]
    publics = {lg[0]: lg[-1] for lg in contenu.tableau("publics-eligibilite").lignes}
    assert publics["Bénéficiaire du RSA"] == 1 and publics["Senior"] == 2 and publics["Autre"] == 0
    graphique = contenu.sections[1].graphiques[0]
    assert graphique.tableau == "publics-prioritaires" and graphique.series[1].valeurs == [Decimal("50")]
