"""Services of the places' management: create, edit (changed fields journalled), close, reopen.

The helpers at the top (plain functions) are shared with test_gestion_forms.py and
test_gestion_views.py, which define the same small fixtures on them.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from comptes.models import Organisation, Role
from comptes.tests.factories import LieuFactory, make_member
from journal.models import Action, Evenement
from structures.forms import LieuForm
from structures.models import Lieu, SourcePosition
from structures.services.edition import champs_modifiables, creer_lieu, fermer_lieu, modifier_lieu, rouvrir_lieu
from territoires.models import Commune, Departement
from territoires.tests.jeu_de_test import charger_jeu_de_test

GUERET = {"latitude": 46.1718, "longitude": 1.8717}
IL_Y_A_UN_MOIS = datetime.date(2026, 1, 5)


def charger_departement(code: str) -> Departement:
    """A département of the small communes reference (loaded on first use)."""
    if not Commune.objects.exists():
        charger_jeu_de_test()
    return Departement.objects.get(code=code)


def equipe(departement: Departement) -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(
        departement=departement, type=Organisation.Type.DEPARTEMENT, defaults={"nom": f"Équipe {departement.nom}"}
    )
    return organisation


def coordinateur(departement: Departement):
    return make_member(Role.COORDINATEUR, organisation=equipe(departement))


def nouveau_lieu(departement: Departement, **kwargs) -> Lieu:
    gueret = Commune.objects.get(code_insee="23096")
    valeurs = {
        "nom": "Tiers-lieu de Guéret",
        "adresse": "1 rue de la Poste",
        "code_postal": "23000",
        "commune": "Guéret",
        "code_insee": "23096",
        "commune_ref": gueret,
        "latitude": 46.17,
        "longitude": 1.87,
        "source_position": SourcePosition.IMPORT,
        "services": ["Aide aux démarches administratives"],
        "date_maj": IL_Y_A_UN_MOIS,
    }
    return LieuFactory(departement=departement, **(valeurs | kwargs))


def saisie(**modifs) -> dict:
    """What a person types in the form for a valid place in Guéret (POST data)."""
    data = {
        "nom": "Médiathèque de Guéret",
        "pivot": "",
        "adresse": "12 avenue Fayolle",
        "complement_adresse": "",
        "code_postal": "23000",
        "commune": "Guéret",
        "code_insee": "",
        "latitude": "",
        "longitude": "",
        "telephone": "05 55 12 34 56",
        "courriels": "contact@mediatheque.example",
        "site_web": "https://mediatheque.example/",
        "prise_rdv": "",
        "horaires": "Mo-Fr 09:00-12:00",
        "presentation_resume": "Ateliers numériques pour tous.",
        "presentation_detail": "",
        "structure_parente": "",
        "source": "",
        "accessibilite": "Accès de plain-pied.",
        "fiche_acces_libre": "",
        "autres_formations_labels": "",
        "services": ["Aide aux démarches administratives", "Maîtrise des outils numériques du quotidien"],
        "frais_a_charge": ["Gratuit"],
        "typologie": ["BIB"],
    }
    return data | modifs


def donnees_valides(departement: Departement, lieu: Lieu | None = None, **modifs) -> dict:
    form = LieuForm(saisie(**modifs), departement=departement, lieu=lieu)
    assert form.is_valid(), form.errors
    return form.donnees()


def donnees_du_lieu(lieu: Lieu, **modifs) -> dict:
    """The form's data for `lieu` as it stands (what an unchanged edit page posts)."""
    form = LieuForm(departement=lieu.departement, lieu=lieu)
    data = {}
    for nom, champ in form.fields.items():
        valeur = form[nom].value()
        if nom in form.noms_choix_multiples:
            data[nom] = list(valeur or [])
        elif isinstance(valeur, bool):
            if valeur:
                data[nom] = "on"
        else:
            data[nom] = "" if valeur is None else champ.prepare_value(valeur)
    return data | modifs


def entrees(action: Action, lieu: Lieu):
    return Evenement.objects.filter(action=action, target_type="structures.lieu", target_id=str(lieu.pk))


# Fixtures (test_gestion_forms.py and test_gestion_views.py define the same ones, on the helpers above).


@pytest.fixture
def creuse(db) -> Departement:
    return charger_departement("23")


@pytest.fixture
def haute_vienne(creuse) -> Departement:
    return charger_departement("87")


@pytest.fixture
def coord(creuse):
    return coordinateur(creuse)


@pytest.fixture
def coord_87(haute_vienne):
    return coordinateur(haute_vienne)


@pytest.fixture
def lieu(creuse) -> Lieu:
    return nouveau_lieu(creuse)


@pytest.fixture
def responsable(lieu):
    return make_member(Role.RESPONSABLE, organisation=lieu)


# --- Create ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_creer_un_lieu(coord, creuse):
    lieu = creer_lieu(par=coord, donnees=donnees_valides(creuse), request=None)

    lieu.refresh_from_db()
    assert lieu.departement == creuse
    assert lieu.identifiant.startswith("einclusion-")
    assert lieu.date_maj == timezone.localdate()
    assert (lieu.commune, lieu.code_insee, lieu.commune_ref.code_insee) == ("Guéret", "23096", "23096")
    assert lieu.telephone == "+33555123456"
    assert lieu.pivot == "00000000000000"
    assert lieu.services == ["Aide aux démarches administratives", "Maîtrise des outils numériques du quotidien"]
    # No position typed: the commune's centre.
    assert (lieu.latitude, lieu.longitude, lieu.source_position) == (46.1718, 1.8717, SourcePosition.COMMUNE)
    [entree] = entrees(Action.LIEU_CREE, lieu)
    assert entree.actor == coord.user and entree.departement == creuse
    assert entree.details["nom"] == "Médiathèque de Guéret"


@pytest.mark.django_db
def test_creer_un_lieu_place_sur_la_carte(coord, creuse):
    lieu = creer_lieu(par=coord, donnees=donnees_valides(creuse, latitude="46,1701", longitude="1.8655"))

    assert (lieu.latitude, lieu.longitude, lieu.source_position) == (46.1701, 1.8655, SourcePosition.CARTE)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.LECTEUR, Role.RESPONSABLE, Role.MEDIATEUR, Role.REFERENT, Role.AGENT])
def test_seul_un_coordinateur_cree_un_lieu(creuse, role):
    par = make_member(role, departement=creuse)
    with pytest.raises(PermissionDenied):
        creer_lieu(par=par, donnees=donnees_valides(creuse))
    assert not Lieu.objects.filter(nom="Médiathèque de Guéret").exists()
    assert not Evenement.objects.filter(action=Action.LIEU_CREE).exists()


@pytest.mark.django_db
def test_creer_refuse_une_commune_d_un_autre_departement(coord, creuse):
    donnees = donnees_valides(creuse)
    donnees["commune_ref"] = Commune.objects.get(code_insee="87085")  # Limoges, bypassing the form

    with pytest.raises(ValidationError) as exc:
        creer_lieu(par=coord, donnees=donnees)

    assert "n’est pas dans le département Creuse (23)" in exc.value.message_dict["commune"][0]
    assert not Lieu.objects.exists()


# --- Edit --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_modifier_journalise_les_champs_changes(coord, lieu):
    donnees = donnees_valides(
        lieu.departement,
        lieu,
        nom="Tiers-lieu de Guéret",
        adresse="1 rue de la Poste",
        latitude="46.17",
        longitude="1.87",
        telephone="05 55 00 00 00",
        services=["Aide aux démarches administratives", "Insertion professionnelle via le numérique"],
    )
    changes = modifier_lieu(par=coord, lieu=lieu, donnees=donnees, request=None)

    lieu.refresh_from_db()
    assert lieu.telephone == "+33555000000"
    assert lieu.date_maj == timezone.localdate()
    assert changes["telephone"] == ["", "+33555000000"]
    assert changes["services"] == [
        ["Aide aux démarches administratives"],
        ["Aide aux démarches administratives", "Insertion professionnelle via le numérique"],
    ]
    assert "nom" not in changes and "adresse" not in changes
    assert "latitude" not in changes  # same position: it keeps its origin
    assert lieu.source_position == SourcePosition.IMPORT
    [entree] = entrees(Action.LIEU_MODIFIE, lieu)
    assert entree.details["champs"] == changes
    assert entree.actor == coord.user


@pytest.mark.django_db
def test_modifier_sans_changement_n_ecrit_rien(coord, lieu):
    # The same services in another order are the same services.
    lieu.services = ["Maîtrise des outils numériques du quotidien", "Aide aux démarches administratives"]
    lieu.save()
    modifie_le = Lieu.objects.get(pk=lieu.pk).modifie_le
    donnees = LieuForm(donnees_du_lieu(lieu), departement=lieu.departement, lieu=lieu)
    assert donnees.is_valid(), donnees.errors

    changes = modifier_lieu(par=coord, lieu=lieu, donnees=donnees.donnees())

    assert changes == {}
    relu = Lieu.objects.get(pk=lieu.pk)
    assert relu.date_maj == IL_Y_A_UN_MOIS
    assert relu.modifie_le == modifie_le
    assert relu.services == ["Maîtrise des outils numériques du quotidien", "Aide aux démarches administratives"]
    assert not entrees(Action.LIEU_MODIFIE, lieu).exists()


@pytest.mark.django_db
def test_deplacer_le_lieu_sur_la_carte(coord, lieu):
    form = LieuForm(
        donnees_du_lieu(lieu, latitude="46.1702", longitude="1.8699"), departement=lieu.departement, lieu=lieu
    )
    assert form.is_valid(), form.errors

    changes = modifier_lieu(par=coord, lieu=lieu, donnees=form.donnees())

    assert changes["latitude"] == [46.17, 46.1702]
    assert changes["source_position"] == [SourcePosition.IMPORT, SourcePosition.CARTE]
    lieu.refresh_from_db()
    assert lieu.source_position == SourcePosition.CARTE


@pytest.mark.django_db
def test_centre_de_la_commune(coord, lieu):
    data = donnees_du_lieu(lieu, centre_commune="on", latitude="12", longitude="500")  # ignored
    form = LieuForm(data, departement=lieu.departement, lieu=lieu)
    assert form.is_valid(), form.errors

    modifier_lieu(par=coord, lieu=lieu, donnees=form.donnees())

    lieu.refresh_from_db()
    assert (lieu.latitude, lieu.longitude) == (GUERET["latitude"], GUERET["longitude"])
    assert lieu.source_position == SourcePosition.COMMUNE


@pytest.mark.django_db
def test_une_position_du_centre_suit_le_changement_de_commune(coord, creuse):
    lieu = nouveau_lieu(creuse, **GUERET, source_position=SourcePosition.COMMUNE)
    data = donnees_du_lieu(lieu, commune="Sainte-Feyre")

    form = LieuForm(data, departement=creuse, lieu=lieu)
    assert form.is_valid(), form.errors
    modifier_lieu(par=coord, lieu=lieu, donnees=form.donnees())

    lieu.refresh_from_db()
    assert (lieu.code_insee, lieu.latitude, lieu.longitude) == ("23193", 46.139, 1.9153)
    assert lieu.source_position == SourcePosition.COMMUNE


@pytest.mark.django_db
def test_le_responsable_modifie_son_lieu(responsable, lieu):
    form = LieuForm(
        donnees_du_lieu(lieu, horaires="Mo-Fr 09:00-12:00"),
        departement=lieu.departement,
        lieu=lieu,
        champs_autorises=champs_modifiables(responsable),
    )
    assert form.is_valid(), form.errors
    assert "accepte_pass_numerique" not in form.fields

    changes = modifier_lieu(par=responsable, lieu=lieu, donnees=form.donnees())

    assert list(changes) == ["horaires"]
    [entree] = entrees(Action.LIEU_MODIFIE, lieu)
    assert entree.actor == responsable.user and entree.organisation.pk == lieu.pk


@pytest.mark.django_db
def test_personne_ne_saisit_l_acceptation_du_pass_numerique(responsable, lieu, coord):
    """Derived from the qualifications for active dispositifs (pass_numerique), never typed:
    neither the responsable nor the coordinator can set it through the place's edition."""
    assert "accepte_pass_numerique" not in champs_modifiables(coord)
    donnees = donnees_valides(lieu.departement, lieu) | {"accepte_pass_numerique": True}
    for par in (responsable, coord):
        with pytest.raises(ValueError, match="accepte_pass_numerique"):
            modifier_lieu(par=par, lieu=lieu, donnees=donnees)
    assert not Lieu.objects.get(pk=lieu.pk).accepte_pass_numerique


@pytest.mark.django_db
def test_personne_ne_modifie_le_lieu_d_un_autre(lieu, creuse, coord_87):
    voisin = nouveau_lieu(creuse, nom="Voisin")
    responsable_voisin = make_member(Role.RESPONSABLE, organisation=voisin)
    mediateur = make_member(Role.MEDIATEUR, organisation=lieu)
    donnees = donnees_valides(creuse, lieu, nom="Piraté")
    for par in (responsable_voisin, mediateur, coord_87):
        with pytest.raises(PermissionDenied):
            modifier_lieu(par=par, lieu=lieu, donnees=donnees)
    assert Lieu.objects.get(pk=lieu.pk).nom == "Tiers-lieu de Guéret"
    assert not Evenement.objects.filter(action=Action.LIEU_MODIFIE).exists()


# --- Close and reopen --------------------------------------------------------------------------


@pytest.mark.django_db
def test_fermer_puis_rouvrir(coord, lieu):
    fermer_lieu(par=coord, lieu=lieu, motif="Fin de l’activité", request=None)

    lieu.refresh_from_db()
    assert (lieu.est_actif, lieu.ferme_le) == (False, timezone.localdate())
    [entree] = entrees(Action.LIEU_FERME, lieu)
    assert entree.details["motif"] == "Fin de l’activité"

    with pytest.raises(ValidationError, match="déjà fermé"):
        fermer_lieu(par=coord, lieu=lieu, motif="Encore")

    rouvrir_lieu(par=coord, lieu=lieu, request=None)

    lieu.refresh_from_db()
    assert (lieu.est_actif, lieu.ferme_le) == (True, None)
    [entree] = entrees(Action.LIEU_ROUVERT, lieu)
    assert entree.details["ferme_le"] == timezone.localdate().isoformat()
    with pytest.raises(ValidationError, match="déjà ouvert"):
        rouvrir_lieu(par=coord, lieu=lieu)


@pytest.mark.django_db
def test_fermer_demande_un_motif(coord, lieu):
    with pytest.raises(ValidationError) as exc:
        fermer_lieu(par=coord, lieu=lieu, motif="  ")
    assert exc.value.message_dict == {"motif": ["Indiquez le motif de la fermeture."]}
    assert Lieu.objects.get(pk=lieu.pk).est_actif


@pytest.mark.django_db
def test_le_responsable_ne_ferme_pas_son_lieu(responsable, lieu, coord_87):
    for par in (responsable, coord_87):
        with pytest.raises(PermissionDenied):
            fermer_lieu(par=par, lieu=lieu, motif="Je pars")
    assert Lieu.objects.get(pk=lieu.pk).est_actif
    Lieu.objects.filter(pk=lieu.pk).update(est_actif=False, ferme_le=timezone.localdate())
    lieu.refresh_from_db()
    with pytest.raises(PermissionDenied):
        rouvrir_lieu(par=responsable, lieu=lieu)
    assert not Evenement.objects.filter(action__in=[Action.LIEU_FERME, Action.LIEU_ROUVERT]).exists()
