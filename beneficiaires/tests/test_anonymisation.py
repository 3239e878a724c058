"""Anonymisation: the right to erasure (a coordinator) and the retention rule (the daily task).

What is erased (identity, contact, notes, diagnostic, orientation texts), what is kept (FSE+
indicators, age at entry, zone rurale, publics, commune, pseudonym), the journal entries, the
retention boundary, the dry run, and who still sees an anonymised person."""

import datetime
import json

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from beneficiaires import signals
from beneficiaires.models import Beneficiaire, Orientation
from beneficiaires.selectors import beneficiaires_visibles, orientations_du_lieu
from beneficiaires.services import anonymisation, fiches, fusion
from beneficiaires.services.anonymisation import MOTIF_CONSERVATION, MOTIF_EFFACEMENT, anonymiser, appliquer_retention
from comptes.models import Role
from comptes.tests.factories import DepartementFactory, OrganismePrescripteurFactory, make_member
from journal.models import Action, Evenement

from .factories import SAINT_FIEL, BeneficiaireFactory, OrientationFactory, agent_qui_suit, commune

pytestmark = pytest.mark.django_db

MAINTENANT = timezone.make_aware(datetime.datetime(2026, 6, 15, 12, 0))


def coordinateur(beneficiaire, **kwargs):
    return make_member(Role.COORDINATEUR, departement=beneficiaire.departement, **kwargs)


def personne(**kwargs) -> Beneficiaire:
    defaults = {
        "nom": "Lemarchand",
        "prenom": "Huguette",
        "date_naissance": datetime.date(1951, 4, 3),
        "telephone": "+33555000011",
        "email": "huguette.lemarchand@exemple.test",
        "notes": "Préfère être appelée le matin.",
        "commune": commune(SAINT_FIEL),
        "publics": ["senior", "rsa"],
        "sexe": "femme",
        "situation_emploi": "inactif",
        "niveau_etudes": "cite_3_4",
        "handicap": "oui",
    }
    return BeneficiaireFactory(**(defaults | kwargs))


def inactif_depuis(beneficiaire, **delta) -> Beneficiaire:
    Beneficiaire.objects.filter(pk=beneficiaire.pk).update(derniere_activite_le=MAINTENANT - relativedelta(**delta))
    beneficiaire.refresh_from_db()
    return beneficiaire


def journal_en_texte() -> str:
    """Every journal entry, every column: what must never hold a name."""
    return json.dumps(
        list(Evenement.objects.values("action", "target_repr", "target_id", "details")), ensure_ascii=False
    )


def assert_anonymisee(b: Beneficiaire, *, avant: Beneficiaire) -> None:
    b.refresh_from_db()
    assert b.est_anonymise
    assert (b.nom, b.prenom, b.date_naissance, b.telephone, b.email, b.notes) == ("", "", None, "", "", "")
    assert (b.besoins, b.niveau_autonomie, b.cle_doublon, b.texte_recherche) == ([], None, "", "")
    # Kept for the funders' audit, under the same pseudonym.
    assert b.pseudonyme == avant.pseudonyme
    for champ in ("sexe", "situation_emploi", "niveau_etudes", "handicap", "pays_tiers", "origine_etrangere"):
        assert getattr(b, champ) == getattr(avant, champ), champ
    assert (b.minorite, b.sans_abri) == (avant.minorite, avant.sans_abri)
    assert (b.age_a_l_entree, b.zone_rurale) == (avant.age_a_l_entree, avant.zone_rurale)
    assert (b.publics, b.commune_id, b.departement_id) == (avant.publics, avant.commune_id, avant.departement_id)
    assert b.information_rgpd_le == avant.information_rgpd_le
    assert str(b) == f"Personne anonymisée ({b.pseudonyme})"


# --- The right to erasure ---------------------------------------------------------------------


def test_anonymiser_efface_l_identite_et_garde_les_indicateurs():
    b = personne()
    avant = Beneficiaire.objects.get(pk=b.pk)
    orientation = OrientationFactory(beneficiaire=b, message="Appeler sa fille au 06 00 00 00 00", besoins=["email"])
    coordination = coordinateur(b)
    recu = []

    def recepteur(**kwargs):
        recu.append(kwargs)

    signals.anonymisation.connect(recepteur)
    try:
        anonymiser(par=coordination, beneficiaire=b, motif=MOTIF_EFFACEMENT)
    finally:
        signals.anonymisation.disconnect(recepteur)

    assert_anonymisee(b, avant=avant)
    assert avant.age_a_l_entree >= 70 and avant.zone_rurale is True  # Saint-Fiel: 1,087 inhabitants
    orientation.refresh_from_db()
    assert (orientation.message, orientation.motif_refus, orientation.besoins) == ("", "", [])
    assert orientation.statut == Orientation.Statut.A_CONTACTER and orientation.lieu_id
    assert [kw["beneficiaire"].pk for kw in recu] == [b.pk]  # apps above erase their own data

    entree = Evenement.objects.get(action=Action.BENEFICIAIRE_ANONYMISE)
    assert (entree.actor, entree.organisation_id, entree.departement_id) == (
        coordination.user,
        coordination.organisation_id,
        b.departement_id,
    )
    assert (entree.target_id, entree.target_repr, entree.details) == (
        str(b.pk),
        b.pseudonyme,
        {"motif": MOTIF_EFFACEMENT},
    )
    texte = journal_en_texte()
    for secret in ("Lemarchand", "Huguette", "1951", "huguette", "0555000011", "06 00"):
        assert secret not in texte


def test_seule_la_coordination_du_departement_anonymise():
    b = personne()
    ailleurs = make_member(Role.COORDINATEUR, departement=DepartementFactory(code="87"))
    for par in (
        agent_qui_suit(b),
        agent_qui_suit(b, Role.REFERENT),
        make_member(Role.LECTEUR, departement=b.departement),
        ailleurs,
    ):
        with pytest.raises(PermissionDenied, match="Seule la coordination du département"):
            anonymiser(par=par, beneficiaire=b, motif=MOTIF_EFFACEMENT)
    b.refresh_from_db()
    assert b.nom == "Lemarchand" and not b.est_anonymise
    assert not Evenement.objects.filter(action=Action.BENEFICIAIRE_ANONYMISE).exists()


def test_une_fiche_deja_anonymisee_ne_l_est_pas_deux_fois():
    b = personne()
    coordination = coordinateur(b)
    anonymiser(par=coordination, beneficiaire=b, motif=MOTIF_EFFACEMENT)
    with pytest.raises(ValidationError, match="déjà anonymisée"):
        anonymiser(par=coordination, beneficiaire=b, motif=MOTIF_EFFACEMENT)
    assert Evenement.objects.filter(action=Action.BENEFICIAIRE_ANONYMISE).count() == 1


def test_anonymiser_efface_aussi_les_fiches_fusionnees_dedans():
    b = personne()
    doublon = personne(nom="Lemarchant", telephone="", email="")
    coordination = coordinateur(b)
    fusion.fusionner(par=coordination, conservee=b, absorbee=doublon)
    anonymiser(par=coordination, beneficiaire=b, motif=MOTIF_EFFACEMENT)
    doublon.refresh_from_db()
    assert doublon.est_anonymise and (doublon.nom, doublon.prenom, doublon.date_naissance) == ("", "", None)
    assert doublon.fusionne_dans_id == b.pk  # the history stays linked
    anonymisees = Evenement.objects.filter(action=Action.BENEFICIAIRE_ANONYMISE)
    assert sorted(anonymisees.values_list("target_repr", flat=True)) == sorted([b.pseudonyme, doublon.pseudonyme])
    assert "Lemarchant" not in journal_en_texte()


# --- Who still sees an anonymised person ------------------------------------------------------


def test_une_personne_anonymisee_disparait_du_prescripteur_et_du_lieu():
    b = personne()
    orientation = OrientationFactory(beneficiaire=b)
    agent = agent_qui_suit(b)
    lieu = make_member(Role.MEDIATEUR, organisation=orientation.lieu)
    coordination = coordinateur(b)
    assert b in beneficiaires_visibles(agent) and b in beneficiaires_visibles(lieu)
    assert orientation in orientations_du_lieu(lieu)

    anonymiser(par=coordination, beneficiaire=b, motif=MOTIF_EFFACEMENT)

    assert b not in beneficiaires_visibles(agent)
    assert b not in beneficiaires_visibles(lieu)
    assert orientation not in orientations_du_lieu(lieu)
    # The département's staff still see the pseudonymised record (statistics, access log).
    assert b in beneficiaires_visibles(coordination)


# --- The retention rule -----------------------------------------------------------------------


def test_la_limite_de_conservation_suit_le_reglage(settings):
    assert settings.BENEFICIAIRES_RETENTION_MOIS == 24
    assert anonymisation.limite_de_conservation(maintenant=MAINTENANT) == MAINTENANT - relativedelta(months=24)
    settings.BENEFICIAIRES_RETENTION_MOIS = 6
    assert anonymisation.limite_de_conservation(maintenant=MAINTENANT) == MAINTENANT - relativedelta(months=6)


def test_retention_23_mois_gardee_25_mois_anonymisee():
    recente = inactif_depuis(personne(), months=23)
    ancienne = inactif_depuis(personne(nom="Ancienne", prenom="Fiche"), months=25)
    avant = Beneficiaire.objects.get(pk=ancienne.pk)

    assert appliquer_retention(wet_run=True, maintenant=MAINTENANT) == {"23": 1}

    assert_anonymisee(ancienne, avant=avant)
    recente.refresh_from_db()
    assert recente.nom == "Lemarchand" and not recente.est_anonymise


def test_retention_suit_le_nombre_de_mois_regle(settings):
    settings.BENEFICIAIRES_RETENTION_MOIS = 12
    b = inactif_depuis(personne(), months=13)
    assert appliquer_retention(wet_run=True, maintenant=MAINTENANT) == {"23": 1}
    b.refresh_from_db()
    assert b.est_anonymise


def test_une_activite_remet_le_compteur_a_zero():
    b = inactif_depuis(personne(), months=25)
    fiches.noter_activite(beneficiaire=b, quand=MAINTENANT - relativedelta(days=3))
    assert appliquer_retention(wet_run=True, maintenant=MAINTENANT) == {}
    b.refresh_from_db()
    assert not b.est_anonymise


def test_une_correction_de_la_fiche_est_une_activite():
    b = inactif_depuis(personne(), months=25)
    fiches.modifier_beneficiaire(par=agent_qui_suit(b), beneficiaire=b, donnees={"telephone": "05 55 00 00 22"})
    assert appliquer_retention(wet_run=True, maintenant=timezone.now()) == {}


def test_essai_a_blanc_ne_change_rien():
    creuse = inactif_depuis(personne(), months=30)
    inactif_depuis(personne(nom="Autre"), months=26)
    vienne = inactif_depuis(BeneficiaireFactory(commune=commune("87085"), nom="Haut", prenom="Viennois"), months=40)
    inactif_depuis(personne(nom="Recente"), months=2)

    assert appliquer_retention(wet_run=False, maintenant=MAINTENANT) == {"23": 2, "87": 1}

    assert Beneficiaire.objects.filter(anonymise_le__isnull=False).count() == 0
    creuse.refresh_from_db()
    vienne.refresh_from_db()
    assert creuse.nom == "Lemarchand" and vienne.nom == "Haut"
    assert not Evenement.objects.filter(
        action__in=[Action.BENEFICIAIRE_ANONYMISE, Action.ANONYMISATION_EXECUTEE]
    ).exists()


def test_retention_journalise_chaque_personne_et_un_resume_par_departement():
    creuse = [inactif_depuis(personne(nom=f"Nom{i}"), months=25 + i) for i in range(3)]
    vienne = inactif_depuis(BeneficiaireFactory(commune=commune("87085")), months=30)

    assert appliquer_retention(wet_run=True, maintenant=MAINTENANT) == {"23": 3, "87": 1}

    par_personne = Evenement.objects.filter(action=Action.BENEFICIAIRE_ANONYMISE)
    assert sorted(par_personne.values_list("target_repr", flat=True)) == sorted(b.pseudonyme for b in [*creuse, vienne])
    for entree in par_personne:
        assert entree.actor is None and entree.organisation is None
        assert entree.details == {"motif": MOTIF_CONSERVATION}
    resumes = {e.departement.code: e for e in Evenement.objects.filter(action=Action.ANONYMISATION_EXECUTEE)}
    assert set(resumes) == {"23", "87"}
    limite = anonymisation.limite_de_conservation(maintenant=MAINTENANT)
    assert resumes["23"].details == {"nombre": 3, "derniere_activite_avant": limite.isoformat()}
    assert resumes["87"].details["nombre"] == 1
    texte = journal_en_texte()
    for b in creuse:
        assert b.nom not in texte

    # Nothing left to do: a second run anonymises nothing and writes no summary.
    assert appliquer_retention(wet_run=True, maintenant=MAINTENANT) == {}
    assert Evenement.objects.filter(action=Action.ANONYMISATION_EXECUTEE).count() == 2


def test_retention_anonymise_aussi_une_fiche_fusionnee():
    """A merged record still holds an identity: its own clock applies (a merge takes the later
    activity of the two onto the kept record, so it never outlives the kept one)."""
    conservee = personne()
    absorbee = personne(nom="Lemarchant")
    fusion.fusionner(par=coordinateur(conservee), conservee=conservee, absorbee=absorbee)
    inactif_depuis(absorbee, months=25)
    inactif_depuis(conservee, months=25)
    assert appliquer_retention(wet_run=True, maintenant=MAINTENANT) == {"23": 2}
    absorbee.refresh_from_db()
    assert absorbee.est_anonymise and absorbee.nom == ""


def test_le_nom_n_apparait_jamais_dans_le_journal():
    """Every service that writes about a person, then the anonymisation: only pseudonyms."""
    b = personne()
    agent = agent_qui_suit(b)
    autre_organisme = OrganismePrescripteurFactory(departement=b.departement)
    coordination = coordinateur(b)
    fiches.journaliser_consultation(par=agent, beneficiaire=b, vue="fiche")
    fiches.modifier_beneficiaire(par=agent, beneficiaire=b, donnees={"notes": "Huguette vit seule"})
    fiches.rattacher(
        par=make_member(Role.AGENT, organisation=autre_organisme),
        nom="LEMARCHAND",
        prenom="huguette",
        date_naissance=b.date_naissance,
    )
    doublon = personne(prenom="Hugette")
    fusion.fusionner(par=coordination, conservee=b, absorbee=doublon)
    anonymiser(par=coordination, beneficiaire=b, motif=MOTIF_EFFACEMENT)
    texte = journal_en_texte()
    assert Evenement.objects.count() >= 6
    for secret in ("Lemarchand", "LEMARCHAND", "Huguette", "Hugette", "1951-04-03", "exemple.test", "vit seule"):
        assert secret not in texte
