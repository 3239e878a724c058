"""Private storage of the generated reports: under PRIVATE_STORAGE_ROOT/rapports, never served by
the web server; read only through the permission-checked download view."""

from ateliers.stockage import StockagePrive


class StockageRapports(StockagePrive):
    sous_dossier = "rapports"


def stockage_rapports() -> StockageRapports:
    return StockageRapports()
