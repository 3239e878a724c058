"""The attendance sheet (feuille d’émargement) of a session, as a PDF to print before the session
and have signed: rendered by WeasyPrint through pass_numerique.pdf.rendre_pdf (the same fetcher
that loads no resource but data: URIs, the same A4 base stylesheet) from
templates/ateliers/feuilles/pdf.html, whose own styles (black on white, readable in black and
white, page numbers) sit in templates/ateliers/feuilles/pdf.css.

It lists the REGISTERED people (statut inscrit), by name, each with a signature box, then a few
empty rows for walk-ins and late registrations, the mediators' signature boxes, the dispositif and
its funders, and the mention that the sheet is evidence for the European Social Fund.
"""

from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.utils import formats, timezone

from pass_numerique.pdf import rendre_pdf

from .models import Inscription, Seance

# Empty rows after the registered people, for walk-ins and late registrations.
LIGNES_VIDES = 5


def heure(moment) -> str:
    """« 14 h 00 », in Europe/Paris."""
    local = timezone.localtime(moment)
    return f"{local.hour} h {local.minute:02d}"


def lieu_de_la_seance(seance: Seance) -> dict:
    """Where the session takes place: the place, or the commune and address of an itinerant one."""
    lieu = seance.lieu
    if seance.itinerante:
        commune = seance.commune
        codes = commune.liste_codes_postaux if commune else []
        ligne_commune = " ".join(filter(None, [codes[0] if len(codes) == 1 else "", commune.nom])) if commune else ""
        return {
            "nom": f"Séance itinérante à {commune.nom}" if commune else "Séance itinérante",
            "adresse": ", ".join(filter(None, [seance.adresse, ligne_commune])),
            "organisee_par": lieu.nom,
        }
    adresse = ", ".join(filter(None, [lieu.adresse, lieu.complement_adresse]))
    ville = " ".join(filter(None, [lieu.code_postal, lieu.commune]))
    return {"nom": lieu.nom, "adresse": ", ".join(filter(None, [adresse, ville])), "organisee_par": ""}


def personnes_inscrites(seance: Seance) -> list[dict]:
    inscriptions = (
        seance.inscriptions.filter(statut=Inscription.Statut.INSCRIT)
        .select_related("beneficiaire")
        .order_by(Lower("beneficiaire__nom"), Lower("beneficiaire__prenom"), "pk")
    )
    personnes = []
    for inscription in inscriptions:
        b = inscription.beneficiaire
        if b.est_anonymise:  # the record was anonymised: a line to sign all the same
            personnes.append({"nom": f"Personne anonymisée ({b.pseudonyme})", "prenom": ""})
        else:
            personnes.append({"nom": b.nom.upper(), "prenom": b.prenom})
    return personnes


def contexte_feuille(seance: Seance, *, maintenant=None) -> dict:
    atelier = seance.atelier
    dispositif = atelier.dispositif
    debut = timezone.localtime(seance.debut)
    personnes = personnes_inscrites(seance)
    mediateurs = [m.get_full_name() or m.email for m in seance.mediateurs.order_by("last_name", "first_name", "pk")]
    return {
        "seance": seance,
        "atelier": atelier,
        "departement": seance.lieu.departement,
        "lieu": lieu_de_la_seance(seance),
        "date": formats.date_format(debut, "l j F Y"),
        "debut": heure(seance.debut),
        "fin": heure(seance.fin),
        "mediateurs": mediateurs,
        "personnes": personnes,
        "lignes_vides": range(len(personnes) + 1, len(personnes) + LIGNES_VIDES + 1),
        "dispositif": dispositif,
        "financeurs": [f.nom for f in dispositif.financeurs.all()] if dispositif else [],
        "edite_le": timezone.localtime(maintenant or timezone.now()),
    }


def html_feuille(seance: Seance, *, maintenant=None) -> str:
    return render_to_string("ateliers/feuilles/pdf.html", contexte_feuille(seance, maintenant=maintenant))


def pdf_feuille(seance: Seance) -> bytes:
    """The sheet of a session already checked to be visible (atelier, lieu loaded or not)."""
    return rendre_pdf(html_feuille(seance), departement=seance.lieu.departement)
