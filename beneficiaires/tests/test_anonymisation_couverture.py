"""The coverage gate of the anonymisation: every field of every model of the app is classified,
erased (EFFACES) or kept (CONSERVES), never both; and a field whose name looks like personal data
is never kept. A new field breaks this test until someone decides what happens to it."""

import re

from django.apps import apps
from django.db import models
from django.test.utils import isolate_apps

from beneficiaires.services.anonymisation import CONSERVES, EFFACES

# Name parts that say "this is about the person": never kept by the anonymisation.
MOTS_PERSONNELS = re.compile(
    r"(^|_)(nom|noms|prenoms?|tel|tels|telephones?|portable|fixe|e?mails?|courriels?|adresses?|notes?|messages?"
    r"|motifs?|commentaires?|textes?|cle|cles|nir|secu|photo|iban|observations?|remarques?)(_|$)"
    r"|naissance|prenom|telephone|courriel|mail|adresse|commentaire"
)


def champs(modele) -> list[str]:
    """The model's own columns and many-to-many fields (not the reverse relations)."""
    meta = modele._meta
    return [f.name for f in [*meta.concrete_fields, *meta.many_to_many]]


def semble_personnel(nom: str) -> bool:
    return bool(MOTS_PERSONNELS.search(nom.lower()))


def problemes(modeles, effaces: dict, conserves: dict) -> list[str]:
    """Every way the classification fails, in French (empty when all is well)."""
    trouves = []
    for modele in modeles:
        nom_modele = modele.__name__
        efface, conserve = set(effaces.get(modele, {})), set(conserves.get(modele, {}))
        if modele not in effaces or modele not in conserves:
            trouves.append(f"{nom_modele} : modèle absent de EFFACES ou de CONSERVES")
        existants = set(champs(modele))
        for champ in sorted(existants - efface - conserve):
            trouves.append(f"{nom_modele}.{champ} : ni effacé ni conservé")
        for champ in sorted(efface & conserve):
            trouves.append(f"{nom_modele}.{champ} : à la fois effacé et conservé")
        for champ in sorted((efface | conserve) - existants):
            trouves.append(f"{nom_modele}.{champ} : classé mais n’existe pas")
        for champ in sorted(conserve):
            if semble_personnel(champ):
                trouves.append(f"{nom_modele}.{champ} : ressemble à une donnée personnelle mais est conservé")
        for champ, vide in effaces.get(modele, {}).items():
            if champ in existants and not (vide in ("", None, []) or vide == modele._meta.get_field(champ).default):
                trouves.append(f"{nom_modele}.{champ} : valeur d’effacement {vide!r} non vide")
    return trouves


def test_chaque_champ_de_l_application_est_classe():
    modeles = list(apps.get_app_config("beneficiaires").get_models())
    assert modeles, "aucun modèle trouvé"
    assert problemes(modeles, EFFACES, CONSERVES) == []


def test_les_champs_conserves_ont_une_raison():
    for modele, conserves in CONSERVES.items():
        for champ, raison in conserves.items():
            assert raison.strip(), f"{modele.__name__}.{champ} : raison de conservation manquante"


def test_l_identite_le_contact_les_notes_et_le_diagnostic_sont_effaces():
    from beneficiaires.models import Beneficiaire, Orientation

    for champ in ("nom", "prenom", "date_naissance", "telephone", "email", "notes", "besoins", "niveau_autonomie"):
        assert champ in EFFACES[Beneficiaire]
    for champ in ("cle_doublon", "texte_recherche"):  # derived from the identity
        assert champ in EFFACES[Beneficiaire]
    assert {"message", "motif_refus"} <= set(EFFACES[Orientation])


def test_reconnaitre_les_noms_personnels():
    for nom in (
        "nom",
        "nom_usage",
        "prenom",
        "date_naissance",
        "lieu_de_naissance",
        "telephone_fixe",
        "tel",
        "email",
        "courriel_pro",
        "adresse",
        "notes",
        "message",
        "motif_refus",
        "commentaire",
        "texte_recherche",
        "cle_doublon",
    ):
        assert semble_personnel(nom), nom
    for nom in ("pseudonyme", "commune", "departement", "sexe", "statut", "cree_le", "origine", "relance_le", "id"):
        assert not semble_personnel(nom), nom


@isolate_apps("beneficiaires")
def test_un_nouveau_champ_non_classe_est_detecte():
    """The gate itself: a fake model like Beneficiaire with two new fields."""

    class FicheEtendue(models.Model):
        nom = models.CharField(max_length=10)
        commune = models.CharField(max_length=10)
        telephone_portable = models.CharField(max_length=10)
        situation_familiale = models.CharField(max_length=10)

        class Meta:
            app_label = "beneficiaires"

        def __str__(self):
            return self.nom

    effaces = {FicheEtendue: {"nom": ""}}
    conserves = {FicheEtendue: {"id": "clé", "commune": "financeurs"}}
    assert problemes([FicheEtendue], effaces, conserves) == [
        "FicheEtendue.situation_familiale : ni effacé ni conservé",
        "FicheEtendue.telephone_portable : ni effacé ni conservé",
    ]

    # Kept by mistake: a field that looks personal.
    conserves[FicheEtendue] |= {"telephone_portable": "pratique", "situation_familiale": "statistiques"}
    assert problemes([FicheEtendue], effaces, conserves) == [
        "FicheEtendue.telephone_portable : ressemble à une donnée personnelle mais est conservé"
    ]

    # In both lists, or erased to a non-blank value, or classified but gone.
    effaces[FicheEtendue] |= {"commune": "", "ancien_champ": "", "telephone_portable": "06"}
    del conserves[FicheEtendue]["telephone_portable"]
    assert problemes([FicheEtendue], effaces, conserves) == [
        "FicheEtendue.commune : à la fois effacé et conservé",
        "FicheEtendue.ancien_champ : classé mais n’existe pas",
        "FicheEtendue.telephone_portable : valeur d’effacement '06' non vide",
    ]


@isolate_apps("beneficiaires")
def test_un_modele_non_classe_est_detecte():
    class NouveauModele(models.Model):
        remarque = models.TextField()

        class Meta:
            app_label = "beneficiaires"

        def __str__(self):
            return self.remarque

    assert problemes([NouveauModele], EFFACES, CONSERVES) == [
        "NouveauModele : modèle absent de EFFACES ou de CONSERVES",
        "NouveauModele.id : ni effacé ni conservé",
        "NouveauModele.remarque : ni effacé ni conservé",
    ]
