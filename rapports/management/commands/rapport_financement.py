"""Produce a funding report from the command line, with the same code as the Celery task."""

import datetime
import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pass_numerique.models import Dispositif
from rapports.models import Format
from rapports.services.production import contenu_de, ecrire_fichier

AIDE_FORMATS = (
    "formats séparés par des virgules, parmi : pdf (à signer), xlsx (classeur), csv_fr (ZIP de CSV pour "
    "tableur français : point-virgule, virgule décimale, UTF-8 avec BOM), csv (ZIP de CSV standard : "
    "virgule, point décimal, UTF-8). Par défaut : pdf,xlsx"
)


def _date(texte: str, option: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(texte)
    except (TypeError, ValueError):
        raise CommandError(f"{option} : « {texte} » n’est pas une date au format AAAA-MM-JJ.") from None


class Command(BaseCommand):
    help = (
        "Produit un rapport de financement (mêmes calculs et mêmes fichiers que depuis l’application) "
        "dans un dossier, et affiche le chemin et l’empreinte SHA-256 de chaque fichier."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dispositif",
            action="append",
            type=str,
            default=[],
            metavar="ID",
            help="identifiant d’un dispositif ; répétez l’option pour plusieurs dispositifs du même département",
        )
        parser.add_argument(
            "--tous", action="store_true", help="rapport de toute l’instance : tous les dispositifs, tous départements"
        )
        parser.add_argument("--du", required=True, metavar="AAAA-MM-JJ", help="premier jour de la période (inclus)")
        parser.add_argument("--au", required=True, metavar="AAAA-MM-JJ", help="dernier jour de la période (inclus)")
        parser.add_argument("--format", default="pdf,xlsx", metavar="FORMATS", help=AIDE_FORMATS)
        parser.add_argument(
            "-o", "--output", required=True, metavar="DOSSIER", help="dossier où écrire les fichiers (il doit exister)"
        )

    def handle(self, *args, **options):
        du, au = _date(options["du"], "--du"), _date(options["au"], "--au")
        if au < du:
            raise CommandError("--au doit être postérieure ou égale à --du.")
        formats = self._formats(options["format"])
        dispositifs, departement = self._dispositifs(options["dispositif"], options["tous"])
        dossier = self._dossier(options["output"])
        contenu = contenu_de(
            dispositifs=dispositifs,
            du=du,
            au=au,
            departement=departement,
            formats_choisis=formats,
            demandeur="ligne de commande",
        )
        self._ecrire(contenu, formats, dossier)

    def _formats(self, texte: str) -> list[str]:
        formats = [f.strip() for f in (texte or "").split(",") if f.strip()]
        inconnus = [f for f in formats if f not in Format.values]
        if inconnus:
            raise CommandError(
                f"Format inconnu : {', '.join(inconnus)}. Formats possibles : {', '.join(Format.values)}."
            )
        if not formats:
            raise CommandError("Indiquez au moins un format avec --format.")
        return list(dict.fromkeys(formats))

    def _dispositifs(self, ids: list[str], tous: bool):
        if tous and ids:
            raise CommandError("Choisissez --tous ou --dispositif, pas les deux.")
        if tous:
            dispositifs = list(Dispositif.objects.order_by("departement__code", "nom", "pk"))
            if not dispositifs:
                raise CommandError("Aucun dispositif dans l’instance.")
            return dispositifs, None
        if not ids:
            raise CommandError("Indiquez au moins un --dispositif ID, ou --tous.")
        try:
            pks = [int(i) for i in ids]
        except ValueError:
            raise CommandError(f"--dispositif : identifiant invalide parmi {', '.join(ids)}.") from None
        dispositifs = list(Dispositif.objects.select_related("departement").filter(pk__in=pks).order_by("nom", "pk"))
        manquants = sorted(set(pks) - {d.pk for d in dispositifs})
        if manquants:
            raise CommandError(f"Dispositif introuvable : {', '.join(map(str, manquants))}.")
        departements = {d.departement_id for d in dispositifs}
        if len(departements) > 1:
            raise CommandError("Les dispositifs doivent être du même département (ou utilisez --tous).")
        return dispositifs, dispositifs[0].departement

    def _dossier(self, chemin: str) -> Path:
        dossier = Path(chemin)
        if not dossier.is_dir():
            raise CommandError(f"Le dossier « {chemin} » n’existe pas.")
        if not os.access(dossier, os.W_OK | os.X_OK):
            raise CommandError(f"Impossible d’écrire dans le dossier « {chemin} ».")
        return dossier

    def _ecrire(self, contenu, formats: list[str], dossier: Path) -> None:
        """Each file is written under a temporary name, then renamed once all are written: a failure
        leaves no partial file behind."""
        prets: list[tuple[Path, Path | None, str]] = []
        renommes: list[Path] = []
        try:
            for format in formats:
                with tempfile.NamedTemporaryFile(dir=dossier, prefix=".rapport-", delete=False) as temporaire:
                    prets.append((Path(temporaire.name), None, ""))
                    ecrit = ecrire_fichier(contenu, format, temporaire)
                prets[-1] = (Path(temporaire.name), dossier / ecrit.nom, ecrit.sha256)
            for temporaire, final, _ in prets:
                os.replace(temporaire, final)
                renommes.append(final)
        except OSError as exc:
            self._nettoyer(prets, renommes)
            raise CommandError(f"Écriture impossible dans « {dossier} » : {exc.strerror or exc}.") from None
        except Exception:
            self._nettoyer(prets, renommes)
            raise
        for _, final, sha256 in prets:
            self.stdout.write(f"{final}  sha256:{sha256}")

    @staticmethod
    def _nettoyer(prets, renommes) -> None:
        for chemin in [temporaire for temporaire, _, _ in prets] + renommes:
            chemin.unlink(missing_ok=True)
