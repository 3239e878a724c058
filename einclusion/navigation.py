"""Navigation entries by role. Later issues add their entries here."""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


def _entries(membership) -> list[tuple[str, str, dict]]:
    # The public directory of places is for everyone, logged in or not.
    entries = [("Accueil", "accueil", {}), ("Trouver un lieu", "structures_public:recherche", {})]
    if membership is None:
        return entries
    if membership.role == "coordinateur":
        entries += [
            ("Organisations", "comptes:organisations", {}),
            ("Lieux", "structures_gestion:liste", {}),
            ("Prescripteurs", "prescripteurs:liste", {}),
            ("Bénéficiaires", "beneficiaires:liste", {}),
            ("Pass numérique", "pass_dispositifs:liste", {}),
            ("Remboursements", "pass_remboursement:liste", {}),
            ("Rapports", "rapports:liste", {}),
            ("Émargements", "ateliers:sans_feuille", {}),
            ("Équipe départementale", "comptes:membres", {"pk": membership.organisation_id}),
            ("Journal", "journal:liste", {}),
        ]
    elif membership.role == "lecteur":
        entries += [
            ("Bénéficiaires", "beneficiaires:liste", {}),
            ("Pass numérique", "pass_dispositifs:liste", {}),
            ("Remboursements", "pass_remboursement:liste", {}),
            ("Rapports", "rapports:liste", {}),
        ]
    if membership.role in ("referent", "agent"):
        entries += [
            ("Bénéficiaires", "beneficiaires:liste", {}),
            ("Orientations", "beneficiaires:orientations_envoyees", {}),
            ("Stock de carnets", "pass_dispositifs:stock", {}),
            ("Opposition", "pass_encaissement:opposition", {}),
        ]
    if membership.role in ("responsable", "mediateur"):
        entries += [
            ("Agenda", "ateliers:agenda", {}),
            ("Ateliers", "ateliers:liste", {}),
            ("Encaisser un chèque", "pass_encaissement:encaisser", {}),
            ("Orientations reçues", "beneficiaires:orientations_recues", {}),
            ("Remboursements", "pass_remboursement:lieu", {"pk": membership.organisation_id}),
        ]
    if membership.role in ("referent", "responsable"):
        entries += [("Membres", "comptes:membres", {"pk": membership.organisation_id})]
    if membership.role == "referent":
        entries += [("Mon organisme", "prescripteurs:modifier", {"pk": membership.organisation_id})]
    if membership.role == "responsable":
        entries += [
            ("Mon lieu", "structures_gestion:modifier", {"pk": membership.organisation_id}),
            ("Jetons d’API", "pass_encaissement:jetons", {}),
        ]
    return entries


def nav_items(request) -> list[NavItem]:
    """The entries, the current one marked: the longest URL that the page's path starts with
    (so that /beneficiaires/orientations/… marks « Orientations », not « Bénéficiaires »)."""
    entries = [
        (label, reverse(name, kwargs=kwargs)) for label, name, kwargs in _entries(getattr(request, "membership", None))
    ]
    matching = [url for _, url in entries if (request.path == url if url == "/" else request.path.startswith(url))]
    current = max(matching, key=len, default=None)
    return [NavItem(label, url, url == current) for label, url in entries]
