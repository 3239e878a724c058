"""A Lieu as a row of the national standard (export, API), and safe CSV cells."""

from .standard import SEPARATOR, field_names


def lieu_vers_standard(lieu) -> dict:
    """The 32 fields of the standard for one place, in the schema's order, as strings/numbers.

    Empty values are None (the schema's missing value). Multi-valued fields are `|`-joined.
    """
    row = {}
    for name in field_names():
        if name == "id":
            value = lieu.identifiant
        elif name == "nom":
            value = lieu.nom
        elif name == "date_maj":
            value = lieu.date_maj.isoformat() if lieu.date_maj else None
        elif name in ("latitude", "longitude"):
            value = getattr(lieu, name)
            value = round(value, 6) if value is not None else None
        else:
            value = getattr(lieu, name)
            if isinstance(value, list):
                value = SEPARATOR.join(value)
        row[name] = value if value not in ("", [], None) else None
    return row


# Spreadsheets execute a cell that starts with one of these: neutralise it with a leading quote.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def cellule_sure(value) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (OWASP CSV injection).

    Phone numbers in the standard start with '+': '+33…' stays as is when it is only digits.
    """
    if value is None:
        return ""
    text = str(value)
    if text.startswith(_FORMULA_PREFIXES) and not _is_plain_number(text):
        return "'" + text
    return text


def _is_plain_number(text: str) -> bool:
    body = text[1:] if text[:1] in "+-" else text
    return body.replace(".", "", 1).isdigit()
