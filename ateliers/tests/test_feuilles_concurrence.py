"""Two first uploads of the same session at the same moment (PostgreSQL, real transactions): the
session row is locked, so one sheet becomes the current one and the other upload is told that a
sheet is already there (a replacement needs a reason); no orphan file is left."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from ..models import FeuilleEmargement
from ..services.feuilles import deposer_feuille
from .test_feuilles_depot import fichier_pdf, fichiers_stockes, monde, televerse

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_deux_depots_simultanes(settings):
    m = monde()
    barriere = threading.Barrier(2)
    resultats: list = []

    def deposer(texte: str, par) -> None:
        try:
            barriere.wait(timeout=10)
            feuille = deposer_feuille(par=par, seance=m.seance, fichier=televerse(f"{texte}.pdf", fichier_pdf(texte)))
            resultats.append(feuille)
        except ValidationError as exc:
            resultats.append(exc)
        finally:
            connection.close()

    fils = [
        threading.Thread(target=deposer, args=("a", m.mediateur)),
        threading.Thread(target=deposer, args=("b", m.responsable)),
    ]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join(timeout=30)

    feuilles = [r for r in resultats if isinstance(r, FeuilleEmargement)]
    refus = [r for r in resultats if isinstance(r, ValidationError)]
    assert len(feuilles) == 1 and len(refus) == 1
    assert "Une feuille signée est déjà déposée" in refus[0].message_dict["motif"][0]
    assert FeuilleEmargement.objects.get().pk == feuilles[0].pk
    assert len(fichiers_stockes(settings)) == 1
