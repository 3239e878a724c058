"""The journal is append-only: the model, its queryset, the admin and (on PostgreSQL) the database
refuse any change or deletion. record() stores who, for which organisation, and from where."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse

from comptes.models import Role, User
from comptes.tests.factories import DepartementFactory, make_member
from journal.models import Action, Evenement, JournalImmuableError
from journal.services import client_ip, record


@pytest.fixture
def entree():
    return record(action=Action.MEMBRE_AJOUTE, departement=DepartementFactory(code="23"), target_repr="cible")


def _unchanged(entree) -> None:
    fresh = Evenement.objects.get(pk=entree.pk)
    assert (fresh.action, fresh.target_repr, fresh.details) == (Action.MEMBRE_AJOUTE, "cible", {})


@pytest.mark.django_db
def test_modifier_une_entree_par_save_est_refuse(entree):
    entree.target_repr = "falsifiée"
    with pytest.raises(JournalImmuableError):
        entree.save()
    with pytest.raises(JournalImmuableError):
        entree.save(update_fields=["target_repr"])
    loaded = Evenement.objects.get(pk=entree.pk)
    loaded.details = {"x": 1}
    with pytest.raises(JournalImmuableError):
        loaded.save()
    _unchanged(entree)


@pytest.mark.django_db
def test_supprimer_une_entree_est_refuse(entree):
    with pytest.raises(JournalImmuableError):
        entree.delete()
    _unchanged(entree)


@pytest.mark.django_db
def test_update_et_delete_du_queryset_sont_refuses(entree):
    with pytest.raises(JournalImmuableError):
        Evenement.objects.filter(pk=entree.pk).update(target_repr="falsifiée")
    with pytest.raises(JournalImmuableError):
        Evenement.objects.all().update(target_repr="falsifiée")
    with pytest.raises(JournalImmuableError):
        Evenement.objects.filter(pk=entree.pk).delete()
    with pytest.raises(JournalImmuableError):
        Evenement.objects.all().delete()
    with pytest.raises(JournalImmuableError):
        Evenement.objects.update_or_create(pk=entree.pk, defaults={"target_repr": "falsifiée"})
    _unchanged(entree)


@pytest.mark.django_db
def test_bulk_update_est_refuse(entree):
    entree.target_repr = "falsifiée"
    with pytest.raises(JournalImmuableError):
        Evenement.objects.bulk_update([entree], ["target_repr"])
    _unchanged(entree)


@pytest.mark.django_db
def test_le_manager_de_base_refuse_aussi(entree):
    with pytest.raises(JournalImmuableError):
        Evenement._base_manager.filter(pk=entree.pk).update(target_repr="falsifiée")
    _unchanged(entree)


@pytest.mark.django_db
def test_l_ajout_reste_possible():
    before = Evenement.objects.count()
    record(action=Action.MEMBRE_DESACTIVE)
    Evenement.objects.create(action=Action.MEMBRE_REACTIVE)
    assert Evenement.objects.count() == before + 2


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresql_refuse_update_et_delete_en_sql_brut(entree):
    table = Evenement._meta.db_table
    with pytest.raises(DatabaseError, match="ajout seul"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET target_repr = 'falsifiée' WHERE id = %s", [entree.pk])  # noqa: S608
    with pytest.raises(DatabaseError, match="ajout seul"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [entree.pk])  # noqa: S608
    _unchanged(entree)


# --- Admin -----------------------------------------------------------------------------------


@pytest.fixture
def superuser():
    return User.objects.create_superuser(email="admin@exemple.test", password="mot-de-passe-admin-2026")


@pytest.mark.django_db
def test_admin_en_lecture_seule_meme_pour_un_superutilisateur(superuser, entree):
    request = RequestFactory().get("/admin/journal/evenement/")
    request.user = superuser
    model_admin = admin.site._registry[Evenement]

    assert model_admin.has_view_permission(request) is True
    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_change_permission(request) is False
    assert model_admin.has_change_permission(request, obj=entree) is False
    assert model_admin.has_delete_permission(request) is False
    assert model_admin.has_delete_permission(request, obj=entree) is False
    assert "delete_selected" not in model_admin.get_actions(request)


@pytest.mark.django_db
def test_admin_refuse_ajout_modification_et_suppression(client, superuser, entree):
    client.force_login(superuser)

    assert client.get(reverse("admin:journal_evenement_add")).status_code == 403
    assert client.post(reverse("admin:journal_evenement_add"), {"action": Action.MEMBRE_AJOUTE}).status_code == 403
    change = reverse("admin:journal_evenement_change", args=[entree.pk])
    assert client.post(change, {"action": Action.MEMBRE_DESACTIVE, "target_repr": "falsifiée"}).status_code == 403
    delete = reverse("admin:journal_evenement_delete", args=[entree.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    _unchanged(entree)
    assert Evenement.objects.count() == 1


# --- record() --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_record_enregistre_auteur_organisation_departement_cible_et_ip():
    membre = make_member(Role.REFERENT)
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.7")

    entree = record(
        action=Action.MEMBRE_DESACTIVE,
        actor=membre.user,
        organisation=membre.organisation,
        target=membre,
        details={"role": "agent"},
        request=request,
    )

    entree = Evenement.objects.get(pk=entree.pk)
    assert entree.ip == "203.0.113.7"
    assert entree.actor == membre.user
    assert entree.organisation_id == membre.organisation_id
    assert entree.departement_id == membre.organisation.departement_id  # taken from the organisation
    assert (entree.target_type, entree.target_id) == ("comptes.membership", str(membre.pk))
    assert entree.target_repr == str(membre)
    assert entree.details == {"role": "agent"}
    assert entree.created_at is not None


@pytest.mark.django_db
def test_record_sans_requete_ni_auteur():
    entree = record(action=Action.MEMBRE_AJOUTE, actor=AnonymousUser())
    assert (entree.ip, entree.actor, entree.organisation, entree.departement) == (None, None, None, None)


def test_ip_x_forwarded_for_ignore_sans_proxy_de_confiance(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.66")
    assert client_ip(request) == "10.0.0.1"


def test_ip_derriere_un_proxy_de_confiance(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.66, 203.0.113.9")
    assert client_ip(request) == "203.0.113.9"
