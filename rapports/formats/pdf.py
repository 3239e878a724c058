"""A report as an A4 PDF to sign and send to the co-funders, rendered by WeasyPrint through
pass_numerique.pdf.rendre_pdf (the house fetcher: data: URIs only, DejaVu Sans) from
templates/rapports/pdf/rapport.html and its stylesheet rapport.css (inlined: WeasyPrint only,
never served to a browser).

A cover page in the département's colour (logo, title, dispositifs, period, date and parameters
of generation, contents with page numbers), the key indicators, then each section: its charts
(SVG drawn on the server, each just before the table holding its figures) and its tables (French
numbers right-aligned, total row in bold, the note under the table; headers repeated on every
page). Tables with `dans_pdf=False` (the participant-level data) are left out. Every page has the
generation date and parameters and « page X sur Y » at the bottom.
"""

import base64
import mimetypes
import re
from collections import defaultdict
from pathlib import Path
from typing import BinaryIO

from django.template.loader import render_to_string

from pass_numerique.pdf import rendre_pdf
from rapports.contenu import ContenuRapport, Section, Tableau
from rapports.graphiques import barres

from .valeurs import afficher, est_numerique, moment_fr, parametres, periode, premiere_cellule_total

COULEUR_PAR_DEFAUT = "#005a9c"
LOGO_TAILLE_MAX = 2 * 1024 * 1024
LIGNES_INSECABLES = 25  # a table this short is kept on one page


def couleur(contenu: ContenuRapport) -> str:
    """The département's colour if it is a valid #rrggbb (it goes into a stylesheet)."""
    return contenu.couleur if re.fullmatch(r"#[0-9a-fA-F]{6}", contenu.couleur or "") else COULEUR_PAR_DEFAUT


def logo(contenu: ContenuRapport) -> str:
    """The logo file as a data: URI ('' if none, not an image, too big or unreadable)."""
    if not contenu.logo:
        return ""
    chemin = Path(contenu.logo)
    type_mime = mimetypes.guess_type(chemin.name)[0] or ""
    try:
        if not type_mime.startswith("image/") or chemin.stat().st_size > LOGO_TAILLE_MAX:
            return ""
        donnees = chemin.read_bytes()
    except OSError:
        return ""
    return f"data:{type_mime};base64,{base64.b64encode(donnees).decode()}"


def tableau_pdf(tableau: Tableau) -> dict:
    """The table with every cell already formatted (text, numeric?)."""
    numeriques = [est_numerique(c.type) for c in tableau.colonnes]
    types = [c.type for c in tableau.colonnes]

    def cellules(ligne):
        return [(afficher(v, t), n) for v, t, n in zip(ligne, types, numeriques, strict=True)]

    return {
        "cle": tableau.cle,
        "titre": tableau.titre,
        "colonnes": [(c.libelle, n) for c, n in zip(tableau.colonnes, numeriques, strict=True)],
        "lignes": [cellules(ligne) for ligne in lignes_du_pdf(tableau)],
        "total": cellules(premiere_cellule_total(tableau.total)) if tableau.total is not None else None,
        "note": note_du_pdf(tableau),
        "insecable": len(lignes_du_pdf(tableau)) <= LIGNES_INSECABLES,
    }


def _extrait(tableau: Tableau) -> bool:
    return tableau.pdf_premieres is not None and len(tableau.lignes) > tableau.pdf_premieres


def lignes_du_pdf(tableau: Tableau) -> list:
    """Every row, or for a long table the `pdf_premieres` rows with the largest `pdf_tri`."""
    if not _extrait(tableau):
        return tableau.lignes
    colonne = tableau.pdf_tri or 0
    ordre = sorted(tableau.lignes, key=lambda ligne: ligne[colonne] if ligne[colonne] is not None else -1, reverse=True)
    return ordre[: tableau.pdf_premieres]


def note_du_pdf(tableau: Tableau) -> str:
    if not _extrait(tableau):
        return tableau.note
    extrait = (
        f"Les {tableau.pdf_premieres} premières lignes sur {len(tableau.lignes)} "
        f"(par « {tableau.colonnes[tableau.pdf_tri or 0].libelle} » décroissant) ; le total porte sur toutes "
        "les lignes, qui figurent dans le classeur XLSX et les fichiers CSV."
    )
    return f"{extrait} {tableau.note}".strip()


def _bloc_graphique(graphique) -> dict:
    return {"graphique": barres(graphique), "titre": graphique.titre, "tableau": None}


def blocs(section: Section) -> list[dict]:
    """The section's charts and tables in reading order: each chart just before the table that
    holds its figures; a chart whose table is not in the PDF comes after the tables."""
    graphiques = defaultdict(list)
    for graphique in section.graphiques:
        graphiques[graphique.tableau].append(graphique)
    resultat = []
    for tableau in section.tableaux:
        if not tableau.dans_pdf:
            continue
        for graphique in graphiques.pop(tableau.cle, []):
            resultat.append(_bloc_graphique(graphique))
        resultat.append({"graphique": "", "titre": tableau.titre, "tableau": tableau_pdf(tableau)})
    for restants in graphiques.values():
        resultat.extend(_bloc_graphique(g) for g in restants)
    return resultat


def couleur_du_texte(fond: str) -> str:
    """Black or white, whichever reads better on the band (WCAG relative luminance)."""

    def canal(hexa: str) -> float:
        c = int(hexa, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, v, b = (canal(fond[i : i + 2]) for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * v + 0.0722 * b
    return "#000000" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "#ffffff"


def contexte(contenu: ContenuRapport) -> dict:
    fond = couleur(contenu)
    return {
        "contenu": contenu,
        "couleur": fond,
        "couleur_texte": couleur_du_texte(fond),
        "logo": logo(contenu),
        "periode": periode(contenu),
        "genere_le": moment_fr(contenu.genere_le),
        "parametres": parametres(contenu)[2:],  # title and département are on the cover already
        "parametres_pied": [(libelle, valeur) for libelle, valeur in contenu.parametres],
        "indicateurs": [
            {"libelle": i.libelle, "valeur": afficher(i.valeur, i.type), "detail": i.detail}
            for i in contenu.indicateurs
        ],
        "sections": [
            {"cle": s.cle, "titre": s.titre, "introduction": s.introduction, "blocs": blocs(s)}
            for s in contenu.sections
        ],
    }


def html(contenu: ContenuRapport) -> str:
    return render_to_string("rapports/pdf/rapport.html", contexte(contenu))


def ecrire(contenu: ContenuRapport, destination: BinaryIO) -> None:
    destination.write(rendre_pdf(html(contenu)))
