"""Bulk insertion helpers of the scale data (demo/scale.py, demo/scale_ateliers.py): weighted
draws and rows written as plain values (COPY on PostgreSQL, executemany elsewhere)."""

import bisect
import itertools
import random

from django.core.management.color import no_style
from django.db import connection, models

from structures.fields import PipeListField, encode

LOT = 2000


class Tirage:
    """Weighted draws from cumulative weights computed once (`random.choices` sums them each call)."""

    def __init__(self, couples):
        couples = list(couples)
        self.valeurs = [v for v, _ in couples]
        self.cumul = list(itertools.accumulate(p for _, p in couples))
        self.total = self.cumul[-1]
        self.dernier = len(self.valeurs) - 1

    def __call__(self, hasard: random.Random):
        return self.valeurs[min(bisect.bisect(self.cumul, hasard.random() * self.total), self.dernier)]


class Table:
    """Rows of one model inserted with COPY on PostgreSQL, elsewhere with one prepared INSERT
    run by executemany: no model instances and no per-batch SQL compilation (Django's
    bulk_create spends most of its time there, and SQLite caps it at 999 parameters, ~28
    people, per statement). A row is a dict of attnames; missing columns take the field's
    default; dates and datetimes go through the backend's adapters and lists through the
    PipeListField encoding (what get_db_prep_save does), other values are passed as they are.

    `avec_pk=True`: the rows carry their primary key (`id`), chosen by the caller (so that other
    rows can point to them without reading them back); call `recaler_sequence()` afterwards."""

    def __init__(self, modele, *, avec_pk: bool = False):
        self.modele = modele
        self.champs = [f for f in modele._meta.concrete_fields if avec_pk or not f.primary_key]
        ops = connection.ops
        # What get_db_prep_save does for these fields, bound once (it costs per value otherwise).
        self.defauts = [(f.attname, f.get_default, _conversion(f, ops)) for f in self.champs]
        qn = ops.quote_name
        table, colonnes = qn(modele._meta.db_table), ", ".join(qn(f.column) for f in self.champs)
        # Quoted names from the model, no input.
        self.sql = f"INSERT INTO {table} ({colonnes}) VALUES ({', '.join(['%s'] * len(self.champs))})"  # noqa: S608
        self.copy = f"COPY {table} ({colonnes}) FROM STDIN"

    def valeurs(self, ligne: dict) -> list:
        resultat = []
        for attname, defaut, conversion in self.defauts:
            valeur = ligne[attname] if attname in ligne else defaut()
            resultat.append(conversion(valeur) if conversion is not None and valeur is not None else valeur)
        return resultat

    def inserer(self, lignes: list[dict]) -> None:
        with connection.cursor() as curseur:
            if connection.vendor == "postgresql":
                # COPY: one statement for all the rows (twice as fast as executemany here).
                with curseur.cursor.copy(self.copy) as copie:
                    for ligne in lignes:
                        copie.write_row(self.valeurs(ligne))
                return
            for debut in range(0, len(lignes), LOT):
                curseur.executemany(self.sql, [self.valeurs(ligne) for ligne in lignes[debut : debut + LOT]])

    def recaler_sequence(self) -> None:
        """After rows with explicit ids: the next id the database gives is above them (PostgreSQL's
        sequence; SQLite needs nothing)."""
        with connection.cursor() as curseur:
            for sql in connection.ops.sequence_reset_sql(no_style(), [self.modele]):
                curseur.execute(sql)


def prochain_id(modele) -> int:
    """The first id above every existing row of `modele` (for rows inserted with avec_pk)."""
    return (modele.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1


def _conversion(champ, ops):
    if isinstance(champ, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(champ, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(champ, PipeListField):
        return encode
    if isinstance(champ, models.UUIDField):  # a string on SQLite, a uuid for psycopg
        return lambda valeur: champ.get_db_prep_value(valeur, connection)
    return None
