"""Deleting the files of the reports past their expiry date (RAPPORTS_CONSERVATION_JOURS). The
report stays in the history, « expiré »; it can be produced again with « Relancer »."""

import logging

from django.db import transaction
from django.utils import timezone

from ..models import FichierRapport, Rapport

logger = logging.getLogger(__name__)


def supprimer_fichiers_expires(*, maintenant=None) -> int:
    maintenant = maintenant or timezone.now()
    expires = Rapport.objects.filter(statut=Rapport.Statut.TERMINE, expire_le__lte=maintenant)
    nombre = 0
    for rapport in expires.order_by("pk"):
        with transaction.atomic():
            rapport = Rapport.objects.select_for_update().filter(pk=rapport.pk, statut=Rapport.Statut.TERMINE).first()
            if rapport is None:
                continue
            fichiers = list(FichierRapport.objects.filter(rapport=rapport))
            FichierRapport.objects.filter(rapport=rapport).delete()
            Rapport.objects.filter(pk=rapport.pk).update(statut=Rapport.Statut.EXPIRE)
            # Files go once the rows are gone for good (a rollback keeps both).
            transaction.on_commit(lambda fichiers=fichiers: _effacer(fichiers))
        nombre += 1
    return nombre


def _effacer(fichiers) -> None:
    for fichier in fichiers:
        try:
            fichier.fichier.storage.delete(fichier.fichier.name)
        except OSError:
            logger.exception("Fichier de rapport %s impossible à effacer.", fichier.fichier.name)
