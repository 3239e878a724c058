"""The one writer of journal entries. Apps call it through their typed helpers (evenements.py)."""

from django.db import models

from .models import Action, Evenement


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or X-Forwarded-For behind trusted proxies."""
    if request is None:
        return None
    from django.conf import settings

    proxies = getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)
    if proxies:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def entry(
    *,
    action: Action,
    actor=None,
    organisation=None,
    departement=None,
    target: models.Model | None = None,
    target_repr: str = "",
    details: dict | None = None,
    request=None,
) -> Evenement:
    """An unsaved entry, for `record_many`."""
    if departement is None and organisation is not None:
        departement = organisation.departement
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return Evenement(
        action=action,
        actor=actor,
        organisation=organisation,
        departement=departement,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=(target_repr or (str(target) if target is not None else ""))[:255],
        details=details or {},
        ip=client_ip(request),
    )


def record_many(entries: list[Evenement]) -> list[Evenement]:
    """Append many entries in a few INSERTs (e.g. one per booklet of a large allocation)."""
    return Evenement.objects.bulk_create(entries, batch_size=1000)


def record(
    *,
    action: Action,
    actor=None,
    organisation=None,
    departement=None,
    target: models.Model | None = None,
    target_repr: str = "",
    details: dict | None = None,
    request=None,
) -> Evenement:
    """Append one entry. Call it inside the service's transaction so both commit together."""
    evenement = entry(
        action=action,
        actor=actor,
        organisation=organisation,
        departement=departement,
        target=target,
        target_repr=target_repr,
        details=details,
        request=request,
    )
    evenement.save()
    return evenement
