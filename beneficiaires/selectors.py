"""Reads scoped to what the current membership may see. Out of scope is 404, never a page."""

import re

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from comptes.models import Membership, Organisation
from journal.models import Action, Evenement
from structures.models import Lieu
from structures.selectors import lieux_autour

from . import identite, rules
from .diagnostic import services_pour
from .models import Accueil, Beneficiaire, Orientation, Suivi
from .models.orientation import DELAI_SANS_REPONSE

RAYON_ORIENTATION_KM = 60
NB_LIEUX_PROPOSES = 10
RE_PSEUDONYME = re.compile(f"B-[{identite.ALPHABET_PSEUDONYME}]{{{identite.LONGUEUR_PSEUDONYME}}}")


def beneficiaires_visibles(par: Membership | None) -> QuerySet[Beneficiaire]:
    """Live records (not merged) the membership may open. Anonymised ones only for the
    département's staff (they show as « Personne anonymisée »)."""
    qs = Beneficiaire.objects.filter(fusionne_dans__isnull=True)
    if rules.est_du_departement(par):
        return qs.filter(departement_id=par.organisation.departement_id)
    if rules.est_prescripteur(par):
        suivi = Suivi.objects.filter(beneficiaire=OuterRef("pk"), organisme_id=par.organisation_id)
        return qs.filter(Exists(suivi), anonymise_le__isnull=True)
    if rules.est_d_un_lieu(par):
        oriente = Orientation.objects.filter(beneficiaire=OuterRef("pk"), lieu_id=par.organisation_id)
        accueilli = Accueil.objects.filter(beneficiaire=OuterRef("pk"), lieu_id=par.organisation_id)
        return qs.filter(Exists(oriente) | Exists(accueilli), anonymise_le__isnull=True)
    return qs.none()


def get_beneficiaire_visible(par: Membership | None, pk) -> Beneficiaire:
    found = beneficiaires_visibles(par).select_related("commune", "departement").filter(pk=pk).first()
    if found is None:
        raise Http404("Personne introuvable.")
    return found


def get_beneficiaire_modifiable(par: Membership | None, pk) -> Beneficiaire:
    """404 outside the membership's sight; PermissionDenied is the view's business for the
    lecteur who sees but may not write."""
    return get_beneficiaire_visible(par, pk)


def doublon_de(*, departement_id: int, cle: str, exclure_pk=None) -> Beneficiaire | None:
    """The live record of the département with this duplicate key, if any."""
    if not cle:
        return None
    qs = Beneficiaire.objects.actifs().filter(departement_id=departement_id, cle_doublon=cle)
    if exclure_pk is not None:
        qs = qs.exclude(pk=exclure_pk)
    return qs.select_related("commune").first()


def organismes_qui_suivent(beneficiaire: Beneficiaire):
    return [s.organisme for s in beneficiaire.suivis.select_related("organisme").order_by("cree_le")]


def orientations_de(beneficiaire: Beneficiaire, *, par: Membership | None = None) -> QuerySet[Orientation]:
    """A person's orientations; a place sees only those addressed to it."""
    qs = beneficiaire.orientations.select_related("lieu", "organisme", "cree_par", "repondu_par")
    if rules.est_d_un_lieu(par):
        qs = qs.filter(lieu_id=par.organisation_id)
    return qs.order_by("-cree_le", "-pk")


def orientations_du_lieu(par: Membership, *, statut: str = "") -> QuerySet[Orientation]:
    qs = Orientation.objects.filter(lieu_id=par.organisation_id, beneficiaire__anonymise_le__isnull=True)
    if statut in Orientation.Statut.values:
        qs = qs.filter(statut=statut)
    return qs.select_related("beneficiaire__commune", "organisme", "cree_par").order_by("-cree_le", "-pk")


def orientations_de_l_organisme(par: Membership, *, statut: str = "") -> QuerySet[Orientation]:
    qs = Orientation.objects.filter(organisme_id=par.organisation_id, beneficiaire__anonymise_le__isnull=True)
    if statut in Orientation.Statut.values:
        qs = qs.filter(statut=statut)
    return qs.select_related("beneficiaire", "lieu", "cree_par").order_by("-cree_le", "-pk")


def get_orientation_du_lieu(par: Membership | None, pk) -> Orientation:
    if not rules.est_d_un_lieu(par):
        raise Http404("Orientation introuvable.")
    found = orientations_du_lieu(par).filter(pk=pk).first()
    if found is None:
        raise Http404("Orientation introuvable.")
    return found


def get_orientation_visible(par: Membership | None, pk) -> Orientation:
    """An orientation whose person the membership may see (for the printable slip)."""
    found = (
        Orientation.objects.filter(beneficiaire__in=beneficiaires_visibles(par), pk=pk)
        .select_related("beneficiaire__commune", "lieu", "organisme")
        .first()
    )
    if found is None or (rules.est_d_un_lieu(par) and found.lieu_id != par.organisation_id):
        raise Http404("Orientation introuvable.")
    return found


def lieux_pour_orientation(beneficiaire: Beneficiaire, *, besoins, rayon_km: float = RAYON_ORIENTATION_KM):
    """Open places of the person's département that offer a service answering one of the needs
    (any service when no need is given), nearest first from the person's commune, with
    `distance_km`."""
    lieux = Lieu.objects.actifs().filter(departement_id=beneficiaire.departement_id)
    services = services_pour(besoins)
    if services:
        condition = Q()
        for service in services:
            condition |= Q(services__contains=f"|{service}|")
        lieux = lieux.filter(condition)
    commune = beneficiaire.commune
    return lieux_autour(lieux, latitude=commune.latitude, longitude=commune.longitude, rayon_km=rayon_km)[
        :NB_LIEUX_PROPOSES
    ]


def journal_des_acces(beneficiaire: Beneficiaire) -> QuerySet[Evenement]:
    """Every journal entry about the person (reads and writes), including those of the records
    merged into it."""
    ids = [str(beneficiaire.pk), *(str(pk) for pk in beneficiaire.fusionnes.values_list("pk", flat=True))]
    return (
        Evenement.objects.filter(target_type=Beneficiaire._meta.label_lower, target_id__in=ids)
        .select_related("actor", "organisation")
        .order_by("-created_at", "-id")
    )


ACTIONS_LECTURE = (Action.BENEFICIAIRE_CONSULTE,)


# --- The list of people (views/fiches.liste) --------------------------------------------------

STATUT_ACTIVES = "actives"
STATUT_ANONYMISEES = "anonymisees"
ORIENTATION_AUCUNE = "aucune"
ORIENTATION_SANS_REPONSE = "sans_reponse"
FILTRES_ORIENTATION = (ORIENTATION_AUCUNE, *Orientation.Statut.values, ORIENTATION_SANS_REPONSE)
MOTS_RECHERCHE = 4


def rechercher_beneficiaires(
    par: Membership | None,
    *,
    texte: str = "",
    public: str = "",
    statut: str = STATUT_ACTIVES,
    orientation: str = "",
    maintenant=None,
) -> QuerySet[Beneficiaire]:
    """The people listed for the membership: a prescriber's, or the département's for its staff
    (`statut`: actives or anonymisees; prescribers only ever see live records). Each row carries
    its last orientation (`derniere_orientation_statut`, `_le`, `_lieu`) from subqueries, so a
    page costs the same few queries whatever its size.

    `texte`: a name (any word order: « Marie Dupont » finds « DUPONT Marie ») or a reference
    (B-XXXXXXXX). The name is matched as a prefix of `texte_recherche` through ranges that the
    (departement, texte_recherche) index answers: the surname comes first, or the first name
    then the surname (a first name alone finds nothing).

    `orientation` (Exists filters, answered by semi-joins; for a prescriber, among the
    orientations its organisation sent): aucune; a_contacter (one waits for the place's
    answer); sans_reponse (one waits for longer than DELAI_SANS_REPONSE, as on the home page);
    pris_en_charge (a place took the person in charge); refusee (refused, and no orientation
    open or taken since: to orient again)."""
    if not (rules.est_prescripteur(par) or rules.est_du_departement(par)):
        return Beneficiaire.objects.none()
    # Everyone a membership lists lives in its département: saying so lets the database use
    # the (departement, texte_recherche) index for prescribers too.
    qs = beneficiaires_visibles(par).filter(departement_id=par.organisation.departement_id)
    if rules.est_du_departement(par):
        anonymisees = statut == STATUT_ANONYMISEES
        qs = qs.filter(anonymise_le__isnull=not anonymisees)
    texte = (texte or "").strip()
    if texte:
        qs = qs.filter(_condition_recherche(texte))
    if public:
        qs = qs.avec_public(public)
    limite = (maintenant or timezone.now()) - DELAI_SANS_REPONSE
    toutes = Orientation.objects.filter(beneficiaire=OuterRef("pk"))
    # Orientations through the (organisme, statut) index, so that a filter costs what the
    # membership's own orientations cost, never the instance's: a prescriber follows up those
    # its organisation sent (as on its home page and its « orientations envoyées » page); the
    # département's staff, those of the département's prescribers (all its people's).
    if rules.est_prescripteur(par):
        orientations = toutes.filter(organisme_id=par.organisation_id)
    else:
        du_departement = Organisation.objects.filter(departement_id=par.organisation.departement_id)
        orientations = toutes.filter(organisme_id__in=du_departement.values("pk"))
    ouvertes = orientations.filter(statut=Orientation.Statut.A_CONTACTER)
    if orientation == ORIENTATION_AUCUNE:
        qs = qs.filter(~Exists(orientations))
    elif orientation == Orientation.Statut.A_CONTACTER:
        qs = qs.filter(Exists(ouvertes))
    elif orientation == ORIENTATION_SANS_REPONSE:
        qs = qs.filter(Exists(ouvertes.filter(cree_le__lte=limite)))
    elif orientation == Orientation.Statut.PRIS_EN_CHARGE:
        qs = qs.filter(Exists(orientations.filter(statut=orientation)))
    elif orientation == Orientation.Statut.REFUSEE:
        # Refused and not oriented since: to orient again.
        qs = qs.filter(Exists(orientations.filter(statut=orientation))).exclude(
            Exists(orientations.exclude(statut=orientation))
        )
    # The row's last orientation (whoever sent it), and whether one waits for too long: 25
    # rows, 4 subqueries each.
    derniere = toutes.order_by("-cree_le", "-pk")
    qs = qs.annotate(
        derniere_orientation_statut=Subquery(derniere.values("statut")[:1]),
        derniere_orientation_le=Subquery(derniere.values("cree_le")[:1]),
        derniere_orientation_lieu=Subquery(derniere.values("lieu__nom")[:1]),
        sans_reponse=Exists(ouvertes.filter(cree_le__lte=limite)),
    )
    return qs.select_related("commune").order_by("texte_recherche", "pk")


def _condition_recherche(texte: str) -> Q:
    if RE_PSEUDONYME.fullmatch(texte.strip().upper()):
        return Q(pseudonyme=texte.strip().upper())
    mots = identite.texte_recherche(nom=texte, prenom="").split()[:MOTS_RECHERCHE]
    if not mots:
        return Q(pk__in=[])
    condition = Q()
    # Every rotation of the words: « marie dupont » also looks for « dupont marie… ». Each is
    # a range of the index; a search inside the words (a first name alone) would scan instead.
    for i in range(len(mots)):
        condition |= _prefixe(" ".join(mots[i:] + mots[:i]))
    return condition


def _prefixe(prefixe: str) -> Q:
    """texte_recherche starts with `prefixe`, written as a range (any collation answers it from
    the index: the text holds only a-z, 0-9 and spaces) plus the exact test."""
    condition = Q(texte_recherche__gte=prefixe, texte_recherche__startswith=prefixe)
    suivant = _prefixe_suivant(prefixe)
    if suivant:
        condition &= Q(texte_recherche__lt=suivant)
    return condition


def _prefixe_suivant(prefixe: str) -> str:
    """The smallest string above every string starting with `prefixe` (over a-z, 0-9, space):
    'dupont' → 'duponu', 'abz' → 'ac', 'a9' → 'aa', 'zz' → '' (no upper bound)."""
    racine = prefixe.rstrip("z")
    if not racine:
        return ""
    dernier = racine[-1]
    suivant = "a" if dernier == "9" else "0" if dernier == " " else chr(ord(dernier) + 1)
    return racine[:-1] + suivant
