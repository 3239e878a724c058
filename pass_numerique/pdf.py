"""PDF documents of the Pass numérique, rendered by WeasyPrint from HTML templates
(templates/pass_numerique/pdf/) and static/css/pass-pdf.css:

- the booklet handed to a person: a letter (the person's name, the dispositif, how to use the
  cheques in plain French, the validity date, the nearest qualified places with their address,
  phone and opening hours), then the cheques, three to an A4 page with cut lines, each with its
  value, code (as text, in groups, and as a QR code holding the code), serial and booklet
  numbers, validity date and funders;
- the bordereau for the paying accountant (pdf_bordereau, its data from selectors.remboursement).

QR codes are segno SVGs inlined as data: URIs. WeasyPrint fetches nothing from the network: the
URL fetcher accepts data: URIs only (the département's logo is inlined too).
"""

import base64
import functools
import logging
import mimetypes
from decimal import Decimal

import segno
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import formats, timezone

from structures.horaires import lignes_horaires
from structures.models import Lieu
from structures.selectors import lieux_autour
from structures.standard import telephone_lisible

from . import codes
from .models import Carnet, Cheque, Qualification

# WeasyPrint logs each rendering step at INFO (seven lines per PDF): keep the logs for problems.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

FEUILLE_DE_STYLE = "css/pass-pdf.css"
# The nearest qualified places listed in the letter, and how far to look for them.
NB_LIEUX_LETTRE = 4
RAYONS_KM = (10, 25, 50, 100, 200)


def _url_fetcher():
    """Only data: URIs (QR codes, logo): a template can never make WeasyPrint fetch a URL or
    read a file. A refused resource is left out with a warning in the logs (WeasyPrint's fatal
    fetch error derives from BaseException: it would get past Django's error handling). One
    fetcher per document: it keeps state between calls, so it is not shared between threads."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, fail_on_errors=False)


@functools.cache
def _feuille_de_style():
    from weasyprint import CSS

    return CSS(filename=finders.find(FEUILLE_DE_STYLE), url_fetcher=_url_fetcher())


def _couleurs(departement):
    """The département's accent colour (a validated #rrggbb) as a stylesheet, so that templates
    hold no style attribute."""
    from weasyprint import CSS

    couleur = departement.couleur if departement and len(departement.couleur) == 7 else "#005a9c"
    return CSS(
        string=(
            f".pdf-accent{{background-color:{couleur};color:#fff}}"
            f".pdf-filet{{border-color:{couleur}}} .pdf-titre-accent{{color:{couleur}}}"
        )
    )


def rendre_pdf(html: str, *, departement=None) -> bytes:
    from weasyprint import HTML

    document = HTML(string=html, url_fetcher=_url_fetcher())
    return document.write_pdf(stylesheets=[_feuille_de_style(), _couleurs(departement)])


# --- Formatting -------------------------------------------------------------------------------


def euros(montant: Decimal) -> str:
    """« 10 € », « 12,50 € », « 1 250 € » (French, no float)."""
    montant = Decimal(montant)
    decimales = 0 if montant == montant.to_integral_value() else 2
    return f"{formats.number_format(montant, decimales, use_l10n=True, force_grouping=True)} €"


def pourcentage(valeur: Decimal) -> str:
    """Decimal('60.00') → « 60 % », Decimal('33.33') → « 33,33 % »."""
    texte = format(Decimal(valeur).normalize(), "f").replace(".", ",")
    return f"{texte} %"


def date_longue(jour) -> str:
    return formats.date_format(jour, "j F Y")


def qr_data_uri(code: str) -> str:
    """An SVG QR code holding the cheque's code (alphanumeric mode, version 1: 21 × 21 modules,
    error correction boosted as far as it fits)."""
    return segno.make_qr(code, error="m").svg_data_uri(scale=1, border=2, omitsize=True)


def financeurs_texte(financeurs) -> str:
    return ", ".join(f"{f.nom} ({pourcentage(f.pourcentage)})" for f in financeurs)


# --- The booklet ------------------------------------------------------------------------------


def lieux_qualifies_proches(dispositif, commune, *, nombre: int = NB_LIEUX_LETTRE) -> list[Lieu]:
    """The `nombre` nearest open places qualified for the dispositif, from the commune (radius
    widened until enough are found), each with `distance_km`."""
    lieux = Lieu.objects.actifs().filter(
        qualifications__dispositif=dispositif, qualifications__statut=Qualification.Statut.QUALIFIE
    )
    trouves: list[Lieu] = []
    for rayon in RAYONS_KM:
        trouves = list(
            lieux_autour(lieux, latitude=commune.latitude, longitude=commune.longitude, rayon_km=rayon)[:nombre]
        )
        if len(trouves) >= nombre:
            break
    for lieu in trouves:
        lieu.telephone_affiche = telephone_lisible(lieu.telephone)
        lieu.horaires_lignes = lignes_horaires(lieu.horaires, afficher_fermes=False)[0]
        lieu.distance_texte = (
            "moins d’1 km" if lieu.distance_km < 1 else f"{formats.number_format(lieu.distance_km, 0)} km"
        )
    return trouves


def contexte_carnet(carnet: Carnet, *, reimpression: bool = False, maintenant=None) -> dict:
    """Everything the booklet's template shows (a few queries: cheques, funders, places)."""
    maintenant = timezone.localtime(maintenant or timezone.now())
    dispositif = carnet.dispositif
    beneficiaire = carnet.beneficiaire
    departement = carnet.departement
    tous = list(carnet.cheques.order_by("rang"))
    valables = [c for c in tous if c.statut == Cheque.Statut.REMIS]
    financeurs = list(dispositif.financeurs.all())
    validite = date_longue(dispositif.validite_fin)
    cheques = [
        {
            "code": codes.formater(c.code),
            "qr": qr_data_uri(c.code),
            "numero_serie": c.numero_serie,
            "rang": c.rang,
            "valeur": euros(c.valeur),
        }
        for c in valables
    ]
    total = sum((c.valeur for c in valables), Decimal(0))
    organisme = carnet.organisme
    return {
        "carnet": carnet,
        "dispositif": dispositif,
        "departement": departement,
        "logo": _logo(departement),
        "personne": {"prenom": beneficiaire.prenom, "nom": beneficiaire.nom, "commune": beneficiaire.commune.nom},
        "organisme": {
            "nom": organisme.nom if organisme else "",
            "telephone": telephone_lisible(organisme.telephone) if organisme else "",
        },
        "date": date_longue(maintenant),
        "reimpression": reimpression,
        "validite": validite,
        "valeur": euros(dispositif.valeur_faciale),
        "nombre": len(cheques),
        "total": euros(total),
        "non_reimprimes": len(tous) - len(valables),
        "financeurs": financeurs_texte(financeurs),
        "lieux": lieux_qualifies_proches(dispositif, beneficiaire.commune),
        "cheques": cheques,
    }


def html_carnet(carnet: Carnet, *, reimpression: bool = False, maintenant=None) -> str:
    return render_to_string(
        "pass_numerique/pdf/carnet.html", contexte_carnet(carnet, reimpression=reimpression, maintenant=maintenant)
    )


def pdf_carnet(carnet: Carnet, *, reimpression: bool = False) -> bytes:
    return rendre_pdf(html_carnet(carnet, reimpression=reimpression), departement=carnet.departement)


def _logo(departement) -> str:
    """The département's logo as a data: URI ('' if none or unreadable)."""
    if not departement.logo:
        return ""
    type_mime = mimetypes.guess_type(departement.logo.name)[0] or ""
    if not type_mime.startswith("image/"):
        return ""
    try:
        with departement.logo.open("rb") as fichier:
            contenu = fichier.read()
    except (OSError, ValueError):
        return ""
    return f"data:{type_mime};base64,{base64.b64encode(contenu).decode()}"


# --- The bordereau ----------------------------------------------------------------------------


def html_bordereau(contexte: dict) -> str:
    return render_to_string("pass_numerique/pdf/bordereau.html", {**contexte, "logo": _logo(contexte["departement"])})


def pdf_bordereau(contexte: dict) -> bytes:
    return rendre_pdf(html_bordereau(contexte), departement=contexte["departement"])
