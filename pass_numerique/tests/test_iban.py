"""IBAN (ISO 13616) checks and the place's bank details service: French messages, nothing saved
on bad input, the masked IBAN only in the journal, who may change them."""

import random
import string

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given
from hypothesis import strategies as st

from comptes.models import Role
from comptes.tests.factories import DepartementFactory, EquipeDepartementaleFactory, LieuFactory, make_member
from journal.models import Action, Evenement

from ..iban import CoordonneeInvalide, cle_correcte, formater, masquer, normaliser, valider_bic, valider_iban
from ..models import CoordonneesBancaires
from ..services.iban import modifier_coordonnees, voit_iban_complet

IBAN = "FR7630006000011234567890189"
IBAN_2 = "FR1420041010050500013M02606"


def test_ibans_valides_et_normalisation():
    assert valider_iban("fr76 3000 6000 0112 3456 7890 189") == IBAN
    assert valider_iban("IBAN FR14-2004-1010-0505-0001-3M02-606") == IBAN_2
    assert valider_iban("DE89 3704 0044 0532 0130 00") == "DE89370400440532013000"
    assert formater(IBAN) == "FR76 3000 6000 0112 3456 7890 189"
    assert masquer(IBAN) == "FR76 •••• •••• •••• •••• •••• 189"
    assert normaliser("  be68 5390.0754 7034 ") == "BE68539007547034"


@pytest.mark.parametrize(
    ("saisie", "message"),
    [
        ("", "Saisissez l’IBAN"),
        ("FR76 3000 6000 0112 3456 7890 18!", "retirez le caractère « ! »"),
        ("7630006000011234567890189", "commence par le code du pays"),
        ("ZZ7630006000011234567890189", "« ZZ » n’est pas le code d’un pays"),
        ("FR76300060000112345678901", "Un IBAN français compte 27 caractères ; vous en avez saisi 25"),
        ("FR7630006000011234567890188", "sa clé de contrôle ne correspond pas"),
        ("FR7630006000011234567809189", "sa clé de contrôle ne correspond pas"),  # two digits swapped
    ],
)
def test_ibans_invalides_message_francais(saisie, message):
    with pytest.raises(CoordonneeInvalide) as exc:
        valider_iban(saisie)
    assert message in exc.value.message


@given(st.integers(min_value=2, max_value=26), st.sampled_from(string.digits))
def test_toute_faute_de_frappe_sur_un_chiffre_est_detectee(position, remplacement):
    """ISO 7064 mod 97-10 catches any single wrong digit (a letter typed for a digit expands to two
    digits: almost always caught, not always — see the example below)."""
    if IBAN[position] == remplacement:
        return
    faux = IBAN[:position] + remplacement + IBAN[position + 1 :]
    assert not cle_correcte(faux)


def test_lettre_pour_chiffre_presque_toujours_detectee():
    assert cle_correcte("FR7630006000011B34567890189")  # the rare miss: « 2 » typed as « B »


def test_toute_inversion_de_deux_chiffres_voisins_est_detectee():
    for i in range(2, len(IBAN) - 1):
        if IBAN[i] != IBAN[i + 1]:
            inverse = IBAN[:i] + IBAN[i + 1] + IBAN[i] + IBAN[i + 2 :]
            assert not cle_correcte(inverse), i


def test_bic():
    assert valider_bic("bnpa fr pp xxx") == "BNPAFRPPXXX"
    assert valider_bic("") == ""
    assert valider_bic("CEPAFRPP") == "CEPAFRPP"
    with pytest.raises(CoordonneeInvalide, match="8 ou 11"):
        valider_bic("BNPAFR")


# --- The service ------------------------------------------------------------------------------


@pytest.fixture
def lieu(db):
    # In the Creuse: the other département of these tests is the Haute-Vienne (87).
    return LieuFactory(nom="Tiers-lieu La Quincaillerie", departement=DepartementFactory(code="23"))


@pytest.mark.django_db
def test_le_responsable_enregistre_puis_modifie_journal_masque(lieu):
    responsable = make_member(Role.RESPONSABLE, organisation=lieu)
    coordonnees = modifier_coordonnees(
        par=responsable, lieu=lieu, titulaire="  Association  La Quincaillerie ", iban=formater(IBAN), bic="cmcifrpp"
    )
    assert (coordonnees.titulaire, coordonnees.iban, coordonnees.bic) == (
        "Association La Quincaillerie",
        IBAN,
        "CMCIFRPP",
    )
    assert coordonnees.modifie_par == responsable.user
    premiere = Evenement.objects.get(action=Action.IBAN_MODIFIE)
    assert premiere.target_id == str(lieu.pk) and premiere.target_type == "structures.lieu"
    assert premiere.details == {"champs": ["titulaire", "iban", "bic"], "iban": masquer(IBAN), "ancien_iban": ""}

    coordinateur = make_member(
        Role.COORDINATEUR, organisation=EquipeDepartementaleFactory(departement=lieu.departement)
    )
    modifier_coordonnees(par=coordinateur, lieu=lieu, titulaire="Association La Quincaillerie", iban=IBAN_2, bic="")
    derniere = Evenement.objects.filter(action=Action.IBAN_MODIFIE).order_by("-id").first()
    assert derniere.details == {"champs": ["iban", "bic"], "iban": masquer(IBAN_2), "ancien_iban": masquer(IBAN)}
    # The journal never holds a full IBAN.
    for entree in Evenement.objects.all():
        texte = str(entree.details) + entree.target_repr
        assert IBAN not in texte and IBAN_2 not in texte and IBAN[4:-3] not in texte
    # Nothing changed: nothing journalled.
    modifier_coordonnees(par=coordinateur, lieu=lieu, titulaire="Association La Quincaillerie", iban=IBAN_2, bic="")
    assert Evenement.objects.filter(action=Action.IBAN_MODIFIE).count() == 2


@pytest.mark.django_db
def test_mauvaise_cle_rien_n_est_enregistre(lieu):
    responsable = make_member(Role.RESPONSABLE, organisation=lieu)
    with pytest.raises(ValidationError) as exc:
        modifier_coordonnees(par=responsable, lieu=lieu, titulaire="", iban="FR7630006000011234567890188", bic="XX")
    erreurs = exc.value.message_dict
    assert "clé de contrôle" in erreurs["iban"][0]
    assert erreurs["titulaire"] == ["Indiquez le titulaire du compte, tel qu’il figure sur le RIB."]
    assert "8 ou 11" in erreurs["bic"][0]
    assert not CoordonneesBancaires.objects.exists()
    assert not Evenement.objects.filter(action=Action.IBAN_MODIFIE).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.MEDIATEUR, Role.LECTEUR, Role.AGENT, Role.REFERENT])
def test_qui_ne_peut_pas_modifier(lieu, role):
    par = make_member(role, organisation=lieu) if role == Role.MEDIATEUR else make_member(role)
    assert not voit_iban_complet(par, lieu)
    with pytest.raises(PermissionDenied):
        modifier_coordonnees(par=par, lieu=lieu, titulaire="X", iban=IBAN)
    assert not CoordonneesBancaires.objects.exists()


@pytest.mark.django_db
def test_le_responsable_d_un_autre_lieu_et_le_coordinateur_d_un_autre_departement(lieu):
    autre_lieu = make_member(Role.RESPONSABLE, organisation=LieuFactory(departement=lieu.departement))
    ailleurs = make_member(
        Role.COORDINATEUR, organisation=EquipeDepartementaleFactory(departement=DepartementFactory(code="87"))
    )
    for par in (autre_lieu, ailleurs):
        assert not voit_iban_complet(par, lieu)
        with pytest.raises(PermissionDenied):
            modifier_coordonnees(par=par, lieu=lieu, titulaire="X", iban=IBAN)


def test_ibans_aleatoires_valides():
    """IBANs built with a computed key always pass (the key is the complement of mod 97)."""
    generateur = random.Random(13616)
    for _ in range(200):
        bban = "".join(generateur.choice(string.digits) for _ in range(23))
        numero = int("".join(str(int(c, 36)) for c in bban + "FR00"))
        iban = f"FR{98 - numero % 97:02d}{bban}"
        assert valider_iban(iban) == iban
