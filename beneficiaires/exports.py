"""The person's right of access (GDPR, article 15): everything held about them.

`donnees_de()` gathers it as a dict with French keys and French labels (never internal codes);
`en_json()` and `en_pdf()` turn that dict into the two downloads. The PDF is a short letter-like
document (WeasyPrint) with one captioned table per section, and tells the person how to have
their data corrected or erased.

Reads only: the view checks the permission (`rules.peut_exporter`) and journals the export.

Apps above this one (pass_numerique, ateliers) hold more about the person (booklets, sessions):
they add it through the `donnees_supplementaires` signal, which this app sends without importing
them. A receiver returns a list of sections:
`[{"titre": "Carnets remis", "colonnes": ["Numéro", "Remis le"], "lignes": [["C-001", "02/03/2026"]]}]`
(texts only, French, already formatted).
"""

import datetime
import json
import re

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Prefetch
from django.dispatch import Signal
from django.template.loader import render_to_string
from django.utils import timezone

from .diagnostic import Besoin, NiveauAutonomie
from .fse import QUESTIONS_OUI_NON
from .models import Beneficiaire, Orientation, Public, Suivi

# Sent with `beneficiaire`; each receiver returns a list of sections (see the module's docstring).
donnees_supplementaires = Signal()

TITRE = "Vos données personnelles"
COULEUR_PAR_DEFAUT = "#005a9c"
SOUS_TITRE = "Droit d’accès (article 15 du règlement général sur la protection des données)"


def _libelles(choix, valeurs) -> list[str]:
    libelles = dict(choix.choices)
    return [str(libelles.get(v, v)) for v in valeurs]


def _oui_non(valeur: bool | None) -> str:
    return {True: "Oui", False: "Non", None: "Non déterminée"}[valeur]


def _local(moment: datetime.datetime | None) -> datetime.datetime | None:
    return timezone.localtime(moment) if moment else None


def _indicateurs_fse(b: Beneficiaire) -> list[dict]:
    """The FSE+ entry indicators as asked, with the answer's label."""
    lignes = [
        {"question": "Sexe", "reponse": b.get_sexe_display()},
        {"question": "Situation vis-à-vis de l’emploi", "reponse": b.get_situation_emploi_display()},
        {"question": "Niveau d’études", "reponse": b.get_niveau_etudes_display()},
    ]
    for champ, question in QUESTIONS_OUI_NON.items():
        lignes.append({"question": question, "reponse": getattr(b, f"get_{champ}_display")()})
    age = f"{b.age_a_l_entree} ans" if b.age_a_l_entree is not None else "Non déterminé"
    lignes.append({"question": "Âge à l’entrée dans le dispositif", "reponse": age})
    lignes.append({"question": "Commune en zone rurale (déduit de la commune)", "reponse": _oui_non(b.zone_rurale)})
    return lignes


def _lieu(lieu) -> dict:
    adresse = ", ".join(filter(None, [lieu.adresse, lieu.complement_adresse]))
    return {
        "nom": lieu.nom,
        "adresse": adresse,
        "commune": " ".join(filter(None, [lieu.code_postal, lieu.commune])),
        "telephone": lieu.telephone,
    }


def _orientation(o: Orientation) -> dict:
    return {
        "orientee_le": _local(o.cree_le),
        "lieu": _lieu(o.lieu),
        "par_organisme": o.organisme.nom,
        "besoins": _libelles(Besoin, o.besoins),
        "message_au_lieu": o.message,
        "statut": o.get_statut_display(),
        "reponse_le": _local(o.repondu_le),
        "motif_du_refus": o.motif_refus,
    }


def _ancienne_fiche(f: Beneficiaire) -> dict:
    """A record merged into this one: what it still holds (the history stays readable)."""
    return {
        "reference": f.pseudonyme,
        "fusionnee_le": _local(f.fusionne_le),
        "nom": f.nom,
        "prenom": f.prenom,
        "date_de_naissance": f.date_naissance,
        "telephone": f.telephone,
        "email": f.email,
        "notes": f.notes,
    }


def charger(pk) -> Beneficiaire:
    """The record with everything the export reads, in a fixed number of queries."""
    return (
        Beneficiaire.objects.select_related("departement", "commune")
        .prefetch_related(
            Prefetch("suivis", queryset=Suivi.objects.select_related("organisme").order_by("cree_le", "pk")),
            Prefetch(
                "orientations",
                queryset=Orientation.objects.select_related("lieu", "organisme").order_by("-cree_le", "-pk"),
            ),
            Prefetch("fusionnes", queryset=Beneficiaire.objects.order_by("fusionne_le", "pk")),
        )
        .get(pk=pk)
    )


def donnees_de(b: Beneficiaire, *, maintenant: datetime.datetime | None = None) -> dict:
    """Everything held about the person, with French keys and labels. Dates stay date objects
    (the JSON writes them in ISO 8601, the PDF as dd/mm/yyyy), times are in Europe/Paris."""
    maintenant = timezone.localtime(maintenant or timezone.now()).replace(microsecond=0)
    retention = settings.BENEFICIAIRES_RETENTION_MOIS
    return {
        "document": f"{TITRE} — {SOUS_TITRE}",
        "produit_le": maintenant,
        "reference": b.pseudonyme,
        "departement": {"code": b.departement.code, "nom": b.departement.nom},
        "identite": {"nom": b.nom, "prenom": b.prenom, "date_de_naissance": b.date_naissance},
        "coordonnees": {"telephone": b.telephone, "email": b.email},
        "commune": {"nom": b.commune.nom, "code_insee": b.commune.code_insee},
        "publics_eligibles": _libelles(Public, b.publics),
        "indicateurs_fse": _indicateurs_fse(b),
        "diagnostic": {
            "besoins": _libelles(Besoin, b.besoins),
            "niveau_d_autonomie": str(NiveauAutonomie(b.niveau_autonomie).label) if b.niveau_autonomie else "",
        },
        "notes": b.notes,
        "information_donnees_personnelles_donnee_le": b.information_rgpd_le,
        "organismes_qui_suivent": [
            {
                "nom": s.organisme.nom,
                "type": s.organisme.get_type_organisme_display(),
                "depuis_le": _local(s.cree_le),
                "origine": s.get_origine_display(),
            }
            for s in b.suivis.all()
        ],
        "orientations": [_orientation(o) for o in b.orientations.all()],
        "anciennes_fiches_fusionnees": [_ancienne_fiche(f) for f in b.fusionnes.all()],
        "autres_donnees": _sections_supplementaires(b),
        "dates": {
            "fiche_creee_le": _local(b.cree_le),
            "fiche_modifiee_le": _local(b.modifie_le),
            "derniere_activite_le": _local(b.derniere_activite_le),
            "anonymisation_prevue_le": timezone.localtime(b.derniere_activite_le).date()
            + relativedelta(months=retention),
        },
        "conservation": (
            f"Les données sont anonymisées {retention} mois après la dernière activité (rendez-vous, orientation, "
            "chèque, atelier…). Restent alors, sans nom ni coordonnées, les indicateurs demandés par les "
            "financeurs (dont le Fonds social européen), les publics d’éligibilité et la commune."
        ),
        "vos_droits": [
            "Rectification : pour corriger une information, adressez-vous à l’un des organismes qui vous suivent "
            "ou à l’équipe inclusion numérique du département.",
            "Effacement : vous pouvez demander l’anonymisation de votre fiche à l’équipe inclusion numérique du "
            "département.",
            "Opposition et limitation : adressez-vous au délégué ou à la déléguée à la protection des données du "
            "département.",
            "Réclamation : vous pouvez saisir la CNIL (www.cnil.fr, 3 place de Fontenoy, 75007 Paris).",
        ],
    }


def _sections_supplementaires(b: Beneficiaire) -> list[dict]:
    sections = []
    for _receiver, reponse in donnees_supplementaires.send(sender=Beneficiaire, beneficiaire=b):
        for section in reponse or []:
            sections.append(
                {
                    "titre": str(section["titre"]),
                    "colonnes": [str(c) for c in section["colonnes"]],
                    "lignes": [[str(v) for v in ligne] for ligne in section["lignes"]],
                }
            )
    return sections


def _serialiser(valeur):
    if isinstance(valeur, datetime.date | datetime.datetime):
        return valeur.isoformat()
    raise TypeError(f"Valeur non sérialisable : {type(valeur).__name__}")


def en_json(donnees: dict) -> bytes:
    return json.dumps(donnees, ensure_ascii=False, indent=2, default=_serialiser).encode("utf-8")


def en_pdf(donnees: dict, *, couleur: str = COULEUR_PAR_DEFAUT) -> bytes:
    """A readable PDF (A4, French, tagged for screen readers) built from `donnees_de()`, with the
    département's accent colour."""
    import weasyprint  # heavy: imported when a PDF is asked for

    if not re.fullmatch(r"#[0-9a-fA-F]{6}", couleur or ""):
        couleur = COULEUR_PAR_DEFAUT
    contexte = {"d": donnees, "titre": TITRE, "sous_titre": SOUS_TITRE}
    html = render_to_string("beneficiaires/rgpd/export_pdf.html", contexte)
    css = render_to_string("beneficiaires/rgpd/export_pdf.css", {"couleur": couleur})
    # The document loads nothing: a fetcher that allows data: URIs only, so that no text typed
    # about a person can make WeasyPrint read a file or a URL.
    from weasyprint.urls import URLFetcher

    recuperateur = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    document = weasyprint.HTML(string=html, url_fetcher=recuperateur)
    feuille = weasyprint.CSS(string=css, url_fetcher=recuperateur)
    return document.write_pdf(stylesheets=[feuille], pdf_variant="pdf/ua-1")


def nom_de_fichier(beneficiaire: Beneficiaire, extension: str) -> str:
    """Named after the pseudonym, never the person's name."""
    return f"donnees-personnelles-{beneficiaire.pseudonyme}.{extension}"
