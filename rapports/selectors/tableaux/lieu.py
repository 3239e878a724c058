"""The place's dashboard (responsable, médiateur)."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum

from ateliers.models import Inscription, Seance
from comptes.models import Membership
from pass_numerique.models import Cheque
from pass_numerique.selectors.remboursement import montants_du_lieu
from structures.models import Lieu

from .periodes import ENCAISSES, JOURS_A_VENIR, ZERO, reperes


@dataclass
class TableauLieu:
    seances: list[Seance]  # next 7 days, with nb_inscrits
    cheques: dict  # mois, montant_mois, annee, montant_annee
    montants: list = field(default_factory=list)  # pass_numerique Montants per dispositif

    @property
    def totaux(self) -> dict[str, Decimal]:
        return {
            "en_attente": sum((m.en_attente for m in self.montants), ZERO),
            "valide": sum((m.valide for m in self.montants), ZERO),
            "paye": sum((m.paye for m in self.montants), ZERO),
        }


def tableau_lieu(par: Membership, *, maintenant: datetime.datetime | None = None) -> TableauLieu:
    r = reperes(maintenant)
    lieu_id = par.organisation_id
    seances = list(
        Seance.objects.filter(
            lieu_id=lieu_id,
            annulee_le__isnull=True,
            debut__gte=r.maintenant,
            debut__lt=r.maintenant + datetime.timedelta(days=JOURS_A_VENIR),
        )
        .select_related("atelier")
        .annotate(nb_inscrits=Count("inscriptions", filter=Q(inscriptions__statut=Inscription.Statut.INSCRIT)))
        .order_by("debut", "pk")
    )
    du_mois, de_l_annee = Q(encaisse_le__gte=r.mois), Q(encaisse_le__gte=r.annee)
    cheques = Cheque.objects.filter(lieu_encaissement_id=lieu_id, statut__in=ENCAISSES).aggregate(
        mois=Count("pk", filter=du_mois),
        montant_mois=Sum("valeur", filter=du_mois),
        annee=Count("pk", filter=de_l_annee),
        montant_annee=Sum("valeur", filter=de_l_annee),
    )
    for cle in ("montant_mois", "montant_annee"):
        cheques[cle] = cheques[cle] or ZERO
    # montants_du_lieu only filters on the place: an unsaved instance with its pk is enough.
    return TableauLieu(seances=seances, cheques=cheques, montants=montants_du_lieu(Lieu(pk=lieu_id)))
