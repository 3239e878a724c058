"""The coordinators' upload page: upload → preview → confirm, the stored file, the permissions,
and the département's download links."""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from comptes.models import Organisation, Role
from comptes.tests.factories import LieuFactory, make_member
from journal.models import Action, Evenement
from structures.models import Lieu
from structures.standard import field_names
from structures.tests.data import charger_communes, csv_bytes, ligne_gueret
from structures.views.import_export import DOSSIER, DUREE_DE_VIE, SESSION_KEY
from territoires.models import Departement

URL = reverse("structures_import:televerser")


@pytest.fixture
def creuse(db):
    charger_communes()
    return Departement.objects.get(code="23")


@pytest.fixture
def coordinateur(creuse):
    return make_member(Role.COORDINATEUR, departement=creuse)


@pytest.fixture
def client_coordinateur(coordinateur, login):
    return login(coordinateur)


def fichier(contenu: bytes, nom="lieux.csv"):
    return SimpleUploadedFile(nom, contenu, content_type="text/csv")


def deposer(client, contenu: bytes, nom="lieux.csv"):
    return client.post(URL, {"fichier": fichier(contenu, nom)})


def jeton_de(reponse) -> str:
    assert reponse.status_code == 302, reponse.content.decode()
    return reponse.url.rstrip("/").split("/")[-2]


def fichiers_en_attente(settings) -> list[Path]:
    dossier = Path(settings.PRIVATE_STORAGE_ROOT) / DOSSIER
    return sorted(dossier.glob("*")) if dossier.exists() else []


def test_formulaire_accessible_avec_limite_et_format(client_coordinateur):
    reponse = client_coordinateur.get(URL)

    assert reponse.status_code == 200
    html = reponse.content.decode()
    assert '<label class="form-label" for="id_fichier">' in html
    assert 'aria-describedby="id_fichier_aide"' in html
    assert "Taille maximale : 10 Mo" in html
    assert "standard national des lieux de médiation numérique v1.0.2" in html
    assert 'enctype="multipart/form-data"' in html
    assert "Télécharger les lieux du département (CSV)" in html
    assert f"{reverse('structures_import:export')}?format=json" in html


def test_depot_apercu_puis_confirmation(client_coordinateur, coordinateur, settings):
    LieuFactory(departement=coordinateur.organisation.departement, identifiant="gueret-2", nom="Ancien nom")
    contenu = csv_bytes([ligne_gueret(), ligne_gueret(id="gueret-2", nom="Nouveau nom")])

    jeton = jeton_de(deposer(client_coordinateur, contenu, nom="mes lieux.csv"))

    (stocke,) = fichiers_en_attente(settings)
    assert stocke.read_bytes() == contenu
    assert not any(Path(settings.MEDIA_ROOT).rglob("*.import"))  # never in public media
    apercu = client_coordinateur.get(reverse("structures_import:apercu", args=[jeton]))
    assert apercu.status_code == 200
    html = apercu.content.decode()
    assert "Le fichier est valide : 1 créé, 1 modifié, 0 inchangé, 0 rejeté." in html
    assert "Médiathèque du Grand Guéret" in html
    assert "Nouveau nom" in html
    (modifie,) = apercu.context["rapport"].modifies
    assert "nom" in modifie.champs_modifies
    assert f"<td>{', '.join(modifie.champs_modifies)}</td>" in html  # the changed fields
    assert "Confirmer l’import" in html
    assert Lieu.objects.count() == 1  # the preview writes nothing

    reponse = client_coordinateur.post(reverse("structures_import:confirmer", args=[jeton]), follow=True)

    assert reponse.redirect_chain == [(URL, 302)]
    assert "Import effectué : 1 créé, 1 modifié, 0 inchangé, 0 rejeté. (fichier mes lieux.csv)." in (
        reponse.content.decode()
    )
    assert Lieu.objects.count() == 2
    assert Lieu.objects.get(identifiant="gueret-2").nom == "Nouveau nom"
    entree = Evenement.objects.get(action=Action.LIEUX_IMPORTES)
    assert entree.actor == coordinateur.user
    assert entree.details["fichier"] == "mes lieux.csv"
    assert (entree.details["crees"], entree.details["modifies"]) == (1, 1)
    assert fichiers_en_attente(settings) == []  # deleted after the confirmation


def test_un_jeton_deja_utilise_ou_inconnu_donne_une_erreur_en_francais(client_coordinateur):
    jeton = jeton_de(deposer(client_coordinateur, csv_bytes([ligne_gueret()])))
    confirmer = reverse("structures_import:confirmer", args=[jeton])
    assert client_coordinateur.post(confirmer).status_code == 302

    encore = client_coordinateur.post(confirmer)
    inconnu = client_coordinateur.post(reverse("structures_import:confirmer", args=["A" * 32]))

    for reponse in (encore, inconnu):
        assert reponse.status_code == 404
        assert "Ce fichier n’est plus disponible : il a déjà été importé, il a expiré" in reponse.content.decode()
    assert Lieu.objects.count() == 1
    assert Evenement.objects.filter(action=Action.LIEUX_IMPORTES).count() == 1


def test_le_jeton_d_une_autre_session_ne_sert_a_rien(client_coordinateur, creuse, login, settings):
    jeton = jeton_de(deposer(client_coordinateur, csv_bytes([ligne_gueret()])))
    equipe = Organisation.objects.get(departement=creuse, type=Organisation.Type.DEPARTEMENT)
    collegue = login(make_member(Role.COORDINATEUR, organisation=equipe), Client())

    apercu = collegue.get(reverse("structures_import:apercu", args=[jeton]))
    confirmation = collegue.post(reverse("structures_import:confirmer", args=[jeton]))

    assert apercu.status_code == confirmation.status_code == 404
    assert "Ce fichier n’est plus disponible" in confirmation.content.decode()
    assert not Lieu.objects.exists()
    assert len(fichiers_en_attente(settings)) == 1  # still there for its owner


def test_apercu_des_lignes_rejetees_sans_bouton_de_confirmation(client_coordinateur):
    contenu = csv_bytes([ligne_gueret(), ligne_gueret(id="b", nom="B", code_postal="2300")])

    jeton = jeton_de(deposer(client_coordinateur, contenu))
    reponse = client_coordinateur.get(reverse("structures_import:apercu", args=[jeton]))

    html = reponse.content.decode()
    assert "Import refusé (1 lieu rejeté) : rien n’a été écrit." in html
    assert "<td>ligne 3</td>" in html
    assert "<code>code_postal</code>" in html
    assert "Code postal invalide : « 2300 » (5 chiffres attendus, par exemple 23000)." in html
    assert "Confirmer l’import" not in html
    refus = client_coordinateur.post(reverse("structures_import:confirmer", args=[jeton]))
    assert refus.status_code == 409
    assert not Lieu.objects.exists()
    assert not Evenement.objects.exists()


def test_mauvais_encodage_annonce_dans_l_apercu(client_coordinateur):
    jeton = jeton_de(deposer(client_coordinateur, csv_bytes([ligne_gueret()], encodage="cp1252")))

    html = client_coordinateur.get(reverse("structures_import:apercu", args=[jeton])).content.decode()

    assert "Le fichier n’est pas en UTF-8" in html
    assert "enregistrez-le en UTF-8" in html


def test_un_coordinateur_n_importe_que_dans_son_departement(creuse, login):
    haute_vienne = Departement.objects.get(code="87")
    client = login(make_member(Role.COORDINATEUR, departement=haute_vienne))

    jeton = jeton_de(deposer(client, csv_bytes([ligne_gueret()])))
    html = client.get(reverse("structures_import:apercu", args=[jeton])).content.decode()
    confirmation = client.post(reverse("structures_import:confirmer", args=[jeton]))

    assert "ce lieu est à Guéret (Creuse, 23), hors du département Haute-Vienne (87)" in html
    assert confirmation.status_code == 409
    assert not Lieu.objects.exists()


def test_un_fichier_trop_gros_est_coupe_a_la_reception(client_coordinateur, settings):
    settings.LIEUX_IMPORT_MAX_BYTES = 2048
    contenu = csv_bytes([ligne_gueret(id=f"l{i}", nom=f"Lieu {i}") for i in range(10)])
    assert len(contenu) > 4 * 2048

    reponse = deposer(client_coordinateur, contenu)

    assert reponse.status_code == 200
    html = reponse.content.decode()
    assert "Le fichier est trop volumineux (plus de 2 Ko) : la taille maximale est de 2 Ko." in html
    assert 'aria-invalid="true"' in html
    assert fichiers_en_attente(settings) == []
    assert not Lieu.objects.exists()


def test_fichier_vide_ou_absent(client_coordinateur):
    absent = client_coordinateur.post(URL, {})
    vide = deposer(client_coordinateur, b"")

    assert "Choisissez le fichier à importer." in absent.content.decode()
    assert "Le fichier est vide." in vide.content.decode()


@pytest.mark.parametrize("format", ["csv", "json"])
def test_telecharger_les_lieux_du_departement(client_coordinateur, coordinateur, format):
    departement = coordinateur.organisation.departement
    LieuFactory(departement=departement, nom="Lieu de la Creuse")
    LieuFactory(departement=Departement.objects.get(code="87"), nom="Lieu de Haute-Vienne")

    reponse = client_coordinateur.get(reverse("structures_import:export"), {"format": format})

    assert reponse.status_code == 200
    assert reponse["Content-Disposition"].startswith('attachment; filename="lieux-mediation-numerique-23-')
    assert reponse["Content-Disposition"].endswith(f'.{format}"')
    texte = reponse.content.decode("utf-8")
    assert "Lieu de la Creuse" in texte
    assert "Haute-Vienne" not in texte
    if format == "json":
        assert [o["nom"] for o in json.loads(texte)] == ["Lieu de la Creuse"]
    else:
        assert texte.startswith(",".join(field_names()) + "\r\n")


def test_telecharger_format_inconnu(client_coordinateur):
    assert client_coordinateur.get(reverse("structures_import:export"), {"format": "xlsx"}).status_code == 400


@pytest.mark.parametrize("role", [Role.LECTEUR, Role.REFERENT, Role.AGENT, Role.RESPONSABLE, Role.MEDIATEUR])
def test_les_autres_roles_sont_refuses(creuse, login, role, settings):
    client = login(make_member(role, departement=creuse))
    urls = [
        URL,
        reverse("structures_import:apercu", args=["x" * 32]),
        reverse("structures_import:export"),
    ]

    assert [client.get(url).status_code for url in urls] == [403, 403, 403]
    assert deposer(client, csv_bytes([ligne_gueret()])).status_code == 403
    assert client.post(reverse("structures_import:confirmer", args=["x" * 32])).status_code == 403
    assert fichiers_en_attente(settings) == []


def test_anonyme_renvoye_vers_la_connexion(db, client):
    for url in (URL, reverse("structures_import:export")):
        reponse = client.get(url)
        assert reponse.status_code == 302
        assert reponse.url.startswith(reverse("account_login"))


def test_un_fichier_en_attente_depuis_plus_d_un_jour_a_expire(client_coordinateur):
    jeton = jeton_de(deposer(client_coordinateur, csv_bytes([ligne_gueret()])))
    session = client_coordinateur.session
    session[SESSION_KEY][jeton]["depose_le"] -= DUREE_DE_VIE + 1
    session.save()

    reponse = client_coordinateur.post(reverse("structures_import:confirmer", args=[jeton]))

    assert reponse.status_code == 404
    assert not Lieu.objects.exists()


def test_le_depot_est_protege_contre_le_csrf(coordinateur, login, settings):
    client = login(coordinateur, Client(enforce_csrf_checks=True))

    reponse = deposer(client, csv_bytes([ligne_gueret()]))

    assert reponse.status_code == 403
    assert fichiers_en_attente(settings) == []
