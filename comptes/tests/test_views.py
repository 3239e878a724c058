"""Pages of comptes and the home pages: switching organisation, scoping, lists and their cost."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects, assertTemplateUsed

from comptes.middleware import SESSION_KEY
from comptes.models import Membership, Organisation, Role
from comptes.tests.factories import (
    DepartementFactory,
    InvitationFactory,
    LieuFactory,
    OrganismePrescripteurFactory,
    UserFactory,
    make_member,
)
from journal.models import Action
from journal.services import record


def membre_du_departement(role: Role, departement) -> Membership:
    """A coordinateur or lecteur of `departement`'s team, whatever other organisations exist there."""
    equipe, _ = Organisation.objects.get_or_create(
        departement=departement, type=Organisation.Type.DEPARTEMENT, defaults={"nom": "Équipe départementale"}
    )
    return make_member(role, organisation=equipe)


def selected_option(response) -> str | None:
    match = re.search(r'<option value="(\d+)"\s+selected>', response.content.decode())
    return match.group(1) if match else None


# --- Organisation switcher -------------------------------------------------------------------


@pytest.fixture
def double():
    """One person, coordinator of the Creuse team and référente of a CCAS."""
    coord = make_member(Role.COORDINATEUR, email="double@exemple.test")
    ref = make_member(Role.REFERENT, user=coord.user)
    return coord, ref


@pytest.mark.django_db
def test_l_en_tete_propose_de_changer_d_organisation(login, double):
    coord, ref = double
    client = login(coord)

    response = client.get(reverse("accueil"))

    assertContains(response, 'id="ei-switcher-select"')
    assertContains(response, f"{coord.organisation.nom} — Coordinateur·rice")
    assertContains(response, f"{ref.organisation.nom} — Référent·e")
    assert selected_option(response) == str(coord.pk)
    assertTemplateUsed(response, "accueil/coordinateur.html")


@pytest.mark.django_db
def test_une_seule_organisation_pas_de_selecteur(login):
    agent = make_member(Role.AGENT)
    response = login(agent).get(reverse("accueil"))

    assertNotContains(response, 'id="ei-switcher-select"')
    assertContains(response, f"{agent.organisation.nom} — Agent prescripteur")


@pytest.mark.django_db
def test_changer_d_organisation(login, double):
    coord, ref = double
    client = login(coord)

    response = client.post(
        reverse("comptes:choisir_organisation"),
        {"membership": ref.pk, "next": reverse("comptes:mon_compte")},
        follow=True,
    )

    assertRedirects(response, reverse("comptes:mon_compte"))
    assert response.wsgi_request.membership == ref
    assert client.session[SESSION_KEY] == ref.pk
    assertContains(response, f"Vous agissez maintenant pour {ref.organisation.nom} (Référent·e).")
    assert selected_option(response) == str(ref.pk)
    home = client.get(reverse("accueil"))
    assertTemplateUsed(home, "accueil/prescripteur.html")
    assert home.wsgi_request.membership == ref
    # the coordinator's pages are closed while acting for the CCAS
    assert client.get(reverse("comptes:organisations")).status_code == 403


@pytest.mark.django_db
def test_choisir_une_adhesion_qui_n_est_pas_la_sienne(login, double):
    coord, _ = double
    autre = make_member(Role.REFERENT)
    client = login(coord)

    response = client.post(reverse("comptes:choisir_organisation"), {"membership": autre.pk, "next": "/"}, follow=True)

    assertContains(response, "Cette organisation ne fait pas partie de vos organisations actives.")
    assert response.wsgi_request.membership == coord
    assert client.session[SESSION_KEY] == coord.pk


@pytest.mark.django_db
def test_choisir_une_adhesion_desactivee(login, double):
    coord, ref = double
    Membership.objects.filter(pk=ref.pk).update(is_active=False, deactivated_at=timezone.now())
    client = login(coord)

    response = client.post(reverse("comptes:choisir_organisation"), {"membership": ref.pk}, follow=True)

    assertContains(response, "Cette organisation ne fait pas partie de vos organisations actives.")
    assert response.wsgi_request.membership == coord


@pytest.mark.django_db
def test_choisir_organisation_ne_redirige_pas_vers_un_autre_site(login, double):
    coord, ref = double
    client = login(coord)

    response = client.post(
        reverse("comptes:choisir_organisation"), {"membership": ref.pk, "next": "https://ailleurs.example/"}
    )

    assertRedirects(response, reverse("accueil"), fetch_redirect_response=False)
    assert client.get(reverse("comptes:choisir_organisation")).status_code == 405


# --- Scoping ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_membres_d_une_organisation_etrangere_404(login):
    creuse = DepartementFactory(code="23")
    coord_87 = membre_du_departement(Role.COORDINATEUR, DepartementFactory(code="87"))
    ref = make_member(Role.REFERENT, departement=creuse)
    autre_org = OrganismePrescripteurFactory(departement=creuse)
    invitation = InvitationFactory(organisation=autre_org)

    client_87 = login(coord_87, Client())
    for name, pk in (("membres", autre_org.pk), ("inviter", autre_org.pk), ("membres", ref.organisation_id)):
        assert client_87.get(reverse(f"comptes:{name}", args=[pk])).status_code == 404
    assert client_87.get(reverse("comptes:annuler_invitation", args=[invitation.pk])).status_code == 404

    client_ref = login(ref, Client())
    assert client_ref.get(reverse("comptes:membres", args=[autre_org.pk])).status_code == 404
    assert client_ref.get(reverse("comptes:inviter", args=[autre_org.pk])).status_code == 404
    assert client_ref.get(reverse("comptes:membres", args=[ref.organisation_id])).status_code == 200
    assert client_ref.get(reverse("comptes:membres", args=[999_999])).status_code == 404


@pytest.mark.django_db
def test_page_des_membres(login):
    ref = make_member(Role.REFERENT, first_name="Rose", last_name="Dupont")
    actif = make_member(Role.AGENT, organisation=ref.organisation, email="actif@exemple.test")
    parti = make_member(Role.AGENT, organisation=ref.organisation, email="parti@exemple.test")
    Membership.objects.filter(pk=parti.pk).update(is_active=False, deactivated_at=timezone.now())
    InvitationFactory(organisation=ref.organisation, email="invitee@exemple.test", created_by=ref.user)
    InvitationFactory(organisation=ref.organisation, email="acceptee@exemple.test", accepted_at=timezone.now())
    client = login(ref)

    response = client.get(reverse("comptes:membres", args=[ref.organisation_id]))

    assertTemplateUsed(response, "comptes/membres.html")
    assertContains(response, "<h1", count=1)
    html = response.content.decode()
    actifs, reste = html.split("Invitations en cours", 1)
    invitations, desactives = reste.split("Accès désactivés", 1)
    assert "actif@exemple.test" in actifs and "parti@exemple.test" not in actifs
    assert "invitee@exemple.test" in invitations and "Rose Dupont" in invitations
    assert "acceptee@exemple.test" not in html
    assert "parti@exemple.test" in desactives
    assert reverse("comptes:desactiver_membre", args=[actif.pk]) in actifs
    assert reverse("comptes:desactiver_membre", args=[ref.pk]) not in html  # not yourself
    assert reverse("comptes:reactiver_membre", args=[parti.pk]) in desactives
    assertContains(response, reverse("comptes:inviter", args=[ref.organisation_id]))


# --- Organisations directory -----------------------------------------------------------------


@pytest.fixture
def coord():
    return membre_du_departement(Role.COORDINATEUR, DepartementFactory(code="23"))


def page_names(response) -> list[str]:
    return [o.nom for o in response.context["page"].object_list]


@pytest.mark.django_db
def test_annuaire_recherche_et_filtre(login, coord):
    dep = coord.organisation.departement
    ccas = OrganismePrescripteurFactory(departement=dep, nom="CCAS de Guéret")
    mediatheque = LieuFactory(departement=dep, nom="Médiathèque de Guéret")
    OrganismePrescripteurFactory(departement=dep, nom="MSA Limousin")
    OrganismePrescripteurFactory(departement=DepartementFactory(code="87"), nom="CCAS de Limoges")
    make_member(Role.AGENT, organisation=ccas)
    make_member(Role.REFERENT, organisation=ccas)
    parti = make_member(Role.AGENT, organisation=ccas)
    Membership.objects.filter(pk=parti.pk).update(is_active=False, deactivated_at=timezone.now())
    client = login(coord)
    url = reverse("comptes:organisations")

    everything = client.get(url)
    assertTemplateUsed(everything, "comptes/organisations.html")
    assert sorted(page_names(everything)) == sorted(
        [coord.organisation.nom, "CCAS de Guéret", "Médiathèque de Guéret", "MSA Limousin"]
    )
    assertNotContains(everything, "Limoges")
    assert {o.nom: o.nb_membres for o in everything.context["page"].object_list}["CCAS de Guéret"] == 2
    assertContains(everything, reverse("comptes:membres", args=[ccas.pk]))
    assertContains(everything, "<h1", count=1)

    search = client.get(url, {"q": "guéret"})
    assert sorted(page_names(search)) == ["CCAS de Guéret", "Médiathèque de Guéret"]
    assertContains(search, 'value="guéret"')

    lieux = client.get(url, {"type": "lieu"})
    assert page_names(lieux) == [mediatheque.nom]
    assertContains(lieux, '<option value="lieu" selected>')

    both = client.get(url, {"q": "ccas", "type": "prescripteur"})
    assert page_names(both) == ["CCAS de Guéret"]

    nothing = client.get(url, {"q": "introuvable"})
    assert page_names(nothing) == []
    assertContains(nothing, "Aucune organisation ne correspond à votre recherche.")

    ignored = client.get(url, {"type": "inconnu"})
    assert len(page_names(ignored)) == 4


@pytest.mark.django_db
def test_annuaire_pagination(login, coord):
    dep = coord.organisation.departement
    for i in range(30):
        OrganismePrescripteurFactory(departement=dep, nom=f"Mairie n°{i:02d}")
    client = login(coord)
    url = reverse("comptes:organisations")

    first = client.get(url, {"q": "mairie"})
    assert len(page_names(first)) == 25
    assertContains(first, '<nav aria-label="Pagination des organisations">')
    assertContains(first, "Page 1 sur 2")
    assertContains(first, 'href="?q=mairie&amp;page=2"')

    second = client.get(url, {"q": "mairie", "page": 2})
    assert page_names(second) == [f"Mairie n°{i:02d}" for i in range(25, 30)]
    assertContains(second, 'href="?q=mairie&amp;page=1"')

    single = client.get(url, {"q": "n°01"})
    assertNotContains(single, "Pagination des organisations")


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.LECTEUR, Role.REFERENT, Role.AGENT, Role.RESPONSABLE, Role.MEDIATEUR])
def test_annuaire_reserve_aux_coordinateurs(login, role):
    if role == Role.LECTEUR:
        membership = membre_du_departement(role, DepartementFactory(code="23"))
    else:
        membership = make_member(role)
    assert login(membership).get(reverse("comptes:organisations")).status_code == 403


# --- Journal ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_le_journal_ne_montre_que_le_departement_du_coordinateur(login, coord):
    haute_vienne = DepartementFactory(code="87")
    record(action=Action.MEMBRE_AJOUTE, actor=coord.user, organisation=coord.organisation, target_repr="cible-creuse")
    record(action=Action.INVITATION_ANNULEE, departement=coord.organisation.departement, target_repr="autre-creuse")
    record(action=Action.MEMBRE_AJOUTE, departement=haute_vienne, target_repr="cible-haute-vienne")
    client = login(coord)

    response = client.get(reverse("journal:liste"))

    assertTemplateUsed(response, "journal/liste.html")
    assertContains(response, "cible-creuse")
    assertContains(response, "autre-creuse")
    assertNotContains(response, "cible-haute-vienne")
    assertContains(response, "<h1", count=1)
    assertContains(response, "<caption>")

    filtered = client.get(reverse("journal:liste"), {"action": Action.INVITATION_ANNULEE})
    assertContains(filtered, "autre-creuse")
    assertNotContains(filtered, "cible-creuse")
    assertContains(filtered, f'<option value="{Action.INVITATION_ANNULEE}" selected>')


@pytest.mark.django_db
def test_journal_pagination(login, coord):
    for i in range(60):
        record(action=Action.MEMBRE_AJOUTE, organisation=coord.organisation, target_repr=f"entrée {i}")
    client = login(coord)

    first = client.get(reverse("journal:liste"), {"action": Action.MEMBRE_AJOUTE})
    assert len(first.context["page"].object_list) == 50
    assertContains(first, '<nav aria-label="Pagination du journal">')
    assertContains(first, f'href="?action={Action.MEMBRE_AJOUTE}&amp;page=2"')
    second = client.get(reverse("journal:liste"), {"page": 2})
    assert len(second.context["page"].object_list) == 10
    assertContains(second, "entrée 0<")  # oldest last


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.LECTEUR, Role.AGENT, Role.REFERENT, Role.RESPONSABLE, Role.MEDIATEUR])
def test_journal_interdit_aux_autres_roles(login, role):
    if role == Role.LECTEUR:
        membership = membre_du_departement(role, DepartementFactory(code="23"))
    else:
        membership = make_member(role)
    assert login(membership).get(reverse("journal:liste")).status_code == 403


@pytest.mark.django_db
def test_journal_anonyme_renvoie_vers_la_connexion(client):
    response = client.get(reverse("journal:liste"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- Home pages ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "template", "links"),
    [
        (Role.COORDINATEUR, "accueil/coordinateur.html", ["comptes:organisations", "journal:liste"]),
        (Role.LECTEUR, "accueil/lecteur.html", []),
        (Role.REFERENT, "accueil/prescripteur.html", ["comptes:membres"]),
        (Role.AGENT, "accueil/prescripteur.html", []),
        (Role.RESPONSABLE, "accueil/lieu.html", ["comptes:membres"]),
        (Role.MEDIATEUR, "accueil/lieu.html", []),
    ],
)
def test_accueil_par_role(login, role, template, links):
    dep = DepartementFactory(code="23")
    if role in (Role.COORDINATEUR, Role.LECTEUR):
        membership = membre_du_departement(role, dep)
    else:
        membership = make_member(role, departement=dep)
    membership.user.first_name = "Dominique"
    membership.user.save()

    response = login(membership).get(reverse("accueil"))

    assert response.status_code == 200
    assertTemplateUsed(response, template)
    assertContains(response, "<h1", count=1)
    assertContains(response, "Dominique")
    assertContains(response, membership.organisation.nom)
    assertContains(response, "Bientôt dans l’application")
    assertContains(response, f'href="{reverse("comptes:mon_compte")}"')
    for name in links:
        url = reverse(name, args=[membership.organisation_id]) if name == "comptes:membres" else reverse(name)
        assertContains(response, f'href="{url}"')
    if not links:
        assertNotContains(response, "/membres/")


@pytest.mark.django_db
def test_accueil_coordinateur_chiffres(login, coord):
    dep = coord.organisation.departement
    OrganismePrescripteurFactory.create_batch(2, departement=dep)
    lieu = LieuFactory(departement=dep)
    LieuFactory(departement=DepartementFactory(code="87"))
    make_member(Role.MEDIATEUR, organisation=lieu)
    InvitationFactory(organisation=lieu)

    response = login(coord).get(reverse("accueil"))

    assert response.context["organisations_par_type"] == {"prescripteurs": 2, "lieux": 1}
    assert (response.context["nb_membres"], response.context["nb_invitations"]) == (2, 1)
    html = re.sub(r"\s+", " ", response.content.decode())
    assert '<p class="ei-figure mb-1">2</p> <p class="mb-0">organismes prescripteurs</p>' in html
    assert '<p class="ei-figure mb-1">1</p> <p class="mb-0">lieu de médiation numérique</p>' in html


@pytest.mark.django_db
def test_accueil_public(client):
    response = client.get(reverse("accueil"))

    assertTemplateUsed(response, "accueil/public.html")
    assertContains(response, "<h1", count=1)
    assertContains(response, f'href="{reverse("account_login")}"')
    assertContains(response, f'href="{reverse("structures_public:recherche")}"')


@pytest.mark.django_db
def test_accueil_sans_organisation(client):
    user = UserFactory(first_name="Sacha")
    client.force_login(user)

    response = client.get(reverse("accueil"))

    assertTemplateUsed(response, "accueil/sans_organisation.html")
    assertContains(response, "<h1", count=1)
    assertContains(response, "Sacha")
    assertContains(response, user.email)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["accessibilite", "mentions_legales", "donnees_personnelles"])
def test_pages_legales(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 200
    assertContains(response, "<h1", count=1)
    assertNotContains(response, "TODO")
    assertContains(response, "[à compléter")


@pytest.mark.django_db
def test_mon_compte(login, double):
    coord, ref = double
    ancien = make_member(Role.MEDIATEUR, user=coord.user)
    Membership.objects.filter(pk=ancien.pk).update(is_active=False, deactivated_at=timezone.now())

    response = login(coord).get(reverse("comptes:mon_compte"))

    assertContains(response, "<h1", count=1)
    html = response.content.decode()
    actuelles, anciennes = html.split("Anciennes organisations", 1)
    assert coord.organisation.nom in actuelles and ref.organisation.nom in actuelles
    assert ancien.organisation.nom in anciennes and ancien.organisation.nom not in actuelles
    for name in ("account_change_password", "account_email", "mfa_index"):
        assertContains(response, f'href="{reverse(name)}"')


# --- Query counts ----------------------------------------------------------------------------


def _count_queries(client, url, django_assert_max_num_queries, maximum=20) -> int:
    with django_assert_max_num_queries(maximum) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_annuaire_nombre_de_requetes_constant(login, coord, django_assert_max_num_queries):
    dep = coord.organisation.departement
    client = login(coord)
    url = reverse("comptes:organisations")
    client.get(url)  # warm the session cache

    def add(n):
        for _ in range(n):
            org = OrganismePrescripteurFactory(departement=dep)
            make_member(Role.AGENT, organisation=org)

    add(30)
    with_30 = _count_queries(client, url, django_assert_max_num_queries)
    add(30)
    with_60 = _count_queries(client, url, django_assert_max_num_queries)
    assert with_30 == with_60


@pytest.mark.django_db
def test_membres_nombre_de_requetes_constant(login, django_assert_max_num_queries):
    ref = make_member(Role.REFERENT)
    client = login(ref)
    url = reverse("comptes:membres", args=[ref.organisation_id])
    client.get(url)

    def add(n):
        for i in range(n):
            membre = make_member(Role.AGENT, organisation=ref.organisation)
            if i % 3 == 0:
                Membership.objects.filter(pk=membre.pk).update(is_active=False, deactivated_at=timezone.now())
            InvitationFactory(organisation=ref.organisation, created_by=UserFactory())

    add(30)
    with_30 = _count_queries(client, url, django_assert_max_num_queries)
    add(30)
    with_60 = _count_queries(client, url, django_assert_max_num_queries)
    assert with_30 == with_60


@pytest.mark.django_db
def test_journal_nombre_de_requetes_constant(login, coord, django_assert_max_num_queries):
    client = login(coord)
    url = reverse("journal:liste")
    client.get(url)

    def add(n):
        for _ in range(n):
            actor = UserFactory()
            record(action=Action.MEMBRE_AJOUTE, actor=actor, organisation=coord.organisation, details={"a": 1})

    add(30)
    with_30 = _count_queries(client, url, django_assert_max_num_queries)
    add(30)
    with_60 = _count_queries(client, url, django_assert_max_num_queries)
    assert with_30 == with_60
