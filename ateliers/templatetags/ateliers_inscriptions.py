"""Template tag of the registrations block on the session page
(templates/ateliers/seances/_inscriptions.html): `{% inscriptions_de_seance seance as bloc %}`.

It uses the session page's context when it gives `inscriptions`, `attente` and
`cheques_par_inscription` (ateliers.selectors.emargement.contexte_inscriptions), else reads
them itself (two queries)."""

from django import template

from ..models import Inscription
from ..selectors.emargement import feuille_d_appel

register = template.Library()
S = Inscription.Statut


@register.simple_tag(takes_context=True)
def inscriptions_de_seance(context, seance) -> dict:
    if all(cle in context for cle in ("inscriptions", "attente", "cheques_par_inscription")):
        toutes = list(context["inscriptions"])
        inscrits = [i for i in toutes if i.statut == S.INSCRIT]
        attente = [i for i in [*toutes, *context["attente"]] if i.statut == S.ATTENTE]
        attente = list({i.pk: i for i in attente}.values())
        cheques = context["cheques_par_inscription"] or {}
    else:
        feuille = feuille_d_appel(seance)
        inscrits, attente, cheques = feuille.inscrits, feuille.attente, feuille.cheques_par_inscription
    # Only the cheques still redeemed (an undone redemption keeps its link, for the history).
    lignes = [
        {"inscription": i, "cheques": sum(1 for lien in cheques.get(i.pk, ()) if lien.encaissement.annule_le is None)}
        for i in inscrits
    ]
    return {
        "lignes": lignes,
        "attente": attente,
        "presents": sum(1 for i in inscrits if i.presence == Inscription.Presence.PRESENT),
        "cheques": sum(ligne["cheques"] for ligne in lignes),
        "places_libres": max(seance.capacite - len(inscrits), 0),
    }
