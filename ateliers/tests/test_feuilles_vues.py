"""Pages of the signed sheet: the upload form (happy path, bad files, a real upload over the
limit cut off while it streams in, replacement with a reason), the download (who may, headers,
replaced sheets) and the block shown on the session page."""

import tracemalloc

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from journal.models import Action, Evenement

from ..models import FeuilleEmargement
from ..services.feuilles import deposer_feuille
from .factories import inscrire, seance
from .test_feuilles_depot import fichier_pdf, fichiers_stockes, image, monde, televerse

pytestmark = pytest.mark.django_db
Mo = 1024 * 1024


@pytest.fixture
def m():
    return monde()


def url_deposer(s):
    return reverse("ateliers:feuille_deposer", args=[s.pk])


def poster(client, s, nom, contenu, **donnees):
    return client.post(url_deposer(s), {"fichier": televerse(nom, contenu), **donnees})


def lire(reponse) -> bytes:
    """The whole streamed body (the test client closes the response, and its file, at the end)."""
    return b"".join(reponse.streaming_content)


# --- Upload page ------------------------------------------------------------------------------


def test_page_de_depot(m, login):
    inscrire(m.seance)  # registered, not marked yet (like the two others)
    html = " ".join(login(m.mediateur).get(url_deposer(m.seance)).content.decode().split())
    assert "<h1> Déposer la feuille d’émargement signée </h1>" in html
    assert 'enctype="multipart/form-data"' in html
    assert 'accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"' in html
    assert "PDF, JPEG ou PNG, 10 Mo au maximum." in html
    assert "L’émargement de la séance est <strong>verrouillé</strong>" in html
    assert "3 personnes inscrites ne sont pas encore pointées." in html
    assert 'name="motif"' not in html


def test_deposer_par_le_formulaire(m, login):
    client = login(m.mediateur)
    reponse = poster(client, m.seance, "feuille.jpg", image("JPEG"))
    assert reponse.status_code == 302 and reponse["Location"] == reverse("ateliers:seance", args=[m.seance.pk])
    feuille = FeuilleEmargement.objects.get()
    assert feuille.type_contenu == "image/jpeg" and feuille.deposee_par == m.mediateur.user
    m.seance.refresh_from_db()
    assert m.seance.est_verrouillee
    suite = client.get(url_deposer(m.seance)).content.decode()
    assert "La feuille signée est déposée : l’émargement de la séance est verrouillé." in suite
    assert "Remplacer la feuille d’émargement signée" in suite and 'name="motif"' in suite


@pytest.mark.parametrize(
    ("nom", "contenu", "message"),
    [
        ("feuille.pdf", image("PNG"), "« feuille.pdf » porte l’extension .pdf mais contient une image PNG"),
        ("scan.jpg", b"juste du texte\n", "« scan.jpg » porte l’extension .jpg mais son contenu n’est ni un PDF"),
        ("programme.exe", b"MZ\x90\x00" * 10, "« programme.exe » n’est pas accepté"),
        ("vide.pdf", b"", "Le fichier est vide : scannez de nouveau la feuille signée."),
    ],
)
def test_mauvais_fichier_par_le_formulaire(m, login, settings, nom, contenu, message):
    reponse = poster(login(m.mediateur), m.seance, nom, contenu)
    assert reponse.status_code == 200
    html = reponse.content.decode()
    assert message in html
    assert 'aria-invalid="true"' in html and 'aria-describedby="id_fichier_aide id_fichier_erreurs"' in html
    assert not FeuilleEmargement.objects.exists() and fichiers_stockes(settings) == []


def test_le_jeton_csrf_reste_exige(m, login, settings):
    """The view is csrf_exempt only to set its upload handler first: the check still runs."""
    from django.test import Client

    client = login(m.mediateur, Client(enforce_csrf_checks=True))
    assert poster(client, m.seance, "f.pdf", fichier_pdf()).status_code == 403
    assert not FeuilleEmargement.objects.exists() and fichiers_stockes(settings) == []


def test_sans_fichier(m, login):
    html = login(m.mediateur).post(url_deposer(m.seance), {}).content.decode()
    assert "Choisissez le fichier de la feuille signée." in html


def test_limite_basse_coupee_a_la_reception(m, login, settings):
    settings.EMARGEMENT_TAILLE_MAX_MO = 1
    reponse = poster(login(m.mediateur), m.seance, "gros.pdf", fichier_pdf() + b"0" * (2 * Mo))
    assert reponse.status_code == 200
    assert "Le fichier est trop volumineux (plus de 1 Mo) : la taille maximale est de 1 Mo." in reponse.content.decode()
    assert not FeuilleEmargement.objects.exists() and fichiers_stockes(settings) == []


def poster_en_flux(client, url: str, chemin, *, nom: str, taille: int):
    """Posts a multipart body of `taille` bytes of file, streamed from a file on disk (never
    held in memory) — what a browser sends."""
    frontiere = "frontiere-h6c-0123456789"
    with chemin.open("wb") as corps:
        corps.write(
            f'--{frontiere}\r\nContent-Disposition: form-data; name="fichier"; filename="{nom}"\r\n'
            f"Content-Type: application/pdf\r\n\r\n%PDF-1.7\n".encode()
        )
        bloc = b"0" * Mo
        for _ in range(taille // Mo):
            corps.write(bloc)
        corps.write(f"\r\n--{frontiere}--\r\n".encode())
    with chemin.open("rb") as flux:
        return client.request(
            REQUEST_METHOD="POST",
            PATH_INFO=url,
            CONTENT_TYPE=f"multipart/form-data; boundary={frontiere}",
            CONTENT_LENGTH=str(chemin.stat().st_size),
            **{"wsgi.input": flux},
        )


def test_un_vrai_depot_de_30_mo_recoit_un_message_clair(m, login, settings, tmp_path):
    """Django does not answer 400 (DATA_UPLOAD_MAX_MEMORY_SIZE counts only the non-file fields):
    the file is cut off at 10 MB while it streams in, and the page says why."""
    client = login(m.mediateur)
    tracemalloc.start()
    try:
        reponse = poster_en_flux(client, url_deposer(m.seance), tmp_path / "corps", nom="scan.pdf", taille=30 * Mo)
        _, pic = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert reponse.status_code == 200
    html = reponse.content.decode()
    assert "Le fichier est trop volumineux (plus de 10 Mo) : la taille maximale est de 10 Mo." in html
    assert pic < 8 * Mo, f"{pic / Mo:.1f} Mo en mémoire"
    assert not FeuilleEmargement.objects.exists() and fichiers_stockes(settings) == []


def test_remplacer_par_le_formulaire(m, login):
    ancienne = deposer_feuille(par=m.mediateur, seance=m.seance, fichier=televerse("v1.pdf", fichier_pdf("v1")))
    client = login(m.responsable)
    sans_motif = poster(client, m.seance, "v2.png", image("PNG"))
    assert "Indiquez pourquoi vous remplacez la feuille déjà déposée (au moins 5 caractères)." in (
        sans_motif.content.decode()
    )
    court = poster(client, m.seance, "v2.png", image("PNG"), motif="abc")
    assert "indiquez pourquoi vous la remplacez (au moins 5 caractères)" in court.content.decode()
    assert FeuilleEmargement.objects.count() == 1

    reponse = poster(client, m.seance, "v2.png", image("PNG"), motif="Le scan était illisible")

    assert reponse.status_code == 302
    ancienne.refresh_from_db()
    assert ancienne.motif_remplacement == "Le scan était illisible"
    assert FeuilleEmargement.objects.get(remplacee_le__isnull=True).type_contenu == "image/png"
    assert Evenement.objects.filter(action=Action.FEUILLE_REMPLACEE, actor=m.responsable.user).count() == 1


def test_seance_pas_encore_commencee_ou_annulee(m, login, settings):
    client = login(m.mediateur)
    a_venir = seance(m.seance.atelier, dans_jours=1)
    annulee = seance(m.seance.atelier, dans_jours=-1, annulee_le=timezone.now())
    html = client.get(url_deposer(a_venir)).content.decode()
    assert "La séance n’a pas encore commencé" in html and 'type="file"' not in html
    assert "Imprimer la feuille d’émargement (PDF)" in html
    assert poster(client, a_venir, "f.pdf", fichier_pdf()).status_code == 200
    assert "Cette séance est annulée" in poster(client, annulee, "f.pdf", fichier_pdf()).content.decode()
    assert not FeuilleEmargement.objects.exists() and fichiers_stockes(settings) == []


@pytest.mark.parametrize(
    ("qui", "statut"),
    [("coordinateur", 403), ("lecteur", 403), ("referent", 403), ("agent", 403), ("mediateur_voisin", 404)],
)
def test_seuls_les_membres_du_lieu_voient_la_page_de_depot(m, login, settings, qui, statut):
    client = login(getattr(m, qui))
    assert client.get(url_deposer(m.seance)).status_code == statut
    assert poster(client, m.seance, "f.pdf", fichier_pdf()).status_code == statut
    assert not FeuilleEmargement.objects.exists() and fichiers_stockes(settings) == []


def test_la_seance_d_un_autre_departement_est_introuvable(m, login, client):
    assert login(m.responsable).get(url_deposer(m.seance_87)).status_code == 404
    client.logout()
    assert client.get(url_deposer(m.seance)).status_code == 302


# --- Download ---------------------------------------------------------------------------------


@pytest.fixture
def feuilles(m):
    """A replaced PDF sheet and the current PNG one."""
    ancienne = deposer_feuille(par=m.mediateur, seance=m.seance, fichier=televerse('Scan "1".pdf', fichier_pdf()))
    courante = deposer_feuille(
        par=m.mediateur, seance=m.seance, fichier=televerse("p.png", image("PNG")), motif="Mieux"
    )
    ancienne.refresh_from_db()
    return ancienne, courante


@pytest.mark.parametrize("qui", ["mediateur", "responsable", "coordinateur"])
def test_telecharger(m, login, feuilles, qui):
    ancienne, courante = feuilles
    client = login(getattr(m, qui))
    for feuille, type_contenu, extension in ((courante, "image/png", "png"), (ancienne, "application/pdf", "pdf")):
        reponse = client.get(reverse("ateliers:feuille_telecharger", args=[m.seance.pk, feuille.pk]))
        assert reponse.status_code == 200
        assert reponse["Content-Type"] == type_contenu
        date = timezone.localtime(m.seance.debut).strftime("%Y-%m-%d")
        nom = f"emargement-seance-{m.seance.pk}-{date}-{feuille.pk}.{extension}"
        assert reponse["Content-Disposition"] == f'attachment; filename="{nom}"'
        assert reponse["Cache-Control"] == "no-store, private"
        assert reponse["X-Content-Type-Options"] == "nosniff"
        with feuille.fichier.open("rb") as stocke:
            assert lire(reponse) == stocke.read()


@pytest.mark.parametrize(
    ("qui", "statut"),
    [
        ("mediateur_voisin", 404),
        ("coordinateur_87", 404),
        ("lecteur", 403),
        ("referent", 403),
        ("agent", 403),
    ],
)
def test_telechargement_refuse(m, login, feuilles, qui, statut):
    _, courante = feuilles
    url = reverse("ateliers:feuille_telecharger", args=[m.seance.pk, courante.pk])
    assert login(getattr(m, qui)).get(url).status_code == statut


def test_une_feuille_d_une_autre_seance_est_introuvable(m, login, feuilles):
    _, courante = feuilles
    autre = seance(m.seance.atelier, dans_jours=-2)
    client = login(m.mediateur)
    assert client.get(reverse("ateliers:feuille_telecharger", args=[autre.pk, courante.pk])).status_code == 404
    assert client.get(reverse("ateliers:feuille_telecharger", args=[m.seance.pk, 999999])).status_code == 404
    # The Haute-Vienne coordinator may not reach it through one of their own sessions either.
    url = reverse("ateliers:feuille_telecharger", args=[m.seance_87.pk, courante.pk])
    assert login(m.coordinateur_87).get(url).status_code == 404


def test_fichier_absent_du_stockage(m, login, feuilles, caplog):
    _, courante = feuilles
    courante.fichier.storage.delete(courante.fichier.name)
    url = reverse("ateliers:feuille_telecharger", args=[m.seance.pk, courante.pk])
    assert login(m.mediateur).get(url).status_code == 404
    assert "fichier absent du stockage" in caplog.text


# --- The block on the session page ------------------------------------------------------------


def bloc(seance_, *, peut_gerer: bool) -> str:
    contexte = {"seance": seance_, "peut_gerer": peut_gerer, "feuille": None, "request": RequestFactory().get("/")}
    return render_to_string("ateliers/seances/_feuille.html", contexte)


def test_bloc_sans_feuille(m, django_assert_num_queries):
    with django_assert_num_queries(1):
        html = bloc(m.seance, peut_gerer=True)
    assert reverse("ateliers:feuille_pdf", args=[m.seance.pk]) in html
    assert "Déposer la feuille signée" in html
    assert "Aucune feuille signée n’est encore déposée pour cette séance." in html
    assert "Émargement verrouillé" not in html
    assert "Déposer la feuille signée" not in bloc(m.seance, peut_gerer=False)
    a_venir = seance(m.seance.atelier, dans_jours=1)
    assert "La séance n’a pas encore commencé" in bloc(a_venir, peut_gerer=True)


def test_bloc_avec_feuille_et_historique(m, feuilles, django_assert_num_queries):
    ancienne, courante = feuilles
    m.seance.refresh_from_db()
    with django_assert_num_queries(1):
        html = bloc(m.seance, peut_gerer=True)
    local = timezone.localtime(m.seance.verrouillee_le)
    assert f"Émargement verrouillé le {local:%d/%m/%Y à %H:%M}" in html
    assert "Remplacer la feuille signée" in html
    assert "par Inès Moreau" in html
    assert (
        f'<code class="text-body" title="{courante.sha256}" aria-hidden="true">{courante.sha256[:12]}…</code>' in html
    )
    assert f'<span class="visually-hidden">{courante.sha256}</span>' in html
    assert reverse("ateliers:feuille_telecharger", args=[m.seance.pk, courante.pk]) in html
    assert "Feuilles remplacées (1), conservées" in html
    assert reverse("ateliers:feuille_telecharger", args=[m.seance.pk, ancienne.pk]) in html
    assert "Scan &quot;1&quot;.pdf" not in html  # only the current sheet's name is shown
    assert "Motif : « Mieux »" in html
