"""The navigation marks one current entry: the most specific one."""

import pytest
from django.test import RequestFactory

from comptes.models import Role
from comptes.tests.factories import make_member
from einclusion.navigation import nav_items

pytestmark = pytest.mark.django_db


def courants(path, membership):
    request = RequestFactory().get(path)
    request.membership = membership
    return [item.label for item in nav_items(request) if item.active]


def test_the_longest_matching_entry_is_current():
    agent = make_member(Role.AGENT)
    assert courants("/beneficiaires/orientations/envoyees/", agent) == ["Orientations"]
    assert courants("/beneficiaires/12/", agent) == ["Bénéficiaires"]
    assert courants("/", agent) == ["Accueil"]
    assert courants("/compte/", agent) == []
