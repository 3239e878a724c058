"""The roll-call page: marks and cheques through the pages, results next to the person, the
refused cheques, the lock (reason required), the counts, and what the page shows."""

import re

import pytest
from django.urls import reverse

from journal.models import Action, Evenement
from pass_numerique.models import Cheque, Encaissement

from ..models import Inscription, PresenceCheque
from .factories import inscrire
from .test_emargement_donnees import monde

pytestmark = pytest.mark.django_db
RE_CLE = re.compile(r'name="cle" value="([^"]+)"')


@pytest.fixture
def m():
    return monde()


def url(nom, m, *args):
    return reverse(f"ateliers:{nom}", args=[m.seance.pk, *args])


def texte(reponse) -> str:
    return reponse.content.decode()


def personne_html(html: str, inscription) -> str:
    """The <li> of one person on the roll-call page."""
    debut = html.index(f'id="personne-{inscription.pk}"')
    fins = [
        html.find(marque, debut + 40) for marque in ('class="ei-personne"', 'id="titre-attente"', 'id="titre-anonymes"')
    ]
    return html[debut : min(f for f in fins if f > 0)]


def test_la_page_d_appel(login, m):
    a, b = m.inscrite(), m.inscrite()
    attente = inscrire(m.seance, m.personne(), statut=Inscription.Statut.ATTENTE)
    reponse = login(m.mediateur).get(url("emargement", m))
    assert reponse.status_code == 200
    html = texte(reponse)
    assert "<h1>Émargement : Premiers pas sur smartphone</h1>" in html
    for inscription in (a, b):
        bloc = personne_html(html, inscription)
        assert str(inscription.beneficiaire) in bloc
        assert bloc.count('type="submit"') == 3 and 'aria-pressed="false"' in bloc
        assert reverse("ateliers:pointer", args=[m.seance.pk, inscription.pk]) in bloc
        assert 'name="code"' not in bloc  # no cheque field before the person is present
    assert "Liste d’attente (1)" in html and str(attente.beneficiaire) in html
    assert reverse("ateliers:feuille_pdf", args=[m.seance.pk]) in html
    assert reverse("ateliers:feuille_deposer", args=[m.seance.pk]) in html
    assert re.search(r'data-compte="presents">\s*0 / 2\s*<', html)
    assert re.search(r'data-compte="cheques">\s*0\s*<', html)
    assert re.search(r'<script nonce="[^"]+" src="/static/js/scanner-qr\.js"', html)
    assert "style=" not in html


def test_pointer_puis_encaisser_par_les_pages(login, m):
    inscription = m.inscrite()
    client = login(m.mediateur)
    reponse = client.post(url("pointer", m, inscription.pk), {"presence": "present"})
    assert reponse.status_code == 302
    assert reponse["Location"] == url("emargement", m) + f"#personne-{inscription.pk}"
    inscription.refresh_from_db()
    assert inscription.presence == "present" and inscription.marquee_par == m.mediateur.user
    page = client.get(url("emargement", m))
    bloc = personne_html(texte(page), inscription)
    assert 'value="present"\n' in bloc or re.search(r'value="present"\s+class="[^"]+"\s+aria-pressed="true"', bloc)
    assert f"{inscription.beneficiaire} : présent·e." in texte(page)
    cle = RE_CLE.search(bloc).group(1)
    code = m.code(inscription.beneficiaire)
    reponse = client.post(url("encaisser", m, inscription.pk), {"code": code.lower(), "cle": cle})
    assert reponse.status_code == 200
    html = texte(reponse)
    bloc = personne_html(html, inscription)
    assert "<span>Chèque encaissé</span>" in bloc and "Chèque accepté : 10,00 €" in bloc
    assert 'name="code"' not in bloc  # one cheque per session and person
    assert re.search(r'data-compte="cheques">\s*1\s*<', html)
    lien = PresenceCheque.objects.get()
    assert lien.inscription == inscription
    assert lien.encaissement.source == Encaissement.Source.EMARGEMENT
    assert Cheque.objects.get(code=code).statut == Cheque.Statut.ENCAISSE
    # The same form sent again (a reload): « encaissé » again, one redemption only.
    encore = texte(client.post(url("encaisser", m, inscription.pk), {"code": code, "cle": cle}))
    assert "<span>Chèque encaissé</span>" in encore
    assert Encaissement.objects.count() == 1 and PresenceCheque.objects.count() == 1


@pytest.mark.parametrize(
    ("preparer", "titre"),
    [
        ("deja", "Chèque déjà encaissé"),
        ("expire", "Chèque expiré"),
        ("faute", "Code incorrect"),
        ("pas_remis", "Chèque pas encore remis"),
        ("autre", "Chèque d’une autre personne"),
    ],
)
def test_un_cheque_refuse_pendant_l_appel(login, m, preparer, titre):
    inscription = m.inscrite()
    inscription.presence = "present"
    inscription.save()
    cheque = m.cheques[inscription.beneficiaire_id][0]
    code = cheque.code
    if preparer == "deja":
        Cheque.objects.filter(pk=cheque.pk).update(
            statut=Cheque.Statut.ENCAISSE, encaisse_le=cheque.modifie_le, lieu_encaissement=m.lieu
        )
    elif preparer == "expire":
        Cheque.objects.filter(pk=cheque.pk).update(statut=Cheque.Statut.EXPIRE)
    elif preparer == "faute":
        code = code[:9] + ("2" if code[9] != "2" else "3")
    elif preparer == "pas_remis":
        from pass_numerique.tests.factories import carnet

        code = carnet(m.dispositif, taille=5).cheques.first().code
    elif preparer == "autre":
        code = m.code(m.personne())
    avant = Evenement.objects.count()
    reponse = login(m.mediateur).post(url("encaisser", m, inscription.pk), {"code": code, "cle": "cle-refus"})
    assert reponse.status_code == 200
    bloc = personne_html(texte(reponse), inscription)
    assert f"<span>{titre}</span>" in bloc and 'role="alert"' in bloc
    assert 'name="code"' in bloc  # the field is still there to try another cheque
    assert not PresenceCheque.objects.exists() and not Encaissement.objects.exists()
    assert Evenement.objects.count() == avant


def test_le_code_reste_apres_une_faute_de_frappe(login, m):
    inscription = m.inscrite()
    Inscription.objects.filter(pk=inscription.pk).update(presence="present")
    mauvais = "ABCDE-FGHJK"
    bloc = personne_html(
        texte(login(m.mediateur).post(url("encaisser", m, inscription.pk), {"code": mauvais})), inscription
    )
    assert f'value="{mauvais}"' in bloc and f"resultat-{inscription.pk}-message" in bloc


def test_pointer_une_mauvaise_valeur(login, m):
    inscription = m.inscrite()
    reponse = login(m.mediateur).post(url("pointer", m, inscription.pk), {"presence": "peut-etre"})
    assert reponse.status_code == 200
    assert "Choisissez présent·e, absent·e ou excusé·e." in personne_html(texte(reponse), inscription)
    inscription.refresh_from_db()
    assert inscription.presence == ""
    assert not Evenement.objects.filter(action=Action.PRESENCE_MARQUEE).exists()


def test_pointer_avant_le_jour_de_la_seance(login):
    m = monde(dans_jours=3)
    inscription = m.inscrite()
    client = login(m.mediateur)
    page = texte(client.get(url("emargement", m)))
    assert "La séance n’a pas encore eu lieu" in page
    assert reverse("ateliers:pointer", args=[m.seance.pk, inscription.pk]) not in page
    reponse = client.post(url("pointer", m, inscription.pk), {"presence": "present"})
    assert "La séance n’a pas encore eu lieu : vous pourrez pointer les présences à partir du" in texte(reponse)
    inscription.refresh_from_db()
    assert inscription.presence == ""


@pytest.mark.parametrize("statut", ["attente", "desinscrit"])
def test_pointer_une_personne_non_inscrite(login, m, statut):
    inscription = inscrire(m.seance, m.personne(), statut=statut)
    reponse = login(m.mediateur).post(url("pointer", m, inscription.pk), {"presence": "present"})
    assert reponse.status_code == 200
    assert "n’est pas inscrit·e à cette séance" in texte(reponse)
    inscription.refresh_from_db()
    assert inscription.presence == "" and not Evenement.objects.filter(action=Action.PRESENCE_MARQUEE).exists()


def test_pointer_l_inscription_d_une_autre_seance(login, m):
    from .factories import seance

    autre = inscrire(seance(m.atelier, dans_jours=0, heure=9), m.personne())
    client = login(m.mediateur)
    assert client.post(url("pointer", m, autre.pk), {"presence": "present"}).status_code == 404
    assert client.post(url("encaisser", m, autre.pk), {"code": "x"}).status_code == 404
    assert client.post(url("pointer", m, 999999), {"presence": "present"}).status_code == 404
    autre.refresh_from_db()
    assert autre.presence == ""


def test_la_feuille_verrouillee_demande_un_motif(login, m):
    from django.utils import timezone

    inscription = m.inscrite()
    Inscription.objects.filter(pk=inscription.pk).update(presence="absent")
    m.seance.verrouillee_le = timezone.now()
    m.seance.save()
    client = login(m.mediateur)
    page = texte(client.get(url("emargement", m)))
    assert "l’émargement est verrouillé" in page and f'id="motif-p-{inscription.pk}"' in page
    sans = client.post(url("pointer", m, inscription.pk), {"presence": "present", "motif": "oui"})
    assert "indiquez le motif de la correction" in texte(sans)
    inscription.refresh_from_db()
    assert inscription.presence == "absent"
    reponse = client.post(
        url("pointer", m, inscription.pk), {"presence": "present", "motif": "Arrivée en retard, oubliée"}
    )
    assert reponse.status_code == 302
    inscription.refresh_from_db()
    assert inscription.presence == "present"
    evenement = Evenement.objects.get(action=Action.PRESENCE_CORRIGEE)
    assert evenement.details["motif"] == "Arrivée en retard, oubliée"
    assert (evenement.details["avant"], evenement.details["apres"]) == ("absent", "present")
    # A new cheque after the lock also needs a reason.
    code = m.code(inscription.beneficiaire)
    refus = personne_html(texte(client.post(url("encaisser", m, inscription.pk), {"code": code})), inscription)
    assert "<span>Motif obligatoire</span>" in refus and not Encaissement.objects.exists()
    ok = texte(client.post(url("encaisser", m, inscription.pk), {"code": code, "motif": "Chèque oublié à l’appel"}))
    assert "<span>Chèque encaissé</span>" in ok
    correction = Evenement.objects.filter(action=Action.PRESENCE_CORRIGEE).latest("pk")
    assert correction.details["motif"] == "Chèque oublié à l’appel"
    assert correction.details["cheque"] == m.cheques[inscription.beneficiaire_id][0].numero_serie


def test_les_compteurs(login, m):
    presents = [m.inscrite() for _ in range(3)]
    m.inscrite()
    client = login(m.mediateur)
    for inscription in presents:
        client.post(url("pointer", m, inscription.pk), {"presence": "present"})
    client.post(url("encaisser", m, presents[0].pk), {"code": m.code(presents[0].beneficiaire)})
    html = texte(client.get(url("emargement", m)))
    assert re.search(r'data-compte="presents">\s*3 / 4\s*<', html)
    assert re.search(r'data-compte="cheques">\s*1\s*<', html)
    assert "Personnes inscrites (4 sur 8 places)" in html


def test_une_seance_individuelle(login, m):
    from .factories import AtelierFactory, seance

    atelier = AtelierFactory(lieu=m.lieu, format="individuel", capacite=1, accepte_pass=True)
    s = seance(atelier, dans_jours=0)
    inscription = inscrire(s, m.personne())
    client = login(m.responsable)
    page = client.get(reverse("ateliers:emargement", args=[s.pk]))
    assert "Personnes inscrites (1 sur 1 places)" in texte(page)
    client.post(reverse("ateliers:pointer", args=[s.pk, inscription.pk]), {"presence": "present"})
    reponse = client.post(
        reverse("ateliers:encaisser", args=[s.pk, inscription.pk]), {"code": m.code(inscription.beneficiaire)}
    )
    assert "<span>Chèque encaissé</span>" in texte(reponse)
    assert PresenceCheque.objects.get().inscription == inscription


def test_un_cheque_rendu_ne_compte_plus(login, m):
    from django.template import Context, Template

    from pass_numerique.services.encaissement import annuler_encaissement

    from ..services import emargement as service

    inscription = m.inscrite()
    service.pointer(par=m.mediateur, inscription=inscription, presence="present")
    inscription.refresh_from_db()
    service.encaisser_cheque(par=m.mediateur, inscription=inscription, code_saisi=m.code(inscription.beneficiaire))
    annuler_encaissement(par=m.mediateur, encaissement=Encaissement.objects.get(), motif="Erreur de personne")
    html = texte(login(m.mediateur).get(url("emargement", m)))
    assert re.search(r'data-compte="cheques">\s*0\s*<', html)
    assert 'name="code"' in personne_html(html, inscription)  # a cheque may be taken again
    # The session page's block, given every link (an undone one too), counts the live ones only.
    liens = {inscription.pk: list(PresenceCheque.objects.select_related("encaissement"))}
    bloc = Template('{% include "ateliers/seances/_inscriptions.html" %}').render(
        Context(
            {
                "seance": m.seance,
                "peut_gerer": True,
                "inscriptions": [inscription],
                "attente": [],
                "cheques_par_inscription": liens,
            }
        )
    )
    assert "Chèques encaissés : 0." in bloc and "chèque" not in bloc.split("Chèques encaissés : 0.")[1]
