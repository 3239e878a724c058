"""The people a place may register to one of its sessions: those oriented to it (with the
status of their last orientation), or a name search among the people it sees. Each row says
whether the person is already registered or waiting (subqueries: a page costs the same few
queries whatever its size)."""

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from beneficiaires import identite
from beneficiaires.models import Beneficiaire, Orientation
from beneficiaires.selectors import RE_PSEUDONYME, beneficiaires_visibles
from comptes.models import Membership

from ..models import Inscription, Seance

MOTS_RECHERCHE = 4


def personnes_a_inscrire(par: Membership, seance: Seance, *, texte: str = "") -> QuerySet[Beneficiaire]:
    """Without `texte`: the people oriented to the place, last oriented first. With `texte`: a
    reference (B-XXXXXXXX) or words that each appear in the name, among the people the place
    sees (oriented to it or met there), in alphabetical order."""
    orientations = Orientation.objects.filter(beneficiaire=OuterRef("pk"), lieu_id=seance.lieu_id).order_by(
        "-cree_le", "-pk"
    )
    inscription = Inscription.objects.filter(seance_id=seance.pk, beneficiaire=OuterRef("pk"))
    qs = beneficiaires_visibles(par).annotate(
        orientation_statut=Subquery(orientations.values("statut")[:1]),
        orientation_le=Subquery(orientations.values("cree_le")[:1]),
        inscription_statut=Subquery(inscription.values("statut")[:1]),
    )
    texte = (texte or "").strip()
    if texte:
        qs = qs.filter(_condition(texte)).order_by("texte_recherche", "pk")
    else:
        qs = qs.filter(Exists(orientations)).order_by("-orientation_le", "-pk")
    return qs.select_related("commune")


def _condition(texte: str) -> Q:
    if RE_PSEUDONYME.fullmatch(texte.upper()):
        return Q(pseudonyme=texte.upper())
    mots = identite.texte_recherche(nom=texte, prenom="").split()[:MOTS_RECHERCHE]
    if not mots:
        return Q(pk__in=[])
    condition = Q()
    for mot in mots:
        condition &= Q(texte_recherche__contains=mot)
    return condition
