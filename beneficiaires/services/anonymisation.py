"""Forgetting people on time (GDPR): the retention rule and the right to erasure.

Anonymising a record erases identity, contact, notes and diagnostic, and keeps — under the
record's random pseudonym — what the funders' audit needs: FSE+ indicators (including the age at
entry and the zone rurale), eligibility publics and commune. Orientations lose their free texts.
Apps above this one erase their own data through `signals.anonymisation`.

Every field of this app's models is listed below, either erased (with its blank value) or kept
with a reason; `tests/test_anonymisation_couverture.py` fails when a field is in neither list, or when a
field that looks like personal data is kept.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from comptes.models import Membership, Role
from territoires.models import Departement

from .. import evenements, signals
from ..models import Accueil, Beneficiaire, Orientation, Suivi

EFFACES = {
    Beneficiaire: {
        "nom": "",
        "prenom": "",
        "date_naissance": None,
        "telephone": "",
        "email": "",
        "notes": "",
        "cle_doublon": "",
        "texte_recherche": "",
        "besoins": [],
        "niveau_autonomie": None,
    },
    Orientation: {"message": "", "motif_refus": "", "besoins": []},
    Suivi: {},
    Accueil: {},
}

CONSERVES = {
    Beneficiaire: {
        "id": "technical key",
        "departement": "scope of the record",
        "pseudonyme": "random, unrelated to the identity: the pseudonym itself",
        "commune": "kept for the funders (per commune, EPCI, zone rurale)",
        "publics": "eligibility, kept for the funders",
        "sexe": "FSE+ indicator",
        "situation_emploi": "FSE+ indicator",
        "niveau_etudes": "FSE+ indicator",
        "handicap": "FSE+ indicator (yes/no/declined, never a diagnosis)",
        "pays_tiers": "FSE+ indicator",
        "origine_etrangere": "FSE+ indicator",
        "minorite": "FSE+ indicator",
        "sans_abri": "FSE+ indicator",
        "age_a_l_entree": "FSE+ indicator (age band at entry)",
        "zone_rurale": "FSE+ indicator",
        "information_rgpd_le": "proof that the person was informed",
        "cree_le": "date of entry",
        "cree_par": "a professional, not the person",
        "modifie_le": "technical date",
        "derniere_activite_le": "the retention clock",
        "anonymise_le": "marks the anonymisation",
        "fusionne_dans": "link between two pseudonymised records",
        "fusionne_le": "technical date",
    },
    Orientation: {
        "id": "technical key",
        "beneficiaire": "the pseudonymised record",
        "lieu": "a place, not the person",
        "organisme": "an organisation, not the person",
        "cree_par": "a professional",
        "cree_le": "activity date",
        "statut": "activity statistics",
        "repondu_le": "activity date",
        "repondu_par": "a professional",
        "relance_le": "activity date",
    },
    Suivi: {
        "id": "technical key",
        "beneficiaire": "the pseudonymised record",
        "organisme": "an organisation, not the person",
        "origine": "technical",
        "cree_le": "activity date",
        "cree_par": "a professional",
    },
    Accueil: {
        "id": "technical key",
        "beneficiaire": "the pseudonymised record",
        "lieu": "a place, not the person",
        "origine": "technical",
        "cree_le": "activity date",
        "cree_par": "a professional",
    },
}

MOTIF_CONSERVATION = "conservation"
MOTIF_EFFACEMENT = "effacement"


def limite_de_conservation(*, maintenant=None) -> datetime.datetime:
    """Records whose last activity is before this date are anonymised."""
    return (maintenant or timezone.now()) - relativedelta(months=settings.BENEFICIAIRES_RETENTION_MOIS)


def _effacer(beneficiaire: Beneficiaire, *, maintenant) -> None:
    for champ, vide in EFFACES[Beneficiaire].items():
        setattr(beneficiaire, champ, vide)
    beneficiaire.anonymise_le = maintenant
    beneficiaire.save()
    for orientation in Orientation.objects.filter(beneficiaire=beneficiaire):
        for champ, vide in EFFACES[Orientation].items():
            setattr(orientation, champ, vide)
        orientation.save(update_fields=list(EFFACES[Orientation]))
    signals.anonymisation.send(sender=Beneficiaire, beneficiaire=beneficiaire)


@transaction.atomic
def anonymiser(*, par: Membership | None, beneficiaire: Beneficiaire, motif: str, request=None) -> Beneficiaire:
    """Anonymise one record now, and the records merged into it. `par` None is the retention
    task; otherwise a coordinator of the département (the person's right to erasure)."""
    if par is not None and not (
        par.is_active
        and par.role == Role.COORDINATEUR
        and par.organisation.departement_id == beneficiaire.departement_id
    ):
        raise PermissionDenied("Seule la coordination du département peut anonymiser une fiche.")
    beneficiaire = Beneficiaire.objects.select_for_update().get(pk=beneficiaire.pk)
    if beneficiaire.est_anonymise:
        raise ValidationError("Cette fiche est déjà anonymisée.")
    maintenant = timezone.now()
    _effacer(beneficiaire, maintenant=maintenant)
    evenements.beneficiaire_anonymise(par=par, beneficiaire=beneficiaire, motif=motif, request=request)
    # The records merged into this one describe the same person: erased with it.
    for fusionnee in Beneficiaire.objects.select_for_update().filter(fusionne_dans=beneficiaire, anonymise_le=None):
        _effacer(fusionnee, maintenant=maintenant)
        evenements.beneficiaire_anonymise(par=par, beneficiaire=fusionnee, motif=motif, request=request)
    return beneficiaire


def a_anonymiser(*, maintenant=None):
    """Records past the retention period (merged ones included: they hold an identity too)."""
    return Beneficiaire.objects.filter(
        anonymise_le__isnull=True, derniere_activite_le__lt=limite_de_conservation(maintenant=maintenant)
    )


def appliquer_retention(*, wet_run: bool, maintenant=None) -> dict[str, int]:
    """Anonymise every record past the retention period. Returns {département code: count}.
    Without `wet_run`, counts only. One transaction per record: a failure stops the run but
    keeps what was done, and the next run goes on."""
    maintenant = maintenant or timezone.now()
    limite = limite_de_conservation(maintenant=maintenant)
    candidats = a_anonymiser(maintenant=maintenant)
    comptes: dict[str, int] = {}
    if not wet_run:
        par_departement = candidats.order_by().values_list("departement__code").annotate(nombre=Count("pk"))
        return dict(sorted(par_departement))
    for pk, code in candidats.values_list("pk", "departement__code").order_by("pk"):
        with transaction.atomic():
            beneficiaire = (
                Beneficiaire.objects.select_for_update()
                .filter(pk=pk, anonymise_le__isnull=True, derniere_activite_le__lt=limite)
                .first()
            )
            if beneficiaire is None:  # activity since the selection: kept
                continue
            _effacer(beneficiaire, maintenant=maintenant)
            evenements.beneficiaire_anonymise(par=None, beneficiaire=beneficiaire, motif=MOTIF_CONSERVATION)
            comptes[code] = comptes.get(code, 0) + 1
    for code, nombre in comptes.items():
        evenements.anonymisation_executee(departement=Departement.objects.get(code=code), nombre=nombre, limite=limite)
    return comptes
