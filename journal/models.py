"""The append-only journal: who did what, for which organisation, when.

Rows are only ever inserted. Updates and deletes are refused by the model, by its queryset
and, on PostgreSQL, by a database trigger (migration 0002). The journal knows users,
organisations and départements by reference only: it imports none of the apps that write to it
(each app owns one typed helper per event, in its `evenements.py`).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class JournalImmuableError(Exception):
    """Raised on any attempt to change or delete a journal entry."""

    def __init__(self):
        super().__init__("Le journal est en ajout seul : une entrée ne peut être ni modifiée ni supprimée.")


class Action(models.TextChoices):
    # comptes: memberships and invitations
    MEMBRE_AJOUTE = "comptes.membre_ajoute", "Membre ajouté"
    MEMBRE_DESACTIVE = "comptes.membre_desactive", "Membre désactivé"
    MEMBRE_REACTIVE = "comptes.membre_reactive", "Membre réactivé"
    INVITATION_ENVOYEE = "comptes.invitation_envoyee", "Invitation envoyée"
    INVITATION_RENVOYEE = "comptes.invitation_renvoyee", "Invitation renvoyée"
    INVITATION_ANNULEE = "comptes.invitation_annulee", "Invitation annulée"
    INVITATION_ACCEPTEE = "comptes.invitation_acceptee", "Invitation acceptée"
    # structures: lieux de médiation numérique
    LIEU_CREE = "structures.lieu_cree", "Lieu créé"
    LIEU_MODIFIE = "structures.lieu_modifie", "Lieu modifié"
    LIEU_FERME = "structures.lieu_ferme", "Lieu fermé"
    LIEU_ROUVERT = "structures.lieu_rouvert", "Lieu rouvert"
    LIEUX_IMPORTES = "structures.lieux_importes", "Lieux importés"
    # prescripteurs: organismes prescripteurs
    ORGANISME_CREE = "prescripteurs.organisme_cree", "Organisme prescripteur créé"
    ORGANISME_MODIFIE = "prescripteurs.organisme_modifie", "Organisme prescripteur modifié"
    ORGANISME_FERME = "prescripteurs.organisme_ferme", "Organisme prescripteur fermé"
    ORGANISME_ROUVERT = "prescripteurs.organisme_rouvert", "Organisme prescripteur rouvert"
    # beneficiaires: records (named by their pseudonym only), reads, orientations, retention
    BENEFICIAIRE_CREE = "beneficiaires.cree", "Bénéficiaire enregistré·e"
    BENEFICIAIRE_MODIFIE = "beneficiaires.modifie", "Fiche bénéficiaire corrigée"
    BENEFICIAIRE_CONSULTE = "beneficiaires.consulte", "Fiche bénéficiaire consultée"
    BENEFICIAIRE_RATTACHE = "beneficiaires.rattache", "Bénéficiaire rattaché·e à un organisme"
    BENEFICIAIRE_FUSIONNE = "beneficiaires.fusionne", "Fiches bénéficiaires fusionnées"
    BENEFICIAIRE_ANONYMISE = "beneficiaires.anonymise", "Bénéficiaire anonymisé·e"
    ANONYMISATION_EXECUTEE = "beneficiaires.anonymisation", "Règle de conservation appliquée"
    ORIENTATION_CREEE = "beneficiaires.orientation_creee", "Orientation vers un lieu"
    ORIENTATION_ACCEPTEE = "beneficiaires.orientation_acceptee", "Orientation prise en charge"
    ORIENTATION_REFUSEE = "beneficiaires.orientation_refusee", "Orientation refusée"
    ORIENTATION_SIGNALEE = "beneficiaires.orientation_signalee", "Orientation sans réponse signalée"
    # pass_numerique: dispositifs, the cheque ledger, reimbursements
    DISPOSITIF_CREE = "pass.dispositif_cree", "Dispositif créé"
    DISPOSITIF_MODIFIE = "pass.dispositif_modifie", "Dispositif modifié"
    DISPOSITIF_CLOS = "pass.dispositif_clos", "Dispositif clos"
    FINANCEURS_DEFINIS = "pass.financeurs_definis", "Financeurs définis"
    QUALIFICATION_DECIDEE = "pass.qualification", "Qualification d’un lieu"
    PARTICIPATION_AJOUTEE = "pass.participation_ajoutee", "Prescripteur ajouté au dispositif"
    PARTICIPATION_RETIREE = "pass.participation_retiree", "Prescripteur retiré du dispositif"
    CHEQUES_GENERES = "pass.generes", "Chèques générés"
    CARNETS_DOTES = "pass.dotes", "Carnets dotés"
    CARNETS_RETOURNES = "pass.retournes", "Carnets retournés au département"
    CARNET_REMIS = "pass.remis", "Carnet remis"
    CARNET_REIMPRIME = "pass.reimprime", "Carnet réimprimé"
    DEROGATION_ACCORDEE = "pass.derogation", "Dérogation accordée"
    CHEQUE_ENCAISSE = "pass.encaisse", "Chèque encaissé"
    ENCAISSEMENT_ANNULE = "pass.encaissement_annule", "Encaissement annulé"
    CHEQUES_ANNULES = "pass.annules", "Chèques mis en opposition"
    CHEQUES_EXPIRES = "pass.expires", "Chèques expirés"
    BORDEREAU_CREE = "pass.bordereau_cree", "Bordereau créé (chèques réclamés)"
    BORDEREAU_VALIDE = "pass.bordereau_valide", "Bordereau validé"
    LIGNE_REJETEE = "pass.ligne_rejetee", "Ligne de bordereau rejetée"
    BORDEREAU_PAYE = "pass.bordereau_paye", "Bordereau payé"
    IBAN_MODIFIE = "pass.iban_modifie", "Coordonnées bancaires modifiées"
    JETON_CREE = "pass.jeton_cree", "Jeton d’API créé"
    JETON_REVOQUE = "pass.jeton_revoque", "Jeton d’API révoqué"
    # ateliers: workshops, sessions, registrations, roll-call, attendance sheets
    ATELIER_CREE = "ateliers.atelier_cree", "Atelier créé"
    ATELIER_MODIFIE = "ateliers.atelier_modifie", "Atelier modifié"
    ATELIER_ARCHIVE = "ateliers.atelier_archive", "Atelier archivé"
    SEANCES_CREEES = "ateliers.seances_creees", "Séance·s programmée·s"
    SEANCE_MODIFIEE = "ateliers.seance_modifiee", "Séance modifiée"
    SEANCE_ANNULEE = "ateliers.seance_annulee", "Séance annulée"
    INSCRIPTION_AJOUTEE = "ateliers.inscription", "Personne inscrite à une séance"
    INSCRIPTION_RETIREE = "ateliers.desinscription", "Personne désinscrite d’une séance"
    ANONYMES_COMPTES = "ateliers.anonymes", "Participant·es sans inscription comptés"
    PRESENCE_MARQUEE = "ateliers.presence", "Présence pointée"
    PRESENCE_CORRIGEE = "ateliers.presence_corrigee", "Émargement corrigé après dépôt de la feuille"
    FEUILLE_DEPOSEE = "ateliers.feuille_deposee", "Feuille d’émargement signée déposée"
    FEUILLE_REMPLACEE = "ateliers.feuille_remplacee", "Feuille d’émargement signée remplacée"
    # rapports: funding reports and the dispositif's other cost lines
    RAPPORT_DEMANDE = "rapports.demande", "Rapport de financement demandé"
    RAPPORT_RELANCE = "rapports.relance", "Rapport de financement relancé"
    RAPPORT_PRODUIT = "rapports.produit", "Rapport de financement produit"
    RAPPORT_REFUSE = "rapports.refuse", "Rapport de financement refusé (droits retirés)"
    RAPPORT_TELECHARGE = "rapports.telecharge", "Rapport de financement téléchargé"
    COUT_AJOUTE = "rapports.cout_ajoute", "Ligne de coût ajoutée"
    COUT_MODIFIE = "rapports.cout_modifie", "Ligne de coût modifiée"
    COUT_SUPPRIME = "rapports.cout_supprime", "Ligne de coût supprimée"


class EvenementQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise JournalImmuableError()

    def delete(self):
        raise JournalImmuableError()

    def bulk_update(self, objs, fields, batch_size=None):
        raise JournalImmuableError()

    update_or_create = update


class Evenement(models.Model):
    created_at = models.DateTimeField("date", default=timezone.now, db_index=True, editable=False)
    action = models.CharField("action", max_length=64, choices=Action.choices, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="auteur",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "comptes.Organisation",
        verbose_name="organisation de l’auteur",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    departement = models.ForeignKey(
        "territoires.Departement",
        verbose_name="département",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    target_type = models.CharField("type de la cible", max_length=100, blank=True)
    target_id = models.CharField("identifiant de la cible", max_length=64, blank=True)
    target_repr = models.CharField("cible", max_length=255, blank=True)
    details = models.JSONField("détails", default=dict, blank=True)
    ip = models.GenericIPAddressField("adresse IP", null=True, blank=True)

    objects = EvenementQuerySet.as_manager()

    class Meta:
        verbose_name = "événement du journal"
        verbose_name_plural = "journal"
        ordering = ["-created_at", "-id"]
        base_manager_name = "objects"  # no back door through a plain manager
        indexes = [
            models.Index(fields=["departement", "-created_at"], name="journal_dep_date"),
            models.Index(fields=["target_type", "target_id"], name="journal_target"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.target_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise JournalImmuableError()
        kwargs.pop("force_update", None)
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise JournalImmuableError()
