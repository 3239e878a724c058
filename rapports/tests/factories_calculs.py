"""A generated world for the report calculations: dispositifs in two départements, cheques in
every state (dates inside, before and after the period, and at local midnight), people with
every kind of FSE answer, sessions with presences on one and on several days, walk-ins,
roll-call redemptions, cost lines and bordereaux. Seeded: `monde(taille, graine)`.

Period of the report: 2025-01-01 … 2025-12-31 (Europe/Paris).
"""

import datetime
import itertools
import random
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal

from ateliers.models import Atelier, Inscription, PresenceCheque, Seance
from beneficiaires.fse import NSP
from beneficiaires.tests.factories import GUERET, SAINT_FIEL, BeneficiaireFactory, commune
from comptes.tests.factories import DepartementFactory, LieuFactory, OrganismePrescripteurFactory
from pass_numerique import codes
from pass_numerique.models import Bordereau, Carnet, Cheque, Encaissement, LigneBordereau
from pass_numerique.tests.factories import DispositifFactory
from rapports.models import LigneCout

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
UTC = datetime.UTC
DU, AU = datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)
_numeros = itertools.count(50_000)
_bordereaux = itertools.count(1)

SEXES = ["femme", "homme", "non_binaire", NSP, ""]
EMPLOIS = ["chomeur", "chomeur_longue_duree", "inactif", "en_emploi", NSP, ""]
ETUDES = ["cite_0_2", "cite_3_4", "cite_5_8", NSP, ""]
REPONSES = ["oui", "non", NSP, ""]
AGES = [None, 16, 18, 29, 30, 54, 55, 80]
PUBLICS = [["rsa"], ["aah", "senior"], ["senior"], [], ["demandeur_emploi"], ["jeune_mission_locale"], ["autre"]]


def paris(jour: datetime.date, heure: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(jour, datetime.time(heure, minute), tzinfo=PARIS)


# Instants around the period, including the local-midnight traps (UTC 23:30 the day before).
DATES_PIEGES = [
    datetime.datetime(2024, 12, 31, 23, 30, tzinfo=UTC),  # 1 Jan 2025 00:30 in Paris: inside
    datetime.datetime(2025, 12, 31, 23, 30, tzinfo=UTC),  # 1 Jan 2026 00:30 in Paris: outside
    datetime.datetime(2024, 12, 31, 22, 59, tzinfo=UTC),  # 31 Dec 2024 23:59 in Paris: outside
]


@dataclass
class Monde:
    departements: list
    dispositifs: list  # [D1, D2] in 23, [D3] in 87
    lieux: list = field(default_factory=list)
    personnes: list = field(default_factory=list)

    def du_departement(self, code: str) -> list:
        return [d for d in self.dispositifs if d.departement.code == code]


def _date(rng: random.Random) -> datetime.datetime:
    if rng.random() < 0.1:
        return rng.choice(DATES_PIEGES)
    jour = datetime.date(2024, 11, 1) + datetime.timedelta(days=rng.randrange(0, 450))
    return paris(jour, rng.randrange(8, 20), rng.choice([0, 15, 30]))


def _personne(rng: random.Random, dep, organisme):
    code = GUERET if dep.code == "23" else "87085"
    return BeneficiaireFactory(
        commune=commune(code),
        organisme=organisme,
        sexe=rng.choice(SEXES),
        situation_emploi=rng.choice(EMPLOIS),
        niveau_etudes=rng.choice(ETUDES),
        handicap=rng.choice(REPONSES),
        pays_tiers=rng.choice(REPONSES),
        origine_etrangere=rng.choice(REPONSES),
        minorite=rng.choice(REPONSES),
        sans_abri=rng.choice(REPONSES),
        age_a_l_entree=rng.choice(AGES),
        zone_rurale=rng.choice([True, False, None]),
        publics=rng.choice(PUBLICS),
    )


def _carnet(rng, d, organisme, personne, taille=5) -> Carnet:
    genere = _date(rng)
    statut = rng.choice(["genere", "dote", "remis", "remis", "remis", "annule"]) if personne else "genere"
    if personne is None:
        statut = rng.choice(["genere", "dote"])
    c = Carnet.objects.create(
        dispositif=d, departement=d.departement, numero=next(_numeros), taille=taille, statut=statut, lot="monde",
        genere_le=genere,
        organisme=organisme if statut in ("dote", "remis", "annule") else None,
        dote_le=genere + datetime.timedelta(days=3) if statut in ("dote", "remis", "annule") else None,
        beneficiaire=personne if statut == "remis" else None,
        remis_le=genere + datetime.timedelta(days=rng.randrange(4, 60)) if statut == "remis" else None,
    )  # fmt: skip
    cheques = []
    for rang in range(1, taille + 1):
        ch = Cheque(carnet=c, dispositif=d, departement=d.departement, code=codes.nouveau_code(),
                    numero_serie=c.numero * 100 + rang, rang=rang, valeur=d.valeur_faciale,
                    statut=statut)  # fmt: skip
        if statut == "annule":
            ch.annule_le = genere + datetime.timedelta(days=5)
        cheques.append(ch)
    Cheque.objects.bulk_create(cheques)
    return c


def _etat_final(rng, ch: Cheque, lieu, d) -> None:
    """Move a handed-out cheque to encaissé / remboursé / expiré / annulé (or leave it)."""
    tirage = rng.random()
    base = ch.carnet.remis_le
    if tirage < 0.45:
        ch.statut = "encaisse" if rng.random() < 0.6 else "rembourse"
        ch.encaisse_le = rng.choice([base + datetime.timedelta(days=rng.randrange(0, 120)), *DATES_PIEGES[:2]])
        ch.lieu_encaissement = lieu
        if ch.statut == "rembourse":
            ch.rembourse_le = ch.encaisse_le + datetime.timedelta(days=30)
    elif tirage < 0.55:
        ch.statut, ch.expire_le = "expire", base + datetime.timedelta(days=200)
    elif tirage < 0.6:
        ch.statut, ch.annule_le = "annule", base + datetime.timedelta(days=10)
    ch.save()


def monde(taille: int = 1, graine: int = 7) -> Monde:
    """`taille` scales the number of people, booklets and sessions (1 → a few dozen rows)."""
    rng = random.Random(graine)
    deps = [DepartementFactory(code="23"), DepartementFactory(code="87")]
    d1 = DispositifFactory(departement=deps[0], nom="Pass 23 A", part_cible_prioritaires=Decimal("40"))
    d2 = DispositifFactory(
        departement=deps[0], nom="Pass 23 B", valeur_faciale=Decimal("12.50"), part_cible_prioritaires=Decimal("55"),
        financeurs=[("FSE+", "33.33"), ("État", "33.33"), ("Région", "33.34")],
    )  # fmt: skip
    d3 = DispositifFactory(departement=deps[1], nom="Pass 87", part_cible_prioritaires=Decimal("30"))
    m = Monde(deps, [d1, d2, d3])
    for d in m.dispositifs:
        dep = d.departement
        code = GUERET if dep.code == "23" else "87085"
        lieux = [LieuFactory(departement=dep, commune_ref=commune(code)),
                 # INSEE code only (no link to the reference): the report finds the commune by its code.
                 LieuFactory(departement=dep, code_insee=commune(SAINT_FIEL if dep.code == "23" else code).code_insee),
                 LieuFactory(departement=dep, commune="Nulle-Part")]  # fmt: skip
        m.lieux += lieux
        organismes = [OrganismePrescripteurFactory(departement=dep) for _ in range(2)]
        personnes = [_personne(rng, dep, rng.choice(organismes)) for _ in range(8 * taille)]
        m.personnes += personnes
        for i in range(6 * taille):
            personne = personnes[i % len(personnes)] if rng.random() < 0.85 else None
            c = _carnet(rng, d, rng.choice(organismes), personne)
            if c.statut == "remis":
                for ch in c.cheques.select_related("carnet"):
                    _etat_final(rng, ch, rng.choice(lieux[:2]), d)
        _ateliers(rng, m, d, lieux, personnes, taille)
        _couts_et_bordereaux(rng, d, lieux)
    # A merged person with presences on two days: never a participant.
    fusionnee = m.personnes[1]
    fusionnee.fusionne_dans, fusionnee.fusionne_le = m.personnes[2], paris(AU)
    fusionnee.save()
    return m


def _ateliers(rng, m: Monde, d, lieux, personnes, taille) -> None:
    atelier = Atelier.objects.create(
        lieu=lieux[0], titre="Atelier D", themes=["prise_en_main", "courriel"], dispositif=d
    )
    autre = Atelier.objects.create(lieu=lieux[1], titre="Atelier libre", themes=["securite"])  # no dispositif
    sans = Atelier.objects.create(lieu=lieux[2], titre="Autre", themes=["sante"])  # never in the report
    deuxieme = Atelier.objects.create(lieu=lieux[1], titre="Atelier D bis", themes=["courriel"], dispositif=d)
    for i in range(5 * taille):
        debut = paris(datetime.date(2025, 6, 10)) if i == 0 else _date(rng)
        a = deuxieme if i == 0 else rng.choice([atelier, atelier, autre, sans])
        s = Seance.objects.create(
            atelier=a, lieu=a.lieu, debut=debut, duree_minutes=rng.choice([60, 90, 120]), capacite=20,
            participants_anonymes=rng.choice([0, 0, 2]),
            annulee_le=debut if i % 9 == 8 else None,
        )  # fmt: skip
        for personne in rng.sample(personnes, k=min(len(personnes), rng.randrange(0, 5))):
            ins = Inscription.objects.create(
                seance=s, beneficiaire=personne,
                statut=rng.choice(["inscrit", "inscrit", "inscrit", "attente"]),
            )  # fmt: skip
            if ins.statut == "inscrit":
                ins.presence = rng.choice(["present", "present", "absent", "excuse", ""])
                ins.save()
            if ins.presence == "present" and a is autre and rng.random() < 0.7:
                _encaisser_a_l_emargement(rng, d, ins, personne)


def _encaisser_a_l_emargement(rng, d, ins, personne) -> None:
    """A cheque of `d` handed to the person, redeemed at this session's roll-call."""
    c = Carnet.objects.create(
        dispositif=d, departement=d.departement, numero=next(_numeros), taille=5, statut="remis", lot="monde",
        genere_le=ins.seance.debut - datetime.timedelta(days=40), beneficiaire=personne,
        remis_le=ins.seance.debut - datetime.timedelta(days=30),
    )  # fmt: skip
    ch = Cheque.objects.create(
        carnet=c, dispositif=d, departement=d.departement, code=codes.nouveau_code(), numero_serie=c.numero * 100 + 1,
        rang=1, valeur=d.valeur_faciale, statut="encaisse", encaisse_le=ins.seance.debut,
        lieu_encaissement=ins.seance.lieu,
    )  # fmt: skip
    e = Encaissement.objects.create(cheque=ch, lieu=ins.seance.lieu, source="emargement", le=ins.seance.debut)
    PresenceCheque.objects.create(inscription=ins, encaissement=e)


def _couts_et_bordereaux(rng, d, lieux) -> None:
    for jour, montant in ((datetime.date(2024, 12, 31), "999.99"), (datetime.date(2025, 1, 1), "1234.57"),
                          (datetime.date(2025, 12, 31), "0.01"), (datetime.date(2026, 1, 1), "50.00")):  # fmt: skip
        LigneCout.objects.create(
            dispositif=d, libelle=f"Coordination {jour:%m/%Y}", montant=Decimal(montant), date=jour
        )
    mars, avril, decembre = datetime.date(2025, 3, 1), datetime.date(2025, 4, 1), datetime.date(2024, 12, 1)
    for lieu, mois, statut in ((lieux[0], mars, "paye"), (lieux[1], mars, "valide"), (lieux[0], avril, "a_valider"),
                               (lieux[0], decembre, "paye")):  # fmt: skip
        b = Bordereau.objects.create(
            lieu=lieu, dispositif=d, departement=d.departement, numero=f"B-{next(_bordereaux)}", mois=mois,
            statut=statut, montant_valide=Decimal("20.00") if statut != "a_valider" else None,
            paye_le=datetime.date(2025, 5, 1) if statut == "paye" else None,
            reference_paiement="VIR-1" if statut == "paye" else "",
        )  # fmt: skip
        cheques = list(Cheque.objects.filter(dispositif=d, lieu_encaissement=lieu, lignes_bordereau__isnull=True)[:2])
        for ch in cheques:
            LigneBordereau.objects.create(bordereau=b, cheque=ch, montant=ch.valeur)
