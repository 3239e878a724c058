"""Validators for territorial reference data and per-département theming."""

import re

from django.core.exceptions import ValidationError

HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
CODE_DEPARTEMENT = re.compile(r"^(0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-8]|98[4-9])$")
# WCAG 2.1 AA for normal text: white text on the accent colour must reach 4.5:1.
MIN_CONTRAST_WITH_WHITE = 4.5


def relative_luminance(hex_color: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_with_white(hex_color: str) -> float:
    return 1.05 / (relative_luminance(hex_color) + 0.05)


def validate_accent_color(value: str) -> None:
    if not HEX_COLOR.match(value or ""):
        raise ValidationError("Indiquez une couleur au format hexadécimal, par exemple #005a9c.", code="format")
    ratio = contrast_with_white(value)
    if ratio < MIN_CONTRAST_WITH_WHITE:
        raise ValidationError(
            "Cette couleur est trop claire : un texte blanc posé dessus ne serait pas lisible "
            "(contraste %(ratio).1f:1, il faut au moins 4,5:1). Choisissez une couleur plus foncée.",
            code="contrast",
            params={"ratio": ratio},
        )


def validate_code_departement(value: str) -> None:
    if not CODE_DEPARTEMENT.match(value or ""):
        raise ValidationError(
            "Code de département inconnu : indiquez un code INSEE comme 23, 2A ou 974.",
            code="code_departement",
        )
