"""Services of the dispositifs: create, modify, close, financeurs, qualifications, participations.

The plain helpers at the top are shared with the other test_dispositifs_*, test_generation,
test_dotations, test_acceptation and test_stock modules.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from comptes.models import Role
from comptes.tests.factories import (
    DepartementFactory,
    EquipeDepartementaleFactory,
    LieuFactory,
    OrganismePrescripteurFactory,
    make_member,
)
from journal.models import Action, Evenement
from pass_numerique.models import Dispositif, Financeur, Participation, Qualification
from pass_numerique.services import dispositifs as services
from pass_numerique.tests.factories import DispositifFactory, carnet

pytestmark = pytest.mark.django_db
FINANCEURS = [("FSE+", "60"), ("État", "20"), ("Département", "20")]


def coordinateur(code: str = "23", role=Role.COORDINATEUR):
    departement = DepartementFactory(code=code)
    return make_member(role, organisation=EquipeDepartementaleFactory(departement=departement))


def donnees(**modifs) -> dict:
    """What a coordinator types for a valid dispositif (text, as a form posts it)."""
    aujourd_hui = timezone.localdate()
    return {
        "nom": "Pass numérique 2026 — réseau Tela",
        "reseau": "Réseau Tela",
        "debut": (aujourd_hui - datetime.timedelta(days=10)).isoformat(),
        "fin": (aujourd_hui + datetime.timedelta(days=355)).isoformat(),
        "validite_fin": (aujourd_hui + datetime.timedelta(days=355)).isoformat(),
        "tolerance_jours": "30",
        "valeur_faciale": "10",
        "tailles_carnet": ["5", "10"],
        "publics": ["rsa", "senior"],
        "part_cible_prioritaires": "50",
        "budget": "100000",
    } | modifs


def entrees(action, **filtres):
    return list(Evenement.objects.filter(action=action, **filtres).order_by("pk"))


# --- Create ---------------------------------------------------------------------------------------


def test_creer_un_dispositif_avec_ses_financeurs():
    coord = coordinateur()

    dispositif = services.creer_dispositif(par=coord, donnees=donnees(), financeurs=FINANCEURS)

    dispositif.refresh_from_db()
    assert dispositif.departement.code == "23" and dispositif.cree_par == coord.user
    assert dispositif.valeur_faciale == Decimal("10.00") and dispositif.budget == Decimal("100000.00")
    assert dispositif.tailles_carnet == ["5", "10"] and dispositif.publics == ["rsa", "senior"]
    assert dispositif.fin_encaissement == dispositif.validite_fin + datetime.timedelta(days=30)
    assert [(f.nom, f.pourcentage, f.ordre) for f in dispositif.financeurs.all()] == [
        ("FSE+", Decimal("60.00"), 0),
        ("État", Decimal("20.00"), 1),
        ("Département", Decimal("20.00"), 2),
    ]
    [cree] = entrees(Action.DISPOSITIF_CREE)
    assert (cree.actor, cree.organisation_id, cree.departement_id) == (
        coord.user,
        coord.organisation_id,
        dispositif.departement_id,
    )
    assert cree.target_id == str(dispositif.pk) and cree.details["champs"]["valeur_faciale"] == "10"
    [financeurs] = entrees(Action.FINANCEURS_DEFINIS)
    assert financeurs.details == {
        "avant": [],
        "apres": [["FSE+", "60.00"], ["État", "20.00"], ["Département", "20.00"]],
    }


@pytest.mark.parametrize(
    ("modifs", "champ", "message"),
    [
        ({"nom": " "}, "nom", "Indiquez le nom du dispositif"),
        ({"budget": "-1"}, "budget", "Le budget ne peut pas être négatif"),
        ({"budget": "12,345"}, "budget", "au centime près"),
        ({"valeur_faciale": "0"}, "valeur_faciale", "supérieure à 0 €"),
        ({"valeur_faciale": "dix"}, "valeur_faciale", "supérieure à 0 €"),
        ({"tailles_carnet": ["7"]}, "tailles_carnet", "« 7 » n’est pas une taille possible"),
        ({"tailles_carnet": []}, "tailles_carnet", "au moins une taille"),
        ({"publics": ["martien"]}, "publics", "Public inconnu : « martien »"),
        ({"publics": []}, "publics", "au moins un public"),
        ({"part_cible_prioritaires": "101"}, "part_cible_prioritaires", "entre 0 et 100"),
        ({"tolerance_jours": "-3"}, "tolerance_jours", "entre 0 et 365"),
        ({"debut": ""}, "debut", "Indiquez la date de début"),
        ({"debut": "31/02/2026"}, "debut", "Indiquez une date valide"),
        ({"debut": "2026-06-01", "fin": "2026-05-01"}, "fin", "La fin de l’opération (01/05/2026) précède son début"),
        (
            {"debut": "2026-06-01", "fin": "2026-12-01", "validite_fin": "2026-05-31"},
            "validite_fin",
            "précède le début de l’opération",
        ),
    ],
)
def test_une_mauvaise_saisie_ne_cree_rien(modifs, champ, message):
    coord = coordinateur()

    with pytest.raises(ValidationError) as exc:
        services.creer_dispositif(par=coord, donnees=donnees(**modifs), financeurs=FINANCEURS)

    assert message in " ".join(exc.value.message_dict[champ])
    assert not Dispositif.objects.exists() and not Financeur.objects.exists() and not Evenement.objects.exists()


def test_le_nom_est_unique_dans_le_departement():
    coord = coordinateur()
    DispositifFactory(nom="Pass 2026")
    DispositifFactory(nom="Pass 2027", departement=DepartementFactory(code="87"))

    with pytest.raises(ValidationError, match="s’appelle déjà « pass 2026 »"):
        services.creer_dispositif(par=coord, donnees=donnees(nom="pass 2026"))
    services.creer_dispositif(par=coord, donnees=donnees(nom="Pass 2027"))  # another département's name


@pytest.mark.parametrize("role", [Role.LECTEUR, Role.REFERENT, Role.AGENT, Role.RESPONSABLE])
def test_seul_le_coordinateur_cree(role):
    par = coordinateur(role=Role.LECTEUR) if role == Role.LECTEUR else make_member(role)
    with pytest.raises(PermissionDenied):
        services.creer_dispositif(par=par, donnees=donnees())
    assert not Dispositif.objects.exists()


# --- Financeurs -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lignes", "message"),
    [
        ([("FSE+", "60"), ("État", "20"), ("Département", "19.99")], "totalisent 99,99 %"),
        ([("FSE+", "60"), ("État", "20"), ("Département", "20.01")], "totalisent 100,01 %"),
        ([("FSE+", "60"), ("fse+", "40")], "Le financeur « fse+ » apparaît deux fois"),
        ([("FSE+", "100"), ("État", "0")], "supérieur à 0"),
        ([("FSE+", "-10"), ("État", "110")], "supérieur à 0"),
        ([("FSE+", "33.333"), ("État", "66.667")], "au centième près"),
        ([("", "100")], "Financeur n° 1 : indiquez son nom"),
        ([("FSE+", "beaucoup")], "indiquez sa part en pourcentage"),
        ([], "Indiquez au moins un financeur"),
    ],
)
def test_les_financeurs_totalisent_exactement_100(lignes, message):
    coord = coordinateur()
    dispositif = DispositifFactory()

    with pytest.raises(ValidationError) as exc:
        services.definir_financeurs(par=coord, dispositif=dispositif, lignes=lignes)

    assert message in " ".join(exc.value.message_dict["financeurs"])
    assert [(f.nom, f.pourcentage) for f in dispositif.financeurs.all()] == [
        ("FSE+", Decimal("60.00")),
        ("État", Decimal("20.00")),
        ("Département", Decimal("20.00")),
    ]
    assert not Evenement.objects.exists()


def test_definir_les_financeurs_remplace_toutes_les_lignes():
    coord = coordinateur()
    dispositif = DispositifFactory()

    financeurs = services.definir_financeurs(
        par=coord, dispositif=dispositif, lignes=[("Région", Decimal("33.33")), ("Département", "66,67")]
    )

    assert [(f.nom, f.pourcentage) for f in financeurs] == [
        ("Région", Decimal("33.33")),
        ("Département", Decimal("66.67")),
    ]
    [entree] = entrees(Action.FINANCEURS_DEFINIS)
    assert entree.details["avant"] == [["FSE+", "60.00"], ["État", "20.00"], ["Département", "20.00"]]
    # The same lines again: nothing to write, nothing to journal.
    services.definir_financeurs(
        par=coord, dispositif=dispositif, lignes=[("Région", "33.33"), ("Département", "66.67")]
    )
    assert len(entrees(Action.FINANCEURS_DEFINIS)) == 1


def test_un_coordinateur_d_un_autre_departement_ne_touche_a_rien():
    dispositif = DispositifFactory()
    autre = coordinateur("87")
    lieu = LieuFactory(departement=dispositif.departement)
    organisme = OrganismePrescripteurFactory(departement=dispositif.departement)
    for appel in (
        lambda: services.definir_financeurs(par=autre, dispositif=dispositif, lignes=FINANCEURS),
        lambda: services.modifier_dispositif(par=autre, dispositif=dispositif, donnees=donnees()),
        lambda: services.clore_dispositif(par=autre, dispositif=dispositif),
        lambda: services.decider_qualification(
            par=autre, dispositif=dispositif, lieu=lieu, statut="qualifie", motif="Convention"
        ),
        lambda: services.ajouter_participation(par=autre, dispositif=dispositif, organisme=organisme),
    ):
        with pytest.raises(PermissionDenied):
            appel()
    assert not Evenement.objects.exists() and not Qualification.objects.exists()


# --- Modify and close -----------------------------------------------------------------------------


def test_modifier_journalise_les_champs_changes():
    coord = coordinateur()
    dispositif = services.creer_dispositif(par=coord, donnees=donnees(), financeurs=FINANCEURS)

    changes = services.modifier_dispositif(
        par=coord, dispositif=dispositif, donnees=donnees(budget="120000", reseau=""), financeurs=FINANCEURS
    )

    assert changes == {"reseau": ["Réseau Tela", ""], "budget": ["100000.00", "120000"]}
    [entree] = entrees(Action.DISPOSITIF_MODIFIE)
    assert entree.details == {"champs": changes}
    assert (
        services.modifier_dispositif(par=coord, dispositif=dispositif, donnees=donnees(budget="120000", reseau=""))
        == {}
    )
    assert len(entrees(Action.DISPOSITIF_MODIFIE)) == 1


def test_une_fois_des_cheques_generes_la_valeur_est_figee_et_la_validite_ne_recule_pas():
    coord = coordinateur()
    dispositif = DispositifFactory()
    carnet(dispositif)
    valeurs = {c: getattr(dispositif, c) for c in services.CHAMPS}

    with pytest.raises(ValidationError) as exc:
        services.modifier_dispositif(
            par=coord,
            dispositif=dispositif,
            donnees=valeurs | {"valeur_faciale": "12", "validite_fin": dispositif.validite_fin - datetime.timedelta(1)},
        )

    assert "la valeur d’un chèque ne peut plus changer" in exc.value.message_dict["valeur_faciale"][0]
    assert "peut être repoussée, pas avancée" in exc.value.message_dict["validite_fin"][0]
    plus_tard = dispositif.validite_fin + datetime.timedelta(days=30)
    services.modifier_dispositif(par=coord, dispositif=dispositif, donnees=valeurs | {"validite_fin": plus_tard})
    dispositif.refresh_from_db()
    assert dispositif.fin_encaissement == plus_tard + datetime.timedelta(days=30)


def test_clore_un_dispositif():
    coord = coordinateur()
    dispositif = DispositifFactory()

    services.clore_dispositif(par=coord, dispositif=dispositif)

    dispositif.refresh_from_db()
    assert dispositif.clos_le is not None
    assert not Dispositif.objects.actifs().filter(pk=dispositif.pk).exists()
    [entree] = entrees(Action.DISPOSITIF_CLOS)
    assert entree.target_id == str(dispositif.pk)
    for appel in (
        lambda: services.clore_dispositif(par=coord, dispositif=dispositif),
        lambda: services.modifier_dispositif(par=coord, dispositif=dispositif, donnees=donnees()),
        lambda: services.definir_financeurs(par=coord, dispositif=dispositif, lignes=FINANCEURS),
    ):
        with pytest.raises(ValidationError, match="est clos depuis le"):
            appel()


# --- Qualifications -------------------------------------------------------------------------------


def test_decider_une_qualification_puis_la_changer():
    coord = coordinateur()
    dispositif = DispositifFactory()
    lieu = LieuFactory(departement=dispositif.departement)

    qualification = services.decider_qualification(
        par=coord, dispositif=dispositif, lieu=lieu, statut="candidat", motif="Demande reçue"
    )
    assert (qualification.statut, qualification.decide_par, qualification.motif) == (
        "candidat",
        coord.user,
        "Demande reçue",
    )
    premiere_date = qualification.decide_le

    qualification = services.decider_qualification(
        par=coord, dispositif=dispositif, lieu=lieu, statut="qualifie", motif="  Convention   signée "
    )

    assert (qualification.statut, qualification.motif) == ("qualifie", "Convention signée")
    assert qualification.decide_le >= premiere_date
    assert Qualification.objects.count() == 1
    decisions = entrees(Action.QUALIFICATION_DECIDEE)
    assert [(e.details["avant"], e.details["apres"]) for e in decisions] == [
        (None, "candidat"),
        ("candidat", "qualifie"),
    ]
    assert decisions[1].target_id == str(lieu.pk) and decisions[1].details["motif"] == "Convention signée"
    assert decisions[1].details["dispositif"] == dispositif.pk


@pytest.mark.parametrize(
    ("statut", "motif", "champ", "message"),
    [
        ("qualifie", "", "motif", "Indiquez le motif"),
        ("accepte", "Convention", "statut", "candidat, qualifié ou suspendu"),
    ],
)
def test_une_decision_mal_saisie(statut, motif, champ, message):
    coord = coordinateur()
    dispositif = DispositifFactory()
    lieu = LieuFactory(departement=dispositif.departement)
    with pytest.raises(ValidationError) as exc:
        services.decider_qualification(par=coord, dispositif=dispositif, lieu=lieu, statut=statut, motif=motif)
    assert message in exc.value.message_dict[champ][0]
    assert not Qualification.objects.exists() and not Evenement.objects.exists()


def test_les_decisions_impossibles():
    coord = coordinateur()
    dispositif = DispositifFactory()
    ailleurs = LieuFactory(departement=DepartementFactory(code="87"))
    ferme = LieuFactory(departement=dispositif.departement, est_actif=False, ferme_le=timezone.localdate())
    lieu = LieuFactory(departement=dispositif.departement)
    services.decider_qualification(par=coord, dispositif=dispositif, lieu=lieu, statut="qualifie", motif="Convention")

    with pytest.raises(ValidationError, match="pas dans le département du dispositif"):
        services.decider_qualification(par=coord, dispositif=dispositif, lieu=ailleurs, statut="qualifie", motif="x")
    with pytest.raises(ValidationError, match="est fermé : rouvrez-le"):
        services.decider_qualification(par=coord, dispositif=dispositif, lieu=ferme, statut="qualifie", motif="x")
    with pytest.raises(ValidationError, match="déjà « qualifié »"):
        services.decider_qualification(par=coord, dispositif=dispositif, lieu=lieu, statut="qualifie", motif="x")
    assert len(entrees(Action.QUALIFICATION_DECIDEE)) == 1


# --- Participations -------------------------------------------------------------------------------


def test_ajouter_et_retirer_un_prescripteur():
    coord = coordinateur()
    dispositif = DispositifFactory()
    organisme = OrganismePrescripteurFactory(departement=dispositif.departement)

    services.ajouter_participation(par=coord, dispositif=dispositif, organisme=organisme)
    with pytest.raises(ValidationError, match="participe déjà"):
        services.ajouter_participation(par=coord, dispositif=dispositif, organisme=organisme)
    services.retirer_participation(par=coord, dispositif=dispositif, organisme=organisme)
    with pytest.raises(ValidationError, match="ne participe pas"):
        services.retirer_participation(par=coord, dispositif=dispositif, organisme=organisme)

    assert not Participation.objects.exists()
    [ajout] = entrees(Action.PARTICIPATION_AJOUTEE)
    [retrait] = entrees(Action.PARTICIPATION_RETIREE)
    assert ajout.details == retrait.details == {"organisme": organisme.pk, "organisme_nom": organisme.nom}


def test_un_prescripteur_qui_a_du_stock_ne_part_pas_et_un_organisme_etranger_n_entre_pas():
    coord = coordinateur()
    dispositif = DispositifFactory()
    organisme = OrganismePrescripteurFactory(departement=dispositif.departement)
    services.ajouter_participation(par=coord, dispositif=dispositif, organisme=organisme)
    carnet(dispositif, statut="dote", organisme=organisme)
    ailleurs = OrganismePrescripteurFactory(departement=DepartementFactory(code="87"))
    ferme = OrganismePrescripteurFactory(departement=dispositif.departement, ferme_le=timezone.now())

    with pytest.raises(ValidationError, match="a encore 1 carnet de ce dispositif en stock"):
        services.retirer_participation(par=coord, dispositif=dispositif, organisme=organisme)
    with pytest.raises(ValidationError, match="pas dans le département"):
        services.ajouter_participation(par=coord, dispositif=dispositif, organisme=ailleurs)
    with pytest.raises(ValidationError, match="est fermé"):
        services.ajouter_participation(par=coord, dispositif=dispositif, organisme=ferme)
    assert Participation.objects.count() == 1
