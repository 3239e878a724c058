"""Pages of the dispositifs: list, create/edit with financeurs, close, qualified places,
prescribers, generation, allocation, transfer — who may open what, French errors, nothing saved
on bad input, constant queries on lists."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from comptes.models import Role
from comptes.tests.factories import DepartementFactory, LieuFactory, OrganismePrescripteurFactory, make_member
from pass_numerique.models import Carnet, Cheque, Dispositif, Participation, Qualification
from pass_numerique.services.generation import generer
from pass_numerique.tests.factories import DispositifFactory, qualifier

from .test_dispositifs_services import coordinateur, donnees

pytestmark = pytest.mark.django_db


@pytest.fixture
def coord():
    return coordinateur()


@pytest.fixture
def dispositif(coord):
    return DispositifFactory(nom="Pass numérique 2026 Creuse", budget=Decimal("100000"))


def url(nom, dispositif=None):
    return reverse(f"pass_dispositifs:{nom}", args=[dispositif.pk] if dispositif is not None else [])


def saisie(**modifs) -> dict:
    """The POST of the create/edit form for a valid dispositif."""
    data = donnees() | {
        "financeur_1_nom": "FSE+",
        "financeur_1_part": "60",
        "financeur_2_nom": "État",
        "financeur_2_part": "20",
        "financeur_3_nom": "Département",
        "financeur_3_part": "20",
    }
    return data | modifs


# --- List -------------------------------------------------------------------------------------------


def test_la_liste_des_dispositifs_du_departement(login, coord, dispositif):
    DispositifFactory(nom="Pass 2025 clos", clos_le=timezone.now())
    DispositifFactory(nom="Pass de Limoges", departement=DepartementFactory(code="87"))
    client = login(coord)

    page = client.get(url("liste"))

    assertContains(page, "Pass numérique 2026 Creuse")
    assertContains(page, "Pass 2025 clos")
    assertNotContains(page, "Pass de Limoges")
    assertContains(page, f'href="{url("creer")}"')
    assert [d.nom for d in client.get(url("liste"), {"etat": "clos"}).context["page"]] == ["Pass 2025 clos"]
    assert [d.nom for d in client.get(url("liste"), {"etat": "actif"}).context["page"]] == [dispositif.nom]
    assertContains(client.get(url("liste"), {"q": "Paris"}), "Aucun dispositif ne correspond à votre recherche.")


def test_la_liste_fait_un_nombre_constant_de_requetes(login, coord, dispositif, django_assert_max_num_queries):
    client = login(coord)
    client.get(url("liste"))
    with django_assert_max_num_queries(12) as avec_un:
        client.get(url("liste"))
    for n in range(20):
        d = DispositifFactory(nom=f"Dispositif n° {n}")
        qualifier(LieuFactory(departement=d.departement), d)
    with django_assert_max_num_queries(len(avec_un.captured_queries)):
        assert len(client.get(url("liste")).context["lignes"]) == 21


def test_le_lecteur_lit_sans_agir_et_les_autres_roles_n_entrent_pas(login, dispositif):
    lecteur = login(coordinateur(role=Role.LECTEUR))
    assertNotContains(lecteur.get(url("liste")), url("creer"))
    detail = lecteur.get(url("detail", dispositif))
    assert detail.status_code == 200
    assertNotContains(detail, url("modifier", dispositif))
    assertNotContains(lecteur.get(url("lieux", dispositif)), url("decider", dispositif))
    assertNotContains(lecteur.get(url("prescripteurs", dispositif)), "Ajouter un organisme")
    for nom in ("creer", "modifier", "clore", "decider", "generer", "doter", "transferer"):
        assert lecteur.get(url(nom, None if nom == "creer" else dispositif)).status_code == 403, nom
    for role in (Role.REFERENT, Role.AGENT, Role.RESPONSABLE, Role.MEDIATEUR):
        client = login(make_member(role))
        assert client.get(url("liste")).status_code == 403
        assert client.get(url("detail", dispositif)).status_code == 403
        assert client.get(url("generer", dispositif)).status_code == 403


def test_le_dispositif_d_un_autre_departement_est_introuvable(login, dispositif):
    client = login(coordinateur("87"))
    for nom in ("detail", "modifier", "clore", "lieux", "decider", "prescripteurs", "generer", "doter", "transferer"):
        assert client.get(url(nom, dispositif)).status_code == 404, nom
    assert client.post(url("generer", dispositif), {"nb_carnets": 1, "taille": 10, "confirmer": "1"}).status_code == 404
    assert client.post(url("clore", dispositif)).status_code == 404
    assert not Cheque.objects.exists() and Dispositif.objects.get(pk=dispositif.pk).clos_le is None


# --- Create, edit, close ----------------------------------------------------------------------------


def test_creer_un_dispositif(login, coord):
    client = login(coord)
    assertContains(client.get(url("creer")), "Financeur n° 5 : part (%)")

    reponse = client.post(url("creer"), saisie(nom="Pass 2026"))

    dispositif = Dispositif.objects.get(nom="Pass 2026")
    assertRedirects(reponse, url("detail", dispositif), fetch_redirect_response=False)
    assert [(f.nom, f.pourcentage) for f in dispositif.financeurs.all()] == [
        ("FSE+", Decimal("60")),
        ("État", Decimal("20")),
        ("Département", Decimal("20")),
    ]
    page = client.get(url("detail", dispositif))
    assertContains(page, "Le dispositif « Pass 2026 » est créé.")
    assertContains(page, '<th scope="row">FSE+</th>', html=False)


@pytest.mark.parametrize(
    ("modifs", "message"),
    [
        (
            {"financeur_3_part": "19,99"},
            "Les parts des financeurs totalisent 99,99 % : elles doivent totaliser exactement 100 %.",
        ),
        ({"budget": "-100"}, "Le budget ne peut pas être négatif"),
        ({"tailles_carnet": ["7"]}, "« 7 » n’est pas un choix possible."),
        ({"publics": ["martien"]}, "« martien » n’est pas un choix possible."),
        ({"debut": "pas une date"}, "Indiquez une date valide, par exemple 31/12/2026."),
        ({"financeur_2_nom": "fse+"}, "apparaît deux fois"),
    ],
)
def test_une_mauvaise_saisie_ne_cree_rien(login, coord, modifs, message):
    reponse = login(coord).post(url("creer"), saisie(**modifs))

    assert reponse.status_code == 200
    assertContains(reponse, "Le dispositif n’a pas été créé")
    assertContains(reponse, message)
    assert not Dispositif.objects.exists()


def test_le_total_des_parts_est_affiche(login, coord):
    reponse = login(coord).post(url("creer"), saisie(financeur_3_part="19,99"))
    assertContains(reponse, "Total\n                saisi\n                : <strong>99,99 %</strong>")


def test_modifier_un_dispositif_et_ses_financeurs(login, coord, dispositif):
    client = login(coord)
    formulaire = client.get(url("modifier", dispositif))
    assertContains(formulaire, 'value="FSE+"')
    valeurs = {c: formulaire.context["form"][c].value() for c in ("nom", "reseau", "tolerance_jours", "budget")}
    assert valeurs["budget"] == "100000"
    data = saisie(
        **valeurs, financeur_1_nom="FSE+", financeur_1_part="50", financeur_4_nom="Région", financeur_4_part="10"
    )

    assertRedirects(
        client.post(url("modifier", dispositif), data), url("detail", dispositif), fetch_redirect_response=False
    )

    assert [f.nom for f in dispositif.financeurs.all()] == ["FSE+", "État", "Département", "Région"]


def test_clore_apres_confirmation(login, coord, dispositif):
    client = login(coord)
    confirmation = client.get(url("clore", dispositif))
    assertContains(confirmation, "Clore le dispositif « Pass numérique 2026 Creuse » ?")
    assert Dispositif.objects.get(pk=dispositif.pk).clos_le is None

    assertRedirects(client.post(url("clore", dispositif)), url("detail", dispositif), fetch_redirect_response=False)

    assert Dispositif.objects.get(pk=dispositif.pk).clos_le is not None
    for nom in ("modifier", "clore", "generer", "doter", "decider"):
        assertRedirects(client.get(url(nom, dispositif)), url("detail", dispositif), fetch_redirect_response=False)


# --- Qualified places ---------------------------------------------------------------------------------


def test_les_lieux_du_dispositif_et_leur_filtre(login, coord, dispositif, django_assert_max_num_queries):
    qualifier(LieuFactory(departement=dispositif.departement, nom="Médiathèque"), dispositif)
    qualifier(LieuFactory(departement=dispositif.departement, nom="EPN suspendu"), dispositif, statut="suspendu")
    client = login(coord)

    assert [q.lieu.nom for q in client.get(url("lieux", dispositif)).context["page"]] == ["EPN suspendu", "Médiathèque"]
    filtre = client.get(url("lieux", dispositif), {"statut": "suspendu"})
    assert [q.lieu.nom for q in filtre.context["page"]] == ["EPN suspendu"]
    with django_assert_max_num_queries(12) as deux:
        client.get(url("lieux", dispositif))
    for n in range(15):
        qualifier(LieuFactory(departement=dispositif.departement, nom=f"Lieu {n}"), dispositif)
    with django_assert_max_num_queries(len(deux.captured_queries)):
        client.get(url("lieux", dispositif))


def test_decider_pour_un_lieu(login, coord, dispositif):
    lieu = LieuFactory(departement=dispositif.departement, nom="Médiathèque")
    client = login(coord)
    assertContains(client.get(url("decider", dispositif), {"lieu": lieu.pk}), "Médiathèque")

    reponse = client.post(url("decider", dispositif), {"lieu": lieu.pk, "statut": "qualifie", "motif": "Convention"})

    assertRedirects(reponse, url("lieux", dispositif), fetch_redirect_response=False)
    assert Qualification.objects.get(lieu=lieu).statut == "qualifie"
    assert Dispositif.objects.get(pk=dispositif.pk).qualifications.count() == 1
    deja = client.post(url("decider", dispositif), {"lieu": lieu.pk, "statut": "qualifie", "motif": "Encore"})
    assertContains(deja, "Le lieu est déjà « qualifié » pour ce dispositif.")


def test_decider_sans_motif_ou_pour_un_lieu_d_ailleurs(login, coord, dispositif):
    ailleurs = LieuFactory(departement=DepartementFactory(code="87"))
    lieu = LieuFactory(departement=dispositif.departement)
    client = login(coord)

    assertContains(
        client.post(url("decider", dispositif), {"lieu": lieu.pk, "statut": "qualifie", "motif": ""}),
        "Indiquez le motif de la décision",
    )
    assertContains(
        client.post(url("decider", dispositif), {"lieu": ailleurs.pk, "statut": "qualifie", "motif": "x"}),
        "Choisissez un lieu du département dans la liste.",
    )
    assert client.get(url("decider", dispositif), {"lieu": ailleurs.pk}).status_code == 404
    assert not Qualification.objects.exists()


# --- Prescribers ------------------------------------------------------------------------------------


def test_ajouter_et_retirer_un_prescripteur(login, coord, dispositif):
    organisme = OrganismePrescripteurFactory(departement=dispositif.departement, nom="CCAS de Guéret")
    client = login(coord)

    assertRedirects(
        client.post(url("prescripteurs", dispositif), {"organisme": organisme.pk}),
        url("prescripteurs", dispositif),
        fetch_redirect_response=False,
    )
    assertContains(client.get(url("prescripteurs", dispositif)), "CCAS de Guéret")
    assert client.get(url("retirer_prescripteur", dispositif)).status_code == 405

    confirmation = client.post(url("retirer_prescripteur", dispositif), {"organisme": organisme.pk})
    assertContains(confirmation, "Retirer « CCAS de Guéret » du dispositif")
    assert Participation.objects.exists()
    reponse = client.post(url("retirer_prescripteur", dispositif), {"organisme": organisme.pk, "confirmer": "1"})
    assertRedirects(reponse, url("prescripteurs", dispositif), fetch_redirect_response=False)
    assert not Participation.objects.exists()


def test_un_organisme_d_ailleurs_n_est_ni_ajoute_ni_retire(login, coord, dispositif):
    ailleurs = OrganismePrescripteurFactory(departement=DepartementFactory(code="87"))
    client = login(coord)
    assertContains(
        client.post(url("prescripteurs", dispositif), {"organisme": ailleurs.pk}),
        "Choisissez un organisme ouvert du département qui ne participe pas encore.",
    )
    assert client.post(url("retirer_prescripteur", dispositif), {"organisme": ailleurs.pk}).status_code == 404
    assert not Participation.objects.exists()


# --- Generation, allocation, transfer ----------------------------------------------------------------


def test_generer_apres_confirmation(login, coord, dispositif):
    client = login(coord)
    assert client.get(url("generer", dispositif)).status_code == 200

    confirmation = client.post(url("generer", dispositif), {"nb_carnets": 3, "taille": "10"})

    assertContains(confirmation, "Générer 30 chèques pour « Pass numérique 2026 Creuse » ?")
    assertContains(confirmation, "du n° 1 au n° 30")
    assert not Cheque.objects.exists()
    reponse = client.post(url("generer", dispositif), {"nb_carnets": 3, "taille": "10", "confirmer": "1"})
    assertRedirects(reponse, url("detail", dispositif), fetch_redirect_response=False)
    assert Cheque.objects.count() == 30
    page = client.get(url("detail", dispositif))
    assertContains(page, "30 chèques générés : 3 carnets de 10 (carnets n° 1 à 3, chèques n° 1 à 30).")
    assertContains(page, "3 de 10 (n° 1 à 3)")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"nb_carnets": 0, "taille": "10"}, "Indiquez un nombre de carnets supérieur ou égal à 1."),
        ({"nb_carnets": 20_001, "taille": "10"}, "Faites plusieurs générations."),
        ({"nb_carnets": 1, "taille": "7"}, "Cette taille de carnet n’est pas autorisée pour ce dispositif."),
        ({"nb_carnets": 1_001, "taille": "10", "confirmer": "1"}, "ne couvre pas ces chèques"),
    ],
)
def test_generer_mal(login, coord, dispositif, data, message):
    reponse = login(coord).post(url("generer", dispositif), data)
    assertContains(reponse, message)
    assert not Cheque.objects.exists()


def test_doter_un_prescripteur(login, coord, dispositif):
    organisme = OrganismePrescripteurFactory(departement=dispositif.departement, nom="MSA")
    Participation.objects.create(dispositif=dispositif, organisme=organisme)
    absent = OrganismePrescripteurFactory(departement=dispositif.departement)
    generer(par=coord, dispositif=dispositif, nb_carnets=4, taille=10)
    client = login(coord)
    assertContains(client.get(url("doter", dispositif)), "n° 1 à 4")

    assertContains(
        client.post(url("doter", dispositif), {"organisme": organisme.pk, "nb_carnets": 5}),
        "Stock insuffisant : il reste 4 carnets au département pour ce dispositif, vous en demandez 5.",
    )
    assertContains(
        client.post(url("doter", dispositif), {"organisme": absent.pk, "nb_carnets": 1}),
        "Choisissez un organisme qui participe au dispositif.",
    )
    assert not Carnet.objects.filter(statut="dote").exists()
    reponse = client.post(url("doter", dispositif), {"organisme": organisme.pk, "nb_carnets": 3})
    assertRedirects(reponse, url("prescripteurs", dispositif), fetch_redirect_response=False)
    page = client.get(url("prescripteurs", dispositif))
    assertContains(page, "3 carnets dotés à « MSA » (n° 1 à 3).")
    assert [ligne.stock.nb_carnets for ligne in page.context["lignes"]] == [3]


def test_transferer_entre_prescripteurs(login, coord, dispositif):
    de, vers = (OrganismePrescripteurFactory(departement=dispositif.departement) for _ in range(2))
    for organisme in (de, vers):
        Participation.objects.create(dispositif=dispositif, organisme=organisme)
    generer(par=coord, dispositif=dispositif, nb_carnets=3, taille=10)
    from pass_numerique.services.dotations import doter

    doter(par=coord, dispositif=dispositif, organisme=de, nb_carnets=3)
    client = login(coord)

    trop = client.post(url("transferer", dispositif), {"de": de.pk, "vers": vers.pk, "nb_carnets": 4})
    assertContains(trop, "n’a que 3 carnets de ce dispositif en stock ; vous en demandez 4.")
    meme = client.post(url("transferer", dispositif), {"de": de.pk, "vers": de.pk, "nb_carnets": 1})
    assertContains(meme, "Choisissez un autre organisme que celui qui cède les carnets.")
    reponse = client.post(url("transferer", dispositif), {"de": de.pk, "vers": vers.pk, "nb_carnets": 2})

    assertRedirects(reponse, url("prescripteurs", dispositif), fetch_redirect_response=False)
    assert list(Carnet.objects.filter(organisme=vers).values_list("numero", flat=True).order_by("numero")) == [1, 2]


def test_les_chiffres_du_dispositif(login, coord, dispositif):
    generer(par=coord, dispositif=dispositif, nb_carnets=2, taille=5)
    Cheque.objects.filter(numero_serie=1).update(statut="annule")
    dispositif.validite_fin = timezone.localdate() + datetime.timedelta(days=100)

    page = login(coord).get(url("detail", dispositif))

    chiffres = page.context["chiffres"]
    assert chiffres["nb_cheques"] == 10
    assert {ligne.statut: ligne.nombre for ligne in chiffres["cheques"]}["genere"] == 9
    assert chiffres["montant_engage"] == Decimal("90.00")
    assert chiffres["budget_restant"] == Decimal("99910.00")
