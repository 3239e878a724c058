"""Invalidation of what the public API caches about places (docs/adr/0007-public-api.md).

The API caches the serialized GeoJSON under a key that contains a *version token*, stored in
Django's cache. Any saved or deleted place (or its `Organisation` row) replaces the token, so
every cached payload becomes unreachable at once and expires on its own (no key listing, works
with any cache backend). The token is random rather than a counter: if the cache evicts or loses
it, a new one never brings back an older payload.

Writes that bypass signals — `QuerySet.update()`, `bulk_create()`, raw SQL, a bulk import —
must call `invalider_cache_lieux()` themselves (after commit), and set `modifie_le` on the rows
they touch, since the list and CSV ETags are computed from it.

Connected by importing this module in `StructuresConfig.ready()`; `structures.api` imports it
too, so a web process that serves the API is covered either way.
"""

import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from comptes.models import Organisation

from .models import Lieu

CLE_VERSION = "structures:lieux:version"
# The version token outlives any payload cached under it (payloads expire after a few minutes).
DUREE_VERSION = 7 * 24 * 3600


def version_lieux() -> str:
    """The current version token (created on first use)."""
    version = cache.get(CLE_VERSION)
    if version is None:
        cache.add(CLE_VERSION, uuid.uuid4().hex, DUREE_VERSION)
        version = cache.get(CLE_VERSION) or "sans-cache"
    return version


def invalider_cache_lieux() -> None:
    """Make every cached API payload about places stale (now, and again after the commit so
    that a request reading during the transaction cannot re-cache old data for long)."""
    cache.set(CLE_VERSION, uuid.uuid4().hex, DUREE_VERSION)
    transaction.on_commit(lambda: cache.set(CLE_VERSION, uuid.uuid4().hex, DUREE_VERSION))


@receiver(post_save, sender=Lieu, dispatch_uid="structures_lieu_enregistre")
@receiver(post_delete, sender=Lieu, dispatch_uid="structures_lieu_supprime")
def _lieu_change(sender, **kwargs):
    invalider_cache_lieux()


@receiver(post_save, sender=Organisation, dispatch_uid="structures_organisation_enregistree")
@receiver(post_delete, sender=Organisation, dispatch_uid="structures_organisation_supprimee")
def _organisation_change(sender, instance, **kwargs):
    # A place's name lives on its Organisation row. Saving a Lieu sends post_save for Lieu only;
    # this covers code that saves the parent row directly.
    if instance.type == Organisation.Type.LIEU:
        invalider_cache_lieux()
