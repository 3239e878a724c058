"""`manage.py rapport_financement`: the same files as the application (same code), their paths
and SHA-256 printed; garbage refused with a French CommandError and no file left behind."""

import hashlib
import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rapports import formats

pytestmark = pytest.mark.django_db


def _lancer(*args) -> str:
    sortie = StringIO()
    call_command("rapport_financement", *args, stdout=sortie)
    return sortie.getvalue()


def test_la_commande_ecrit_les_fichiers_et_leurs_empreintes(equipe, tmp_path):
    sortie = _lancer(
        "--dispositif", str(equipe.dispositif.pk), "--du", "2026-01-01", "--au", "2026-12-31",
        "--format", "pdf,xlsx,csv_fr,csv", "-o", str(tmp_path),
    )  # fmt: skip
    noms = sorted(p.name for p in tmp_path.iterdir())
    base = "rapport-financement-23-2026-01-01-2026-12-31"
    assert noms == [f"{base}-csv-fr.zip", f"{base}-csv.zip", f"{base}.pdf", f"{base}.xlsx"]
    lignes = sortie.strip().splitlines()
    assert len(lignes) == 4
    for ligne in lignes:
        chemin, empreinte = ligne.split("  sha256:")
        with open(chemin, "rb") as fichier:
            assert hashlib.sha256(fichier.read()).hexdigest() == empreinte
    assert (tmp_path / "rapport-financement-23-2026-01-01-2026-12-31.pdf").read_bytes()[:5] == b"%PDF-"


def test_tout_le_pays(equipe, tmp_path):
    sortie = _lancer("--tous", "--du", "2026-01-01", "--au", "2026-01-31", "--format", "xlsx", "-o", str(tmp_path))
    assert "rapport-financement-instance-2026-01-01-2026-01-31.xlsx" in sortie


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--dispositif", "999999"], "Dispositif introuvable : 999999."),
        (["--dispositif", "abc"], "identifiant invalide"),
        ([], "Indiquez au moins un --dispositif ID, ou --tous."),
        (["--tous", "--dispositif", "{pk}"], "pas les deux"),
        (["--dispositif", "{pk}", "--dispositif", "{autre}"], "même département"),
        (["--dispositif", "{pk}", "--du", "2026-13-01"], "« 2026-13-01 » n’est pas une date"),
        (["--dispositif", "{pk}", "--du", "2026-02-01", "--au", "2026-01-01"], "postérieure ou égale"),
        (["--dispositif", "{pk}", "--format", "pdf,docx"], "Format inconnu : docx."),
        (["--dispositif", "{pk}", "--format", ","], "au moins un format"),
        (["--dispositif", "{pk}", "-o", "/nexiste/pas"], "n’existe pas"),
    ],
)
def test_les_arguments_invalides_sont_refuses_en_francais(equipe, tmp_path, arguments, message):
    valeurs = {"pk": equipe.dispositif.pk, "autre": equipe.autre_dispositif.pk}
    arguments = [a.format(**valeurs) for a in arguments]
    defauts = {"--du": "2026-01-01", "--au": "2026-01-31", "-o": str(tmp_path)}
    for option, valeur in defauts.items():
        if option not in arguments:
            arguments += [option, valeur]
    with pytest.raises(CommandError, match=message):
        _lancer(*arguments)
    assert list(tmp_path.iterdir()) == []


def test_un_dossier_en_lecture_seule_est_refuse(equipe, tmp_path, monkeypatch):
    # Root ignores permission bits (CI runs as root): the operating system's answer is simulated.
    monkeypatch.setattr(os, "access", lambda chemin, mode: False)
    with pytest.raises(CommandError, match="Impossible d’écrire"):
        _lancer("--dispositif", str(equipe.dispositif.pk), "--du", "2026-01-01", "--au", "2026-01-31",
                "-o", str(tmp_path))  # fmt: skip
    assert list(tmp_path.iterdir()) == []


def test_un_fichier_impossible_a_ecrire_ne_laisse_rien(equipe, tmp_path):
    # The PDF's name is taken by a directory: writing fails, even as root.
    (tmp_path / "rapport-financement-23-2026-01-01-2026-01-31.pdf").mkdir()
    with pytest.raises(CommandError):
        _lancer("--dispositif", str(equipe.dispositif.pk), "--du", "2026-01-01", "--au", "2026-01-31",
                "--format", "xlsx,pdf", "-o", str(tmp_path))  # fmt: skip
    assert [p.name for p in tmp_path.iterdir()] == ["rapport-financement-23-2026-01-01-2026-01-31.pdf"]


def test_une_panne_au_milieu_ne_laisse_aucun_fichier(equipe, tmp_path, monkeypatch):
    ecrire = formats.ecrire

    def panne_au_second(format, contenu, destination):
        if format == "xlsx":
            raise OSError(28, "No space left on device")
        ecrire(format, contenu, destination)

    monkeypatch.setattr(formats, "ecrire", panne_au_second)
    with pytest.raises(CommandError, match="Écriture impossible"):
        _lancer("--dispositif", str(equipe.dispositif.pk), "--du", "2026-01-01", "--au", "2026-01-31",
                "--format", "pdf,xlsx", "-o", str(tmp_path))  # fmt: skip
    assert list(tmp_path.iterdir()) == []


def test_l_aide_decrit_les_formats_en_francais(capsys):
    with pytest.raises(SystemExit):
        call_command("rapport_financement", "--help")
    aide = capsys.readouterr().out
    assert "csv_fr" in aide and "point-virgule" in aide and "--tous" in aide
