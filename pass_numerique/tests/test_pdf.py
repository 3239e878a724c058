"""The booklet's PDF: what the HTML fed to WeasyPrint says, the text of the PDF itself, and QR
codes that hold the cheques' codes (decoded from the rendered pages with zxing-cpp when it is
installed; in any case the SVG's modules are rebuilt and compared with segno's matrix)."""

import re
import shutil
import subprocess
import urllib.parse
from pathlib import Path

import pytest
import segno
from django.utils import formats, timezone

from comptes.tests.factories import LieuFactory

from ..models import Cheque, Qualification
from ..pdf import euros, html_carnet, lieux_qualifies_proches, pdf_carnet, pourcentage, qr_data_uri
from ..services.remise import remettre
from .factories import lieu_qualifie, qualifier
from .test_remise_donnees import monde

pytestmark = pytest.mark.django_db


@pytest.fixture
def carnet_remis():
    m = monde()
    return m, remettre(par=m.agent, beneficiaire=m.beneficiaire, dispositif=m.dispositif)


def texte_du_pdf(contenu: bytes, tmp_path: Path) -> str:
    """The PDF's text, read with pypdf (requirements-dev.txt)."""
    import io

    import pypdf

    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(contenu)).pages)


def test_le_html_du_carnet_dit_tout(carnet_remis):
    m, carnet = carnet_remis
    html = html_carnet(carnet)
    assert "Bonjour Odette Martin" in html
    assert m.dispositif.nom in html
    assert f"jusqu’au {formats.date_format(m.dispositif.validite_fin, 'j F Y')}" in html
    assert "10 chèques Pass numérique" in html and "100 €" in html
    # Nearest qualified places, with phone and hours in French.
    assert html.index("Médiathèque de Guéret") < html.index("Tiers-lieu de Saint-Fiel")
    assert "05 55 51 00 00" in html
    assert "Lundi au vendredi : 9 h – 12 h, 14 h – 17 h 30" in html
    assert "CCAS de Guéret au 05 55 52 00 00" in html
    # Each cheque: code in groups, QR, serial, booklet number, validity, funders.
    for cheque in carnet.cheques.all():
        assert f"{cheque.code[:5]}-{cheque.code[5:]}" in html
        assert f"Chèque n° <strong>{cheque.numero_serie}</strong>" in html
    assert html.count("data:image/svg+xml") == 10
    assert html.count(f"Carnet n° {carnet.numero}") >= 10
    assert "FSE+ (60 %), État (20 %), Département (20 %)" in html
    assert "Réimpression" not in html


def test_seuls_les_lieux_qualifies_ouverts_du_dispositif(carnet_remis):
    m, carnet = carnet_remis
    proche = {"latitude": 46.1705, "longitude": 1.8705, "est_actif": True}
    lieu_qualifie(m.dispositif, nom="Suspendu", **proche).qualifications.update(statut=Qualification.Statut.SUSPENDU)
    qualifier(
        LieuFactory(departement=m.dispositif.departement, nom="Candidat", **proche),
        m.dispositif,
        statut=Qualification.Statut.CANDIDAT,
    )
    lieu_qualifie(
        m.dispositif, nom="Fermé", latitude=46.1705, longitude=1.8705, est_actif=False, ferme_le=timezone.localdate()
    )
    noms = [lieu.nom for lieu in lieux_qualifies_proches(m.dispositif, m.beneficiaire.commune)]
    assert noms == ["Médiathèque de Guéret", "Tiers-lieu de Saint-Fiel"]
    html = html_carnet(carnet)
    for nom in ("Suspendu", "Candidat", "Fermé"):
        assert nom not in html


def test_reimpression_sans_les_cheques_deja_utilises(carnet_remis):
    m, carnet = carnet_remis
    utilise = carnet.cheques.order_by("rang").first()
    Cheque.objects.filter(pk=utilise.pk).update(
        statut=Cheque.Statut.ENCAISSE, encaisse_le=timezone.now(), lieu_encaissement=m.lieux[0]
    )
    html = html_carnet(carnet, reimpression=True)
    assert "Réimpression du carnet" in html
    assert utilise.code[:5] + "-" + utilise.code[5:] not in html
    assert html.count("data:image/svg+xml") == 9
    assert "1 chèque de ce carnet déjà utilisé" in html


def test_le_texte_du_pdf(carnet_remis, tmp_path):
    _m, carnet = carnet_remis
    contenu = pdf_carnet(carnet)
    assert contenu.startswith(b"%PDF")
    texte = " ".join(texte_du_pdf(contenu, tmp_path).split())
    assert "Bonjour Odette Martin" in texte
    assert "Médiathèque de Guéret" in texte and "05 55 51 00 00" in texte
    for cheque in carnet.cheques.all():
        assert f"{cheque.code[:5]}-{cheque.code[5:]}" in texte
        assert f"Chèque n° {cheque.numero_serie}" in texte
    import io

    import pypdf

    assert len(pypdf.PdfReader(io.BytesIO(contenu)).pages) == 5  # a letter page, then 10 cheques three a page


def _matrice_du_svg(uri: str) -> list[list[int]]:
    """Rebuild the modules from segno's SVG path (M x y, h n, m dx dy)."""
    svg = urllib.parse.unquote(uri.split(",", 1)[1])
    taille = int(re.search(r"viewBox='0 0 (\d+) \d+'", svg).group(1))
    chemin = re.search(r" d='([^']+)'", svg).group(1)
    matrice = [[0] * taille for _ in range(taille)]
    x = y = 0.0
    for commande, nombres in re.findall(r"([Mmh])([-\d. ]+)", chemin):
        valeurs = [float(v) for v in nombres.split()]
        if commande == "M":
            x, y = valeurs
        elif commande == "m":
            x, y = x + valeurs[0], y + valeurs[1]
        else:
            for colonne in range(int(x), int(x + valeurs[0])):
                matrice[int(y)][colonne] = 1
            x += valeurs[0]
    return matrice


def test_le_qr_code_tient_le_code_du_cheque(carnet_remis):
    _m, carnet = carnet_remis
    for cheque in carnet.cheques.all():
        attendu = segno.make_qr(cheque.code, error="m")
        modules = [[1 if v else 0 for v in rang] for rang in attendu.matrix]
        bord = 2
        matrice = _matrice_du_svg(qr_data_uri(cheque.code))
        assert [rang[bord:-bord] for rang in matrice[bord:-bord]] == modules
        # Alphanumeric mode, version 1: large modules, easy to scan from paper.
        assert attendu.version == 1 and attendu.mode == "alphanumeric"


def test_les_qr_codes_du_pdf_se_decodent(carnet_remis, tmp_path):
    """Render the cheque pages to images and decode them: zxing-cpp (requirements-dev.txt) and
    pdftoppm (poppler-utils, installed by scripts/system_packages.sh) are required, not optional."""
    import zxingcpp
    from PIL import Image

    assert shutil.which("pdftoppm"), "pdftoppm manquant : lancez scripts/system_packages.sh (poppler-utils)"

    _m, carnet = carnet_remis
    fichier = tmp_path / "carnet.pdf"
    fichier.write_bytes(pdf_carnet(carnet))
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(fichier), str(tmp_path / "page")], check=True)
    lus = set()
    for image in sorted(tmp_path.glob("page-*.png")):
        with Image.open(image) as img:
            lus |= {resultat.text for resultat in zxingcpp.read_barcodes(img)}
    assert lus == set(carnet.cheques.values_list("code", flat=True))


def test_formats_francais():
    from decimal import Decimal

    assert euros(Decimal("10.00")) == "10 €"
    assert euros(Decimal("12.5")) == "12,50 €"
    assert euros(Decimal("1250.00")) == "1\xa0250 €"
    assert pourcentage(Decimal("60.00")) == "60 %"
    assert pourcentage(Decimal("33.33")) == "33,33 %"


def test_aucune_ressource_exterieure(caplog):
    from ..pdf import _url_fetcher, rendre_pdf

    for url in ("file:///etc/hostname", "http://exemple.test/logo.png", "https://exemple.test/x.css"):
        with pytest.raises(ValueError, match="disallowed protocol"):
            _url_fetcher().fetch(url)
    contenu = rendre_pdf('<!DOCTYPE html><html lang="fr"><body><img src="file:///etc/hostname" alt="x"></body></html>')
    assert contenu.startswith(b"%PDF")


def test_le_logo_du_departement_est_integre(carnet_remis):
    import base64

    from django.core.files.base import ContentFile

    _m, carnet = carnet_remis
    png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4//8/AAX+Av4N70a4AAAAAElFTkSuQmCC"
    )
    carnet.departement.logo.save("creuse.png", ContentFile(png), save=True)
    html = html_carnet(carnet)
    assert 'class="pdf-logo" src="data:image/png;base64,' in html
    assert pdf_carnet(carnet).startswith(b"%PDF")
