"""Opposition: cancelling cheques or what remains of a booklet (who, which cheques, reason,
journal), then the pages (search within scope, form, confirmation)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from comptes.models import Role
from comptes.tests.factories import OrganismePrescripteurFactory, make_member
from journal.models import Action, Evenement

from .. import codes
from ..models import Carnet, Cheque, Encaissement
from ..services.encaissement import Statut, encaisser
from ..services.opposition import annuler_carnet, annuler_cheques
from .factories import DispositifFactory, cheques_remis
from .test_encaissement_donnees import carnet_en_stock, monde

pytestmark = pytest.mark.django_db
S = Cheque.Statut


@pytest.fixture
def m():
    return monde()


def statuts(carnet) -> list[str]:
    return list(carnet.cheques.order_by("rang").values_list("statut", flat=True))


def test_annuler_des_cheques_perdus(m):
    annules = annuler_cheques(par=m.agent, cheques=m.cheques[2:4], motif="Chèques perdus")
    assert [c.pk for c in annules] == [c.pk for c in m.cheques[2:4]]
    assert statuts(m.carnet) == [S.REMIS] * 2 + [S.ANNULE] * 2 + [S.REMIS] * 6
    cheque = Cheque.objects.get(pk=m.cheques[2].pk)
    assert cheque.annule_le and cheque.motif_annulation == "Chèques perdus"
    entrees = Evenement.objects.filter(action=Action.CHEQUES_ANNULES).order_by("target_id")
    assert [e.target_id for e in entrees] == [str(c.pk) for c in m.cheques[2:4]]
    assert entrees[0].details["motif"] == "Chèques perdus" and entrees[0].actor == m.agent.user
    assert Carnet.objects.get(pk=m.carnet.pk).statut == Carnet.Statut.REMIS
    # No place can redeem them any more.
    resultat = encaisser(lieu=m.lieu, code_saisi=m.code(2), par=m.mediateur, source="page")
    assert resultat.statut == Statut.ANNULE


def test_annuler_le_reste_d_un_carnet(m):
    encaisser(lieu=m.lieu, code_saisi=m.code(0), par=m.mediateur, source="page")
    nombre = annuler_carnet(par=m.referent, carnet=m.carnet, motif="Carnet volé")
    assert nombre == 9
    assert statuts(m.carnet) == [S.ENCAISSE] + [S.ANNULE] * 9
    assert Carnet.objects.get(pk=m.carnet.pk).statut == Carnet.Statut.ANNULE
    entree = Evenement.objects.get(action=Action.CHEQUES_ANNULES)
    assert entree.target_type == "pass_numerique.carnet" and entree.target_id == str(m.carnet.pk)
    assert entree.details["nombre"] == 9 and entree.details["motif"] == "Carnet volé"
    assert entree.details["numeros_serie"] == [c.numero_serie for c in m.cheques[1:]]
    with pytest.raises(ValidationError, match="déjà annulé"):
        annuler_carnet(par=m.referent, carnet=m.carnet, motif="Encore")


def test_un_carnet_en_stock_peut_etre_annule(m):
    stock = carnet_en_stock(m.dispositif, m.organisme)
    assert annuler_carnet(par=m.agent, carnet=stock, motif="Carnet égaré au bureau") == 10
    assert Carnet.objects.get(pk=stock.pk).statut == Carnet.Statut.ANNULE


def test_seuls_les_cheques_annulables(m):
    encaisser(lieu=m.lieu, code_saisi=m.code(0), par=m.mediateur, source="page")
    with pytest.raises(ValidationError) as exc:
        annuler_cheques(par=m.agent, cheques=m.cheques[:3], motif="Perdus")
    assert exc.value.message_dict["cheques"] == [
        f"Le chèque n° {m.cheques[0].numero_serie} est « encaissé » : il ne peut plus être mis en opposition."
    ]
    assert statuts(m.carnet) == [S.ENCAISSE] + [S.REMIS] * 9  # all or nothing
    assert not Evenement.objects.filter(action=Action.CHEQUES_ANNULES).exists()


def test_le_motif_est_obligatoire(m):
    with pytest.raises(ValidationError) as exc:
        annuler_cheques(par=m.agent, cheques=m.cheques[:1], motif=" ")
    assert exc.value.message_dict == {"motif": ["Indiquez le motif de l’opposition (chèques perdus, volés…)."]}
    with pytest.raises(ValidationError):
        annuler_carnet(par=m.agent, carnet=m.carnet, motif="")
    with pytest.raises(ValidationError) as exc:
        annuler_cheques(par=m.agent, cheques=[], motif="Perdus")
    assert "Choisissez au moins un chèque" in str(exc.value)
    assert statuts(m.carnet) == [S.REMIS] * 10


def test_qui_peut_faire_opposition(m):
    autre_organisme = OrganismePrescripteurFactory(departement=m.dispositif.departement)
    autre_dispositif = DispositifFactory(departement__code="87")
    intrus = [
        make_member(Role.AGENT, organisation=autre_organisme),
        make_member(Role.LECTEUR, departement=m.dispositif.departement),
        m.mediateur,
        m.responsable,
        make_member(Role.COORDINATEUR, departement=autre_dispositif.departement),
    ]
    for par in intrus:
        with pytest.raises(PermissionDenied):
            annuler_cheques(par=par, cheques=m.cheques[:1], motif="Perdu")
        with pytest.raises(PermissionDenied):
            annuler_carnet(par=par, carnet=m.carnet, motif="Perdu")
    assert statuts(m.carnet) == [S.REMIS] * 10
    # The coordinateur of the département may, even for stock never allocated.
    stock = carnet_en_stock(m.dispositif, statut=Carnet.Statut.GENERE)
    assert annuler_carnet(par=m.coordinateur, carnet=stock, motif="Lot mal imprimé") == 10
    with pytest.raises(PermissionDenied):
        annuler_carnet(par=m.agent, carnet=carnet_en_stock(m.dispositif, statut=Carnet.Statut.GENERE), motif="x")


# --- pages ----------------------------------------------------------------------------------


URL = reverse("pass_encaissement:opposition")


def test_rechercher_un_carnet(login, m):
    client = login(m.agent)
    assert client.get(URL).status_code == 200
    for q in (str(m.carnet.numero), codes.formater(m.code(3)).lower(), f"n° {m.cheques[4].numero_serie}"):
        html = client.get(URL, {"q": q}).content.decode()
        assert f"Carnet n° {m.carnet.numero}</a>" in html, q
        assert "10 sur 10" in html
    assert "Aucun carnet de votre périmètre ne correspond." in client.get(URL, {"q": "999999"}).content.decode()


def test_la_recherche_reste_dans_le_perimetre(login, m):
    autre = make_member(Role.AGENT, organisation=OrganismePrescripteurFactory(departement=m.dispositif.departement))
    client = login(autre)
    html = client.get(URL, {"q": m.code()}).content.decode()
    assert "Aucun carnet de votre périmètre ne correspond." in html
    url = reverse("pass_encaissement:opposition_carnet", args=[m.carnet.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"portee": "tous", "motif": "x", "confirmer": "1"}).status_code == 404
    assert statuts(m.carnet) == [S.REMIS] * 10
    coordinateur = login(m.coordinateur)
    assert f"Carnet n° {m.carnet.numero}</a>" in coordinateur.get(URL, {"q": m.code()}).content.decode()


def test_opposition_avec_confirmation(login, m):
    client = login(m.agent)
    url = reverse("pass_encaissement:opposition_carnet", args=[m.carnet.pk])
    page = client.get(url).content.decode()
    assert (
        "Opposition sur le carnet n°" in page
        and reverse("beneficiaires:fiche", args=[m.carnet.beneficiaire_id]) in page
    )
    choisis = [str(m.cheques[1].pk), str(m.cheques[2].pk)]
    confirmation = client.post(url, {"portee": "choisis", "cheques": choisis, "motif": "Chèques volés"})
    html = confirmation.content.decode()
    assert "Confirmer l’opposition sur le carnet" in html and "2 chèques sur 10 seront annulés." in html
    assert statuts(m.carnet) == [S.REMIS] * 10  # nothing yet
    fait = client.post(
        url, {"portee": "choisis", "cheques": choisis, "motif": "Chèques volés", "confirmer": "1"}, follow=True
    )
    assert "2 chèques du carnet" in fait.content.decode()
    assert statuts(m.carnet) == [S.REMIS, S.ANNULE, S.ANNULE] + [S.REMIS] * 7


def test_opposition_sur_tout_le_carnet(login, m):
    client = login(m.coordinateur)
    url = reverse("pass_encaissement:opposition_carnet", args=[m.carnet.pk])
    html = client.post(url, {"portee": "tous", "motif": "Carnet perdu"}).content.decode()
    assert "Tous les chèques encore utilisables du carnet (10) et le carnet lui-même seront annulés." in html
    client.post(url, {"portee": "tous", "motif": "Carnet perdu", "confirmer": "1"})
    assert statuts(m.carnet) == [S.ANNULE] * 10
    assert "Aucun chèque de ce carnet ne peut plus être mis en opposition" in client.get(url).content.decode()


def test_opposition_erreurs_du_formulaire(login, m):
    client = login(m.referent)
    url = reverse("pass_encaissement:opposition_carnet", args=[m.carnet.pk])
    html = client.post(url, {"portee": "choisis", "motif": ""}).content.decode()
    assert "Cochez au moins un chèque" in html and "Indiquez le motif de l’opposition" in html
    assert 'aria-describedby="cheques-erreurs"' in html
    assert statuts(m.carnet) == [S.REMIS] * 10


@pytest.mark.parametrize("role", [Role.RESPONSABLE, Role.MEDIATEUR, Role.LECTEUR])
def test_opposition_interdite_aux_autres_roles(login, m, role):
    client = login(make_member(role, departement=m.dispositif.departement))
    assert client.get(URL).status_code == 403
    assert client.get(reverse("pass_encaissement:opposition_carnet", args=[m.carnet.pk])).status_code == 403


def test_recherche_en_nombre_de_requetes_constant(login, m, django_assert_max_num_queries):
    client = login(m.coordinateur)
    with django_assert_max_num_queries(15) as avant:
        client.get(URL, {"q": m.code()})
    for _ in range(5):
        cheques_remis(m.dispositif, organisme=m.organisme)
    with django_assert_max_num_queries(len(avant)):
        client.get(URL, {"q": str(m.carnet.numero)})
    assert not Encaissement.objects.exists()
