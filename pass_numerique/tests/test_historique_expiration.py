"""A cheque's page shows its expiry too (journalled once per dispositif and run)."""

import datetime

import pytest
from django.utils import timezone

from journal.models import Action

from ..selectors.historique import historique_du_cheque
from ..services.expiration import expirer
from .factories import DispositifFactory, cheques_remis

pytestmark = pytest.mark.django_db


def test_the_expiry_run_is_in_the_cheque_history():
    jour = timezone.localdate()
    dispositif = DispositifFactory(
        debut=jour - datetime.timedelta(days=400),
        fin=jour - datetime.timedelta(days=40),
        validite_fin=jour - datetime.timedelta(days=40),
        tolerance_jours=10,
    )
    cheque = cheques_remis(dispositif)[0]
    expirer(jour=jour)
    cheque.refresh_from_db()
    assert cheque.statut == "expire"
    actions = [e.action for e in historique_du_cheque(cheque)]
    assert Action.CHEQUES_EXPIRES in actions
    # A cheque that had not expired does not show it.
    frais = cheques_remis(DispositifFactory())[0]
    assert Action.CHEQUES_EXPIRES not in [e.action for e in historique_du_cheque(frais)]
