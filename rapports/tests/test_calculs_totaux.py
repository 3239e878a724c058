"""Totals of construire_contenu against an independent computation in plain Python over ORM
objects of the generated world (nothing of rapports.calculs is reused here); no leak between
départements; a bounded number of queries, independent of the data size."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from ateliers.models import Inscription, PresenceCheque, Seance
from beneficiaires.models import Beneficiaire
from pass_numerique.models import Carnet, Cheque
from rapports.calculs import construire_contenu
from rapports.models import LigneCout
from rapports.repartition import repartir

from .factories_calculs import AU, DU, PARIS, monde

pytestmark = pytest.mark.django_db
ENCAISSES = ("encaisse", "rembourse")


def jour(instant):
    return timezone.localtime(instant, PARIS).date() if instant else None


def dans(instant, du=DU, au=AU):
    return instant is not None and du <= jour(instant) <= au


def attendu(dispositifs):
    ids = {d.pk for d in dispositifs}
    cheques = list(Cheque.objects.filter(dispositif__in=ids).select_related("carnet"))
    r = {"flux": {}, "cohorte": 0, "remis_v": Decimal(0), "cohorte_v": Decimal(0)}
    for cle, date in (("generes", lambda c: c.carnet.genere_le), ("dotes", lambda c: c.carnet.dote_le),
                      ("remis", lambda c: c.carnet.remis_le), ("rembourses", lambda c: c.rembourse_le),
                      ("expires", lambda c: c.expire_le), ("annules", lambda c: c.annule_le),
                      ("encaisses", lambda c: c.encaisse_le if c.statut in ENCAISSES else None)):  # fmt: skip
        choisis = [c for c in cheques if dans(date(c))]
        r["flux"][cle] = (len(choisis), sum((c.valeur for c in choisis), Decimal(0)))
    for c in cheques:
        if dans(c.carnet.remis_le):
            r["remis_v"] += c.valeur
            if c.statut in ENCAISSES and jour(c.encaisse_le) <= AU:
                r["cohorte"] += 1
                r["cohorte_v"] += c.valeur
    # Sessions of the dispositifs and parcours days, by hand.
    par_cheque = {
        pc.inscription.seance_id
        for pc in PresenceCheque.objects.select_related("inscription", "encaissement__cheque")
        if pc.encaissement.cheque.dispositif_id in ids
    }
    seances = [
        s
        for s in Seance.objects.select_related("atelier")
        if s.annulee_le is None and (s.atelier.dispositif_id in ids or s.pk in par_cheque)
    ]
    tenues = [s for s in seances if dans(s.debut)]
    presences = [
        i
        for i in Inscription.objects.select_related("seance")
        if i.presence == "present" and i.statut == "inscrit" and i.seance in seances
    ]
    presences_tenues = [i for i in presences if i.seance in tenues]
    r["seances"] = len(tenues)
    r["minutes"] = sum(
        s.duree_minutes for s in tenues if s.participants_anonymes or any(i.seance == s for i in presences_tenues)
    )
    r["presences"] = len(presences_tenues)
    r["personnes"] = len({i.beneficiaire_id for i in presences_tenues})
    r["anonymes"] = sum(s.participants_anonymes for s in tenues)
    jours: dict[int, set] = {}
    for i in presences:
        if jour(i.seance.debut) <= AU:
            jours.setdefault(i.beneficiaire_id, set()).add(jour(i.seance.debut))
    for c in cheques:
        if c.statut in ENCAISSES and c.carnet.beneficiaire_id and jour(c.encaisse_le) <= AU:
            jours.setdefault(c.carnet.beneficiaire_id, set()).add(jour(c.encaisse_le))
    fusionnees = set(Beneficiaire.objects.filter(fusionne_dans__isnull=False).values_list("pk", flat=True))
    r["participants"] = {p for p, js in jours.items() if len(js) >= 2 and max(js) >= DU and p not in fusionnees}
    r["couts"] = {}
    for d in dispositifs:
        encaisses = [
            c.valeur for c in cheques if c.dispositif_id == d.pk and c.statut in ENCAISSES and dans(c.encaisse_le)
        ]
        lignes = [lc.montant for lc in LigneCout.objects.filter(dispositif=d) if DU <= lc.date <= AU]
        r["couts"][d.pk] = sum(encaisses, Decimal(0)) + sum(lignes, Decimal(0))
    r["remis_personnes"] = {
        d.pk: {c.beneficiaire_id for c in Carnet.objects.filter(dispositif=d) if c.beneficiaire_id and dans(c.remis_le)}
        for d in dispositifs
    }
    return r


def verifier(contenu, dispositifs, a):
    total = contenu.tableau("cheques-total" if len(dispositifs) > 1 else f"cheques-{dispositifs[0].pk}")
    flux = {ligne[0]: tuple(ligne[1:]) for ligne in total.lignes}
    libelles = {"generes": "Générés", "dotes": "Dotés à un prescripteur", "remis": "Remis à une personne",
                "encaisses": "Encaissés par un lieu", "rembourses": "Remboursés au lieu", "expires": "Expirés",
                "annules": "Annulés"}  # fmt: skip
    for cle, libelle in libelles.items():
        assert flux[libelle] == a["flux"][cle], cle
    enc = contenu.tableau("cheques-encaissement").total
    assert enc[1:3] == [a["flux"]["remis"][0], a["cohorte"]]
    assert enc[4] == a["remis_v"] - a["cohorte_v"]
    mois = contenu.tableau("cheques-mois").total
    assert mois[1:] == [*a["flux"]["remis"], *a["flux"]["encaisses"]]
    prescripteurs = contenu.tableau("activite-prescripteurs").total
    remis = [k for k in Carnet.objects.filter(dispositif__in=dispositifs) if dans(k.remis_le) and k.organisme_id]
    cheques_remis = [c for k in remis for c in k.cheques.all()]
    assert prescripteurs[1:5] == [
        len(remis),
        len({(k.organisme_id, k.beneficiaire_id) for k in remis}),  # distinct per organisation, then added
        len(cheques_remis),
        sum((c.valeur for c in cheques_remis), Decimal(0)),
    ]
    lieux = contenu.tableau("activite-lieux").total
    assert lieux[2:] == [a["seances"], a["minutes"], a["presences"], a["personnes"], a["anonymes"]]
    for cle in ("activite-communes", "activite-epci"):
        assert contenu.tableau(cle).total[1:] == lieux[2:]
    fiches = {ligne[0] for ligne in contenu.tableau("participants").lignes}
    assert fiches == set(Beneficiaire.objects.filter(pk__in=a["participants"]).values_list("pseudonyme", flat=True))
    assert contenu.tableau("fse-participants").lignes[0][-1] == len(a["participants"])
    for t in ("fse-age", "fse-etudes"):
        assert sum(ligne[-1] for ligne in contenu.tableau(t).lignes) == len(a["participants"])
    for d in dispositifs:
        split = contenu.tableau(f"financement-{d.pk}")
        assert split.total[1] == a["couts"][d.pk]
        for ligne in split.lignes:
            assert sum(ligne[2:]) == ligne[1]
        assert split.total[2:] == repartir(a["couts"][d.pk], [f.pourcentage for f in d.financeurs.order_by("ordre")])
        for j in range(2, len(split.colonnes)):
            assert sum(ligne[j] for ligne in split.lignes) == split.total[j]
        publics = next(lg for lg in contenu.tableau("publics-prioritaires").lignes if lg[0] == d.nom)
        assert publics[1] == len(a["remis_personnes"][d.pk])
    assert contenu.tableau("financement-synthese").total[3] == sum(a["couts"].values())


def test_totaux_contre_un_calcul_independant():
    m = monde(3)
    creuse = m.du_departement("23")
    contenu = construire_contenu(dispositifs=creuse, du=DU, au=AU, departement=m.departements[0])
    a = attendu(creuse)
    assert a["participants"] and a["seances"] and a["flux"]["encaisses"][0]  # the world is not empty
    verifier(contenu, creuse, a)
    # Per-dispositif cheque tables add up to the total table.
    for i, ligne in enumerate(contenu.tableau("cheques-total").lignes[:7]):
        assert ligne[1] == sum(contenu.tableau(f"cheques-{d.pk}").lignes[i][1] for d in creuse)
    assert contenu.departement == "Creuse (23)" and contenu.dispositifs == ["Pass 23 A", "Pass 23 B"]
    # Every place with sessions has a commune (by its link or its INSEE code), hence an EPCI.
    assert [ligne[0] for ligne in contenu.tableau("activite-epci").lignes] == ["CA du Grand Guéret (200034825)"]
    assert "Saint-Fiel" in {ligne[0] for ligne in contenu.tableau("activite-communes").lignes}
    # Whole instance: every dispositif, nothing lost.
    tout = construire_contenu(dispositifs=m.dispositifs, du=DU, au=AU, departement=None)
    verifier(tout, m.dispositifs, attendu(m.dispositifs))
    assert tout.departement == "Toutes les instances"


def test_aucune_fuite_vers_un_autre_departement():
    m = monde(2)
    creuse = m.du_departement("23")
    contenu = construire_contenu(dispositifs=creuse, du=DU, au=AU, departement=m.departements[0])
    noms_87 = {"Pass 87", *[lieu.nom for lieu in m.lieux if lieu.departement.code == "87"]}
    cellules = {c for t in contenu.tableaux() for ligne in [*t.lignes, t.total or []] for c in ligne}
    assert not noms_87 & cellules
    pseudos_87 = set(Beneficiaire.objects.filter(departement__code="87").values_list("pseudonyme", flat=True))
    assert not pseudos_87 & {ligne[0] for ligne in contenu.tableau("participants").lignes}
    assert {t.cle for t in contenu.tableaux() if t.cle.startswith(("cheques-", "financement-"))} >= {
        f"cheques-{d.pk}" for d in creuse
    }
    assert not any(t.cle.endswith(f"-{m.dispositifs[2].pk}") for t in contenu.tableaux())


def test_contenu_structure_et_progression():
    m = monde(1)
    etapes = []
    contenu = construire_contenu(
        dispositifs=m.du_departement("87"), du=DU, au=AU, departement=m.departements[1],
        parametres=[("Formats", "PDF")], progression=lambda p, e: etapes.append((p, e)),
        genere_le=datetime.datetime(2026, 1, 2, tzinfo=PARIS),
    )  # fmt: skip
    assert [s.cle for s in contenu.sections] == ["cheques", "personnes", "activite", "financement", "participants"]
    assert [p for p, _ in etapes] == sorted(p for p, _ in etapes) and max(p for p, _ in etapes) <= 80
    assert all(t.note for t in contenu.tableaux())
    cles = [t.cle for t in contenu.tableaux()]
    assert len(cles) == len(set(cles))
    for s in contenu.sections:
        for g in s.graphiques:
            t = contenu.tableau(g.tableau)
            assert all(len(serie.valeurs) == len(g.categories) for serie in g.series) and t
    assert [t.dans_pdf for t in contenu.tableaux()].count(False) == 1


@pytest.mark.parametrize("taille", [1, 4])
def test_nombre_de_requetes_borne(taille, django_assert_max_num_queries):
    m = monde(taille)
    with django_assert_max_num_queries(22):
        construire_contenu(dispositifs=m.dispositifs, du=DU, au=AU, departement=None)
