"""Charts drawn as SVG on the server, for the PDF reports and the dashboards.

No script, no inline style (strict CSP): presentation attributes only. Each chart is an image
with a title (`role="img"`, `<title>`) and is always printed next to the table holding its data.
"""

from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe

from .contenu import Graphique

# Dark enough for AA contrast on white (bars are non-text: ≥ 3:1), distinct for colour-blind readers.
COULEURS = ("#1f4e79", "#c0504d", "#2e7d32", "#7b3f99", "#8a5a00")
LARGEUR, HAUTEUR = 640, 260
MARGE_G, MARGE_B, MARGE_H, MARGE_D = 56, 58, 28, 12


def _graduation(maximum: float) -> float:
    """A round step so that the axis has about 4 graduations."""
    if maximum <= 0:
        return 1
    brut = maximum / 4
    puissance = 10 ** (len(str(int(brut))) - 1) if brut >= 1 else 1
    for facteur in (1, 2, 2.5, 5, 10):
        if brut <= facteur * puissance:
            return facteur * puissance
    return 10 * puissance


def _nombre(v: float) -> str:
    return (
        f"{v:,.0f}".replace(",", "\u202f")
        if float(v).is_integer()
        else f"{v:,.2f}".replace(",", "\u202f").replace(".", ",")
    )


def barres(graphique: Graphique, *, ident: str | None = None) -> SafeString:
    """Grouped vertical bars: one group per category, one bar per series, with a legend."""
    ident = ident or f"graphique-{graphique.cle}"
    categories = graphique.categories or [""]
    series = graphique.series
    valeurs = [float(v) for s in series for v in s.valeurs] or [0]
    pas = _graduation(max(valeurs))
    haut = pas * max(1, -(-max(valeurs) // pas))
    zone_l = LARGEUR - MARGE_G - MARGE_D
    zone_h = HAUTEUR - MARGE_B - MARGE_H
    groupe = zone_l / len(categories)
    barre = max(2.0, (groupe * 0.8) / max(1, len(series)))
    parties = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {LARGEUR} {HAUTEUR}" width="100%" '
        f'role="img" aria-labelledby="{ident}-titre" class="graphique">',
        f'<title id="{ident}-titre">{escape(graphique.titre)} (données dans le tableau qui suit)</title>',
    ]
    graduations = int(haut / pas)
    for k in range(graduations + 1):
        valeur = k * pas
        y = MARGE_H + zone_h - zone_h * valeur / haut
        parties.append(
            f'<line x1="{MARGE_G}" x2="{LARGEUR - MARGE_D}" y1="{y:.1f}" y2="{y:.1f}" '
            'stroke="#d0d0d0" stroke-width="1"/>'
            f'<text x="{MARGE_G - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="#333">{_nombre(valeur)}</text>'
        )
    etiquette_tous = max(1, len(categories) // 12)
    for i, categorie in enumerate(categories):
        x0 = MARGE_G + i * groupe + groupe * 0.1
        for s, serie in enumerate(series):
            v = float(serie.valeurs[i]) if i < len(serie.valeurs) else 0.0
            h = zone_h * v / haut if haut else 0
            parties.append(
                f'<rect x="{x0 + s * barre:.1f}" y="{MARGE_H + zone_h - h:.1f}" width="{barre * 0.9:.1f}" '
                f'height="{h:.1f}" fill="{COULEURS[s % len(COULEURS)]}"/>'
            )
        if i % etiquette_tous == 0:
            parties.append(
                f'<text x="{MARGE_G + (i + 0.5) * groupe:.1f}" y="{HAUTEUR - MARGE_B + 16}" font-size="11" '
                f'text-anchor="middle" fill="#333">{escape(str(categorie)[:14])}</text>'
            )
    for s, serie in enumerate(series):
        x = MARGE_G + s * 170
        parties.append(
            f'<rect x="{x}" y="{HAUTEUR - 18}" width="12" height="12" fill="{COULEURS[s % len(COULEURS)]}"/>'
            f'<text x="{x + 18}" y="{HAUTEUR - 8}" font-size="12" fill="#222">{escape(serie.libelle)}</text>'
        )
    if graphique.unite:
        parties.append(f'<text x="4" y="{MARGE_H - 12}" font-size="11" fill="#333">{escape(graphique.unite)}</text>')
    parties.append("</svg>")
    return mark_safe("".join(parties))  # noqa: S308 — every text above is escaped


def total(graphique: Graphique) -> Decimal:
    return sum((Decimal(str(v)) for s in graphique.series for v in s.valeurs), Decimal(0))
