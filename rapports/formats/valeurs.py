"""Cell values of a report as text (French display for the PDF, the two CSV flavours) and the
lines every format repeats: the generation parameters.

Amounts are shown with two decimals; percentages (0–100 in the contract) with up to two
decimals; dates dd/mm/yyyy (French) or ISO (plain CSV). Never through float.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from rapports.contenu import ENTIER, MONTANT, POURCENTAGE, ContenuRapport
from structures.serialisation import cellule_sure

# French typography: a narrow no-break space between groups of thousands.
ESPACE_MILLIERS = "\u202f"
TIRET = "—"  # a None cell (not applicable) in the PDF
CENTIEME = Decimal("0.01")


def centimes(valeur) -> Decimal:
    return Decimal(valeur).quantize(CENTIEME, rounding=ROUND_HALF_UP)


def _groupe(texte: str) -> str:
    """'-1234567.50' → '-1 234 567,50' (French grouping and decimal comma)."""
    signe, texte = ("-", texte[1:]) if texte.startswith("-") else ("", texte)
    entier, _, decimales = texte.partition(".")
    groupes = []
    while entier:
        groupes.insert(0, entier[-3:])
        entier = entier[:-3]
    resultat = signe + ESPACE_MILLIERS.join(groupes or ["0"])
    return f"{resultat},{decimales}" if decimales else resultat


def nombre_fr(valeur) -> str:
    """1234 → « 1 234 »; Decimal('12.5') → « 12,50 » (a non-whole count shown to the cent)."""
    valeur = Decimal(valeur)
    if valeur == valeur.to_integral_value():
        return _groupe(f"{valeur:.0f}")
    return _groupe(f"{centimes(valeur):f}")


def montant_fr(valeur) -> str:
    """« 1 234,50 € »."""
    return f"{_groupe(f'{centimes(valeur):f}')} €"


def pourcentage_court(valeur) -> str:
    """Decimal('12.50') → '12.5', Decimal('60.00') → '60' (at most two decimals)."""
    texte = f"{centimes(valeur):f}"
    return texte.rstrip("0").rstrip(".") if "." in texte else texte


def pourcentage_fr(valeur) -> str:
    """« 12,5 % », « 60 % », « 33,33 % »."""
    return f"{pourcentage_court(valeur).replace('.', ',')} %"


def date_fr(jour: datetime.date) -> str:
    if isinstance(jour, datetime.datetime):
        jour = timezone.localtime(jour) if timezone.is_aware(jour) else jour
        return f"{jour:%d/%m/%Y %H:%M}"
    return f"{jour:%d/%m/%Y}"


def moment_fr(moment: datetime.datetime) -> str:
    """« 05/01/2026 à 10:12 », in Europe/Paris."""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return f"{local:%d/%m/%Y} à {local:%H:%M}"


def afficher(valeur, type_colonne: str) -> str:
    """A cell as the PDF shows it (French)."""
    if valeur is None:
        return TIRET
    if isinstance(valeur, str):
        return valeur
    if isinstance(valeur, datetime.date):
        return date_fr(valeur)
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if type_colonne == MONTANT:
        return montant_fr(valeur)
    if type_colonne == POURCENTAGE:
        return pourcentage_fr(valeur)
    return nombre_fr(valeur)


def est_numerique(type_colonne: str) -> bool:
    return type_colonne in (ENTIER, MONTANT, POURCENTAGE)


def texte_csv(valeur, type_colonne: str, *, francais: bool) -> str:
    """A CSV cell: numbers without thousands separators (amounts and percentages with two
    decimals), decimal comma and dd/mm/yyyy when `francais`, else decimal point and ISO dates;
    text neutralised against formula injection."""
    if valeur is None:
        return ""
    if isinstance(valeur, str):
        return cellule_sure(valeur)
    if isinstance(valeur, datetime.datetime):
        local = timezone.localtime(valeur) if timezone.is_aware(valeur) else valeur
        return f"{local:%d/%m/%Y %H:%M}" if francais else local.replace(tzinfo=None).isoformat(timespec="minutes")
    if isinstance(valeur, datetime.date):
        return f"{valeur:%d/%m/%Y}" if francais else valeur.isoformat()
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if type_colonne in (MONTANT, POURCENTAGE):
        texte = f"{centimes(valeur):f}"
    else:
        nombre = Decimal(valeur)
        texte = f"{nombre:.0f}" if nombre == nombre.to_integral_value() else f"{centimes(nombre):f}"
    return texte.replace(".", ",") if francais else texte


def entete_csv(libelle: str, type_colonne: str) -> str:
    """CSV numbers are bare: the unit goes into the header."""
    if type_colonne == MONTANT and "€" not in libelle:
        libelle = f"{libelle} (€)"
    elif type_colonne == POURCENTAGE and "%" not in libelle:
        libelle = f"{libelle} (%)"
    return cellule_sure(libelle)


def premiere_cellule_total(total: list) -> list:
    """The total row with « Total » in its first cell when the calculation left it empty."""
    if total and total[0] in (None, ""):
        return ["Total", *total[1:]]
    return list(total)


def periode(contenu: ContenuRapport) -> str:
    return f"du {date_fr(contenu.du)} au {date_fr(contenu.au)}"


def parametres(contenu: ContenuRapport) -> list[tuple[str, str]]:
    """What the report is about and how it was generated, as every format shows it."""
    return [
        ("Rapport", contenu.titre),
        ("Département", contenu.departement),
        ("Dispositifs", ", ".join(contenu.dispositifs) or TIRET),
        ("Période", periode(contenu)),
        ("Généré le", moment_fr(contenu.genere_le)),
        *[(str(libelle), str(valeur)) for libelle, valeur in contenu.parametres],
    ]
