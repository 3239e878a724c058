"""The workshops of the demo (issue 6): two places — the Quincaillerie (the place of the demo API
token) and the Médiathèque du Grand Guéret — with workshops of varied themes, levels and formats
(one individual accompaniment), some accepting the demo Pass numérique; past sessions of the last
weeks with registrations of demo people, presences marked, walk-ins, cheques redeemed at the
roll-call and, for some, a signed sheet uploaded (the others appear in « sans feuille »); a
cancelled session; a session TODAY at the Quincaillerie (registered people, nobody marked yet,
two of them holding unredeemed cheques) for trying the roll-call; future sessions, among them
weekly series. The data (workshops, regulars of each place, sessions) is in demo/data_ateliers.py.

Rows are written with the models (the workshop services belong to other areas); cheques are
redeemed through `pass_numerique.services.encaissement.encaisser` (so the Pass numérique ledger
and journal stay consistent), then linked with `PresenceCheque`, and their dates moved back to
the session's (with `.update()`, as seed_demo does for the people's dates). A person is only
registered to sessions after their record was made; the people a place did not receive through
an orientation are linked to it by an `Accueil` row (« retrouvée par son identité »).

Idempotent: a workshop is found by (place, title) and its sessions are only created when it has
none; the roll-call workshop gets a session today when it has none today (so a later run, on
another day, adds today's session and nothing else). The three cheque codes printed by seed_demo
(var/demo.json, for the API) are never redeemed here.
"""

import datetime
import hashlib
import uuid
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.utils import timezone

from ateliers.models import Atelier, FeuilleEmargement, Inscription, PresenceCheque, Seance
from ateliers.rules import ROLES_LIEU
from beneficiaires.identite import cle_doublon
from beneficiaires.models import Accueil, Beneficiaire, Orientation
from beneficiaires.selectors import doublon_de
from comptes.models import Membership, Role
from pass_numerique.models import Carnet, Cheque, Encaissement
from pass_numerique.services.encaissement import encaisser

from . import data
from .data_ateliers import ATELIERS, HABITUES, MOTIF_PRESENCES, SEANCES, AtelierDemo, SeanceDemo

INSCRIT, P = Inscription.Statut.INSCRIT, Inscription.Presence.PRESENT


@dataclass
class _Lieu:
    lieu: object
    equipe: list  # memberships of the place, médiateurs first
    personnes: dict = field(default_factory=dict)  # name -> Beneficiaire
    orientes: set = field(default_factory=set)  # pks of the people oriented to the place
    ateliers: dict = field(default_factory=dict)  # cle -> Atelier


def seed_ateliers(organisations: dict, comptes: dict[str, list[Membership]], pass_numerique: dict) -> dict:
    """Returns {"ateliers", "seances", "inscriptions", "cheques", "feuilles", "aujourdhui"} (created now)."""
    dispositif = pass_numerique["dispositif"]
    reserves = set(pass_numerique["cheques_remis"])
    bilan = dict.fromkeys(("ateliers", "seances", "inscriptions", "cheques", "feuilles"), 0)
    bilan["aujourdhui"] = None
    porteurs = _porteurs(dispositif)
    for cle in HABITUES:
        lieu = organisations[cle]
        equipe = sorted(
            {
                m.pk: m for ms in comptes.values() for m in ms if m.organisation_id == lieu.pk and m.role in ROLES_LIEU
            }.values(),
            key=lambda m: (m.role != Role.MEDIATEUR, m.pk),
        )
        if not equipe:
            continue
        ctx = _Lieu(lieu=lieu, equipe=equipe)
        _connaitre(ctx, cle, porteurs, [organisations[c] for c in HABITUES])
        for a in ATELIERS:
            if a.lieu == cle:
                ctx.ateliers[a.cle] = _atelier(a, lieu, dispositif, equipe[0].user, bilan)
        avaient = {k for k, atelier in ctx.ateliers.items() if atelier.seances.exists()}
        series: dict[str, uuid.UUID] = {}
        for rang, spec in enumerate(SEANCES[cle]):
            atelier = ctx.ateliers[spec.atelier]
            if spec.atelier in avaient and (spec.jours != 0 or _seance_du_jour(atelier) is not None):
                continue
            serie = series.setdefault(spec.serie, uuid.uuid4()) if spec.serie else None
            seance = _seance(ctx, spec, atelier, rang, serie, porteurs, reserves, bilan)
            if spec.jours == 0:
                bilan["aujourdhui"] = seance
    bilan["aujourdhui"] = bilan["aujourdhui"] or _seance_du_jour_des_lieux([organisations[c] for c in HABITUES])
    bilan["codes_du_jour"] = _codes_du_jour(bilan["aujourdhui"], reserves)
    return bilan


def _seance_du_jour_des_lieux(lieux) -> Seance | None:
    aujourdhui = timezone.localdate()
    return (
        Seance.objects.filter(lieu__in=lieux, annulee_le__isnull=True, debut__date=aujourdhui)
        .select_related("atelier", "lieu")
        .order_by("debut")
        .first()
    )


def _codes_du_jour(seance: Seance | None, reserves: set) -> dict[str, list[str]]:
    """For today's session: the people registered who still hold cheques, with two of their
    codes (not those kept for the API example), so a newcomer can try the roll-call."""
    if seance is None:
        return {}
    codes: dict[str, list[str]] = {}
    inscrits = seance.inscriptions.filter(statut=Inscription.Statut.INSCRIT).select_related("beneficiaire")
    for inscription in inscrits.order_by("beneficiaire__nom"):
        restants = (
            Cheque.objects.filter(carnet__beneficiaire=inscription.beneficiaire, statut=Cheque.Statut.REMIS)
            .exclude(code__in=reserves)
            .order_by("numero_serie")
            .values_list("code", flat=True)[:2]
        )
        if restants:
            codes[_nom(inscription.beneficiaire)] = list(restants)
    return codes


def resume(bilan: dict) -> str:
    seance = bilan["aujourdhui"]
    aujourdhui = ""
    if seance is not None:
        aujourdhui = (
            f" Séance du jour à émarger : « {seance.atelier.titre} » à {timezone.localtime(seance.debut):%H:%M} "
            f"({seance.lieu.nom})."
        )
        for nom, codes in bilan.get("codes_du_jour", {}).items():
            aujourdhui += f"\n  Chèques de {nom} à encaisser à l’appel : {', '.join(codes)}"
    return (
        f"Ateliers de démonstration : {bilan['ateliers']} atelier(s), {bilan['seances']} séance(s), "
        f"{bilan['inscriptions']} inscription(s), {bilan['cheques']} chèque(s) encaissé(s) à l’émargement, "
        f"{bilan['feuilles']} feuille(s) signée(s) créé(s).{aujourdhui}"
    )


# --- people ------------------------------------------------------------------------------------


def _porteurs(dispositif) -> dict[int, Beneficiaire]:
    """The people to whom a booklet of the demo dispositif was handed."""
    carnets = Carnet.objects.filter(dispositif=dispositif, statut=Carnet.Statut.REMIS).select_related("beneficiaire")
    return {c.beneficiaire_id: c.beneficiaire for c in carnets if c.beneficiaire.anonymise_le is None}


def _nom(personne: Beneficiaire) -> str:
    return f"{personne.prenom} {personne.nom}"


def _connaitre(ctx: _Lieu, cle: str, porteurs: dict, lieux_demo: list) -> None:
    """The place's regulars found by their identity (missing ones — commune not loaded — are
    skipped), the cheque holders oriented there (or, for the first place, any holder oriented
    elsewhere), each one the place sees: oriented to it, or linked by an Accueil."""
    departement_id = ctx.lieu.departement_id
    demo = {f"{p.prenom} {p.nom}": p for p in data.BENEFICIAIRES if p.etape != data.ANONYMISEE}
    for nom in HABITUES[cle]:
        personne = demo.get(nom)
        if personne is not None:
            naissance = datetime.date.fromisoformat(personne.naissance)
            trouvee = doublon_de(
                departement_id=departement_id,
                cle=cle_doublon(nom=personne.nom, prenom=personne.prenom, date_naissance=naissance),
            )
            if trouvee is not None:
                ctx.personnes[nom] = trouvee
    lieux_des_porteurs = dict(
        Orientation.objects.filter(beneficiaire__in=porteurs, lieu__in=lieux_demo).values_list(
            "beneficiaire_id", "lieu"
        )
    )
    premier = next(iter(HABITUES)) == cle
    for pk, porteur in porteurs.items():
        ici = lieux_des_porteurs.get(pk) == ctx.lieu.pk
        if ici or (premier and pk not in lieux_des_porteurs):
            ctx.personnes.setdefault(_nom(porteur), porteur)
    ctx.orientes = set(
        Orientation.objects.filter(lieu=ctx.lieu, beneficiaire__in=ctx.personnes.values()).values_list(
            "beneficiaire_id", flat=True
        )
    )
    for personne in ctx.personnes.values():
        if personne.pk not in ctx.orientes:
            Accueil.objects.get_or_create(
                beneficiaire=personne,
                lieu=ctx.lieu,
                defaults={
                    "origine": Accueil.Origine.RATTACHEMENT,
                    "cree_par": ctx.equipe[0].user,
                    "cree_le": personne.cree_le + datetime.timedelta(hours=20),
                },
            )


# --- workshops and sessions -------------------------------------------------------------------


def _atelier(spec: AtelierDemo, lieu, dispositif, par, bilan: dict) -> Atelier:
    atelier = Atelier.objects.filter(lieu=lieu, titre=spec.titre).first()
    if atelier is None:
        atelier = Atelier.objects.create(
            lieu=lieu,
            titre=spec.titre,
            themes=[str(t) for t in spec.themes],
            niveau=spec.niveau,
            format=spec.format,
            duree_minutes=spec.duree,
            capacite=spec.capacite,
            accepte_pass=spec.accepte_pass,
            cheques_par_seance=spec.cheques_par_seance,
            dispositif=dispositif if spec.accepte_pass else None,
            description=spec.description,
            cree_par=par,
            cree_le=timezone.now() - datetime.timedelta(days=60),
        )
        bilan["ateliers"] += 1
    return atelier


def _seance_du_jour(atelier: Atelier) -> Seance | None:
    return atelier.seances.filter(debut__date=timezone.localdate()).first()


def _debut(jours: int, heure: int) -> datetime.datetime:
    """Local time `heure`:00, `jours` days from today; today's session starts at 14:00, or earlier
    (half an hour ago) when seed_demo runs before 14:30, so that its roll-call can be done now."""
    maintenant = timezone.localtime()
    jour = maintenant.date() + datetime.timedelta(days=jours)
    debut = timezone.make_aware(datetime.datetime.combine(jour, datetime.time(heure)))
    if jours == 0:
        plus_tot = (maintenant - datetime.timedelta(minutes=30)).replace(second=0, microsecond=0)
        plus_tot = plus_tot.replace(minute=plus_tot.minute - plus_tot.minute % 15)
        debut = max(min(debut, plus_tot), timezone.make_aware(datetime.datetime.combine(jour, datetime.time(0))))
    return debut


def _seance(ctx: _Lieu, spec: SeanceDemo, atelier: Atelier, rang: int, serie, porteurs, reserves, bilan) -> Seance:
    debut = _debut(spec.jours, spec.heure)
    mediateurs = ctx.equipe[: spec.mediateurs]
    passee = spec.jours < 0
    seance = Seance.objects.create(
        atelier=atelier,
        lieu=ctx.lieu,
        debut=debut,
        duree_minutes=atelier.duree_minutes,
        capacite=atelier.capacite,
        serie=serie,
        participants_anonymes=spec.anonymes if passee else 0,
        annulee_le=(min(debut, timezone.now()) - datetime.timedelta(days=2)) if spec.annulee else None,
        motif_annulation=spec.annulee,
        cree_par=mediateurs[0].user,
        cree_le=min(debut, timezone.now()) - datetime.timedelta(days=14),
    )
    seance.mediateurs.set([m.user for m in mediateurs])
    bilan["seances"] += 1

    # Who: the names given, else the place's people in turn (holders first in workshops taking cheques).
    eligibles = {nom: p for nom, p in ctx.personnes.items() if p.cree_le + datetime.timedelta(days=1) < debut}
    if spec.personnes:
        noms = [nom for nom in spec.personnes if nom in eligibles]
    else:
        tous = list(eligibles)
        if atelier.accepte_pass:
            tous.sort(key=lambda nom: eligibles[nom].pk not in porteurs)
        decalage = 0 if atelier.accepte_pass else rang
        noms = [tous[(decalage + i) % len(tous)] for i in range(min(len(tous), spec.inscrits))] if tous else []
    noms = noms[: atelier.capacite]
    attente = [nom for nom in spec.attente if nom in eligibles and nom not in noms]
    pointee = passee and spec.pointee and not spec.annulee
    par = mediateurs[0]
    for i, nom in enumerate([*noms, *attente]):
        personne = eligibles[nom]
        statut = INSCRIT if nom in noms else Inscription.Statut.ATTENTE
        presence = ""
        if pointee and statut == INSCRIT:
            presence = P if personne.pk in porteurs else MOTIF_PRESENCES[(rang + i) % len(MOTIF_PRESENCES)]
        inscription = Inscription.objects.create(
            seance=seance,
            beneficiaire=personne,
            statut=statut,
            origine=Inscription.Origine.ORIENTATION if personne.pk in ctx.orientes else Inscription.Origine.ACCUEIL,
            presence=presence,
            marquee_le=debut + datetime.timedelta(minutes=10) if presence else None,
            marquee_par=par.user if presence else None,
            cree_le=max(personne.cree_le + datetime.timedelta(days=1), debut - datetime.timedelta(days=7)),
            cree_par=par.user,
        )
        bilan["inscriptions"] += 1
        if presence == P and atelier.accepte_pass and personne.pk in porteurs:
            bilan["cheques"] += _encaisser(ctx, par, inscription, atelier, reserves)
    if spec.feuille and pointee:
        _feuille(seance, par.user)
        bilan["feuilles"] += 1
    return seance


# --- cheques -----------------------------------------------------------------------------------


def _encaisser(ctx: _Lieu, par: Membership, inscription: Inscription, atelier: Atelier, reserves: set) -> int:
    """Redeem `cheques_par_seance` of the person's handed-out cheques through the Pass numérique
    service, link them to the presence, then date them at the session (and the booklet's handing
    out before it, if it was handed out later: seed_pass runs today)."""
    seance = inscription.seance
    moment = seance.debut + datetime.timedelta(minutes=15)
    if timezone.localtime(moment).date() < atelier.dispositif.debut:
        return 0
    codes = list(
        Cheque.objects.filter(
            carnet__beneficiaire=inscription.beneficiaire, dispositif=atelier.dispositif, statut=Cheque.Statut.REMIS
        )
        .exclude(code__in=reserves)
        .order_by("numero_serie")
        .values_list("code", flat=True)[: atelier.cheques_par_seance]
    )
    faits = 0
    for n, code in enumerate(codes):
        resultat = encaisser(
            lieu=ctx.lieu,
            code_saisi=code,
            source=Encaissement.Source.EMARGEMENT,
            par=par,
            cle_idempotence=f"demo-emargement-{inscription.pk}-{n}",
        )
        if not resultat.ok:
            continue
        encaissement = resultat.encaissement
        PresenceCheque.objects.create(inscription=inscription, encaissement=encaissement, cree_le=moment)
        Encaissement.objects.filter(pk=encaissement.pk).update(le=moment)
        Cheque.objects.filter(pk=encaissement.cheque_id).update(encaisse_le=moment, modifie_le=moment)
        remis_avant = max(
            moment - datetime.timedelta(days=3),
            _debut_du_jour(atelier.dispositif.debut),
            inscription.beneficiaire.cree_le,
        )
        Carnet.objects.filter(pk=resultat.cheque.carnet_id, remis_le__gt=remis_avant).update(remis_le=remis_avant)
        faits += 1
    return faits


def _debut_du_jour(jour: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(jour, datetime.time(9)))


# --- the signed sheet --------------------------------------------------------------------------


def _feuille(seance: Seance, par) -> FeuilleEmargement:
    """A tiny valid PDF standing for the scan, stored like an upload, and the roll-call locked."""
    debut = timezone.localtime(seance.debut)
    contenu = pdf_minimal(
        [
            "Feuille d’émargement signée — démonstration",
            seance.atelier.titre,
            f"{seance.lieu.nom}, le {debut:%d/%m/%Y} à {debut:%H:%M}",
            "(document fictif généré par seed_demo)",
        ]
    )
    deposee_le = seance.fin + datetime.timedelta(hours=2)
    feuille = FeuilleEmargement(
        seance=seance,
        nom_original=f"emargement-{debut:%Y-%m-%d}.pdf",
        type_contenu="application/pdf",
        taille=len(contenu),
        sha256=hashlib.sha256(contenu).hexdigest(),
        deposee_le=deposee_le,
        deposee_par=par,
    )
    feuille.fichier.save(feuille.nom_original, ContentFile(contenu), save=False)
    feuille.save()
    Seance.objects.filter(pk=seance.pk).update(verrouillee_le=deposee_le)
    seance.verrouillee_le = deposee_le
    return feuille


def pdf_minimal(lignes: list[str]) -> bytes:
    """A one-page A4 PDF with these lines in Helvetica (WinAnsi: French accents and ’)."""

    def texte(ligne: str) -> bytes:
        brut = ligne.encode("cp1252", errors="replace")
        return b"(" + brut.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"

    flux = b"BT /F1 14 Tf 18 TL 56 780 Td " + b" T* ".join(texte(ligne) + b" Tj" for ligne in lignes) + b" ET"
    objets = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(flux) + flux + b"\nendstream",
    ]
    sortie = bytearray(b"%PDF-1.4\n")
    positions = []
    for numero, objet in enumerate(objets, start=1):
        positions.append(len(sortie))
        sortie += b"%d 0 obj\n" % numero + objet + b"\nendobj\n"
    xref = len(sortie)
    sortie += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objets) + 1)
    sortie += b"".join(b"%010d 00000 n \n" % position for position in positions)
    sortie += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objets) + 1, xref)
    return bytes(sortie)
