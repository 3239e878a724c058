"""A list of strings stored as '|a|b|' text: portable filters on SQLite and PostgreSQL.

`Lieu.objects.filter(services__contains="|Aide aux démarches administratives|")` matches one
exact value (the surrounding pipes prevent 'Gratuit' from matching 'Gratuit sous condition').
Use `Lieu.objects.avec_valeur(field, value)` rather than writing the pipes by hand.
"""

from django.db import models

from .standard import SEPARATOR, split_values


def encode(values) -> str:
    values = split_values(values)
    return f"{SEPARATOR}{SEPARATOR.join(values)}{SEPARATOR}" if values else ""


def decode(text: str | None) -> list[str]:
    return split_values(text or "")


class PipeListField(models.TextField):
    description = "Liste de valeurs séparées par |"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", list)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        return decode(value)

    def to_python(self, value):
        if isinstance(value, list):
            return value
        return decode(value)

    def get_prep_value(self, value):
        if isinstance(value, str):  # a lookup value such as "|Gratuit|", passed as is
            return value
        return encode(value or [])

    def value_to_string(self, obj):
        return SEPARATOR.join(self.value_from_object(obj) or [])
