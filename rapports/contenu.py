"""What a report says, independent of its format.

The calculations (rapports/calculs/) build a `ContenuRapport`: key figures, then sections of
tables and charts. The writers (rapports/formats/) turn it into PDF, XLSX or CSV without knowing
what the figures mean. Every chart names the table that holds its data (accessibility: the table
is the chart's text alternative, and the figures are traceable).

Cell values: str, int, Decimal (amounts in euros, percentages), datetime.date, or None (not
applicable, shown « — »). The type of a column says how to show and store its cells.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

TEXTE, ENTIER, MONTANT, POURCENTAGE, DATE = "texte", "entier", "montant", "pourcentage", "date"
TYPES = (TEXTE, ENTIER, MONTANT, POURCENTAGE, DATE)

NON_RENSEIGNE = "Non renseigné"

Valeur = str | int | Decimal | datetime.date | None


@dataclass(frozen=True)
class Colonne:
    libelle: str
    type: str = TEXTE

    def __post_init__(self):
        if self.type not in TYPES:
            raise ValueError(f"type de colonne inconnu : {self.type}")


@dataclass
class Tableau:
    cle: str  # ascii slug, unique in a report: sheet and CSV file name
    titre: str
    colonnes: list[Colonne]
    lignes: list[list[Valeur]]
    total: list[Valeur] | None = None  # a last row in bold, « Total » in the first column
    note: str = ""  # how the figures are computed, under the table
    dans_pdf: bool = True  # False for the participant-level sheet (XLSX and CSV only)
    # A long table (places, communes…) shows in the PDF only its `pdf_premieres` rows with the
    # largest values in column `pdf_tri`, then its total; every row stays in XLSX and CSV.
    pdf_premieres: int | None = None
    pdf_tri: int | None = None
    # False when the table is too long for a spreadsheet (XLSX stops at 1,048,576 rows): CSV only.
    dans_xlsx: bool = True

    def __post_init__(self):
        largeur = len(self.colonnes)
        for ligne in [*self.lignes, *([self.total] if self.total is not None else [])]:
            if len(ligne) != largeur:
                raise ValueError(f"{self.cle} : une ligne a {len(ligne)} cellules pour {largeur} colonnes")


@dataclass
class Serie:
    libelle: str
    valeurs: list[int | Decimal]


@dataclass
class Graphique:
    cle: str
    titre: str
    categories: list[str]  # x axis (months, places…)
    series: list[Serie]
    tableau: str  # the cle of the table holding the same figures
    unite: str = ""  # "€", "chèques"…


@dataclass
class Indicateur:
    libelle: str
    valeur: Valeur
    type: str = ENTIER
    detail: str = ""


@dataclass
class Section:
    cle: str
    titre: str
    tableaux: list[Tableau] = field(default_factory=list)
    graphiques: list[Graphique] = field(default_factory=list)
    introduction: str = ""


@dataclass
class ContenuRapport:
    titre: str
    departement: str  # "Creuse (23)", or "Toutes les instances" for a whole-instance report
    couleur: str  # the département's theme colour "#RRGGBB" (cover page)
    dispositifs: list[str]
    du: datetime.date
    au: datetime.date
    genere_le: datetime.datetime
    parametres: list[tuple[str, str]]  # shown on the cover: (« Formats », « PDF, XLSX »)…
    indicateurs: list[Indicateur]
    sections: list[Section]
    logo: str = ""  # absolute path of the département's logo file, or "" (cover page)

    def tableaux(self) -> list[Tableau]:
        return [t for s in self.sections for t in s.tableaux]

    def tableau(self, cle: str) -> Tableau:
        for t in self.tableaux():
            if t.cle == cle:
                return t
        raise KeyError(cle)
