"""OpenAPI 3.1 description of the redemption API, served at /api/v1/cheques/openapi.json.

Written by hand, next to the code it describes (pass_numerique/api.py); tests validate it
(structure, JSON Schemas of every component) and check every answer of the API against the
schema declared for its status code.
"""

from .services.encaissement import CLE_MAX

VERSION = "1.0.0"
RE_CLE = "^[\\x21-\\x7e]{1," + str(CLE_MAX) + "}$"


def _erreur(statuts: list[str], description: str, **proprietes) -> dict:
    return {
        "type": "object",
        "description": description,
        "required": ["statut", "erreur"],
        "properties": {
            "statut": {"type": "string", "enum": statuts},
            "erreur": {"type": "string", "description": "Message en français, à montrer tel quel."},
            **proprietes,
        },
    }


def _reponse(description: str, schema: str, **extra) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
        **extra,
    }


DESCRIPTION_GENERALE = """\
Encaissement des chèques Pass numérique par le logiciel d’un lieu de médiation numérique qualifié.

**Authentification** : un jeton d’API propre au lieu, créé (et révoqué) par le ou la responsable du
lieu dans l’application (« Jetons d’API »), envoyé dans l’en-tête `Authorization: Bearer ein_…`.
Le jeton n’est affiché qu’une fois ; l’application n’en garde que l’empreinte SHA-256. Pas de
session, pas de cookie, pas de CSRF.

**Idempotence** : envoyez un en-tête `Idempotency-Key` (1 à 64 caractères ASCII visibles, unique
par tentative d’encaissement, par exemple un UUID). Si la réponse se perd et que vous renvoyez la
même demande avec la même clé, vous recevez de nouveau la réponse 201 du premier encaissement
(en-tête `Idempotent-Replayed: true`), et non « déjà encaissé ». Seuls les succès sont mémorisés :
un refus est réévalué à chaque envoi. La même clé pour un autre chèque est refusée (422,
`cle_reutilisee`).

**Limite** : 60 requêtes par minute et par jeton (fenêtre d’une minute) ; au-delà, 429 avec
`Retry-After` (secondes).

**Réponses** : JSON en UTF-8, messages en français. Chaque réponse porte un champ `statut` lisible
par une machine ; les erreurs portent aussi `erreur`, la phrase à afficher. Les dates sont en
ISO 8601 avec le décalage horaire de Paris. Les montants sont des chaînes décimales (`"10.00"`).

| code HTTP | `statut` | sens |
|---|---|---|
| 201 | `encaisse` | chèque encaissé par votre lieu (ou rejeu idempotent) |
| 400 | `requete_invalide` | en-tête `Idempotency-Key` invalide |
| 401 | `non_authentifie` | jeton absent, inconnu ou révoqué |
| 403 | `non_accepte` | votre lieu n’accepte pas ce chèque (lieu non qualifié, suspendu ou fermé ; dispositif clos) |
| 404 | `inconnu` | aucun chèque ne porte ce code |
| 405 | `methode_non_autorisee` | utilisez POST |
| 409 | `deja_encaisse` | déjà encaissé : `encaisse_le` et `lieu` disent quand et où |
| 409 | `pas_remis` | pas encore remis à une personne : l’état du chèque interdit l’encaissement |
| 410 | `expire`, `annule` | chèque expiré (validité + tolérance dépassée) ou annulé (opposition) : définitif |
| 422 | `faute_de_frappe` | le code est mal formé ou sa clé de contrôle est fausse (vérifié sans consulter la base) |
| 422 | `cle_reutilisee` | la clé d’idempotence a déjà servi pour un autre chèque |
| 429 | `trop_de_requetes` | limite de débit atteinte, voir `Retry-After` |
"""


def description(serveur: str = "/api/v1/cheques") -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "einclusion — encaissement des chèques Pass numérique",
            "version": VERSION,
            "description": DESCRIPTION_GENERALE,
            "license": {"name": "Licence Ouverte / Etalab 2.0", "identifier": "etalab-2.0"},
        },
        "servers": [{"url": serveur}],
        "security": [{"jeton": []}],
        "tags": [{"name": "encaissement", "description": "Encaisser un chèque pour le lieu du jeton."}],
        "paths": {
            "/{code}/encaissement": {
                "post": {
                    "tags": ["encaissement"],
                    "operationId": "encaisserCheque",
                    "summary": "Encaisser un chèque pour le lieu du jeton",
                    "description": "Encaisse le chèque dont le code est donné, pour le lieu auquel appartient le "
                    "jeton. Exactement une fois : de deux demandes simultanées sur le même chèque, une seule "
                    "reçoit 201, l’autre 409 `deja_encaisse`. Aucun corps de requête.",
                    "parameters": [
                        {
                            "name": "code",
                            "in": "path",
                            "required": True,
                            "description": "Code imprimé sur le chèque (10 caractères), avec ou sans tiret, "
                            "majuscules ou minuscules ; ou le contenu du QR code si c’est une adresse finissant "
                            "par le code (à encoder dans le chemin).",
                            "schema": {"type": "string", "minLength": 1, "maxLength": 300},
                            "example": "K7M3Q-XR9P4",
                        },
                        {
                            "name": "Idempotency-Key",
                            "in": "header",
                            "required": False,
                            "description": "Clé unique par tentative : la renvoyer après une réponse perdue "
                            "redonne la réponse 201 du premier encaissement.",
                            "schema": {"type": "string", "pattern": RE_CLE},
                            "example": "3f2b8c1e-6d0a-4c1f-9a57-0b1e2d3c4f5a",
                        },
                    ],
                    "responses": {
                        "201": _reponse(
                            "Chèque encaissé (ou rejeu idempotent du premier encaissement).",
                            "Encaissement",
                            headers={
                                "Idempotent-Replayed": {
                                    "description": "`true` quand la réponse rejoue un encaissement antérieur "
                                    "(même `Idempotency-Key`).",
                                    "schema": {"type": "string", "enum": ["true"]},
                                }
                            },
                        ),
                        "400": _reponse("En-tête `Idempotency-Key` invalide.", "RequeteInvalide"),
                        "401": _reponse(
                            "Jeton absent, inconnu ou révoqué.",
                            "NonAuthentifie",
                            headers={
                                "WWW-Authenticate": {
                                    "description": '`Bearer realm="einclusion"` (RFC 6750).',
                                    "schema": {"type": "string"},
                                }
                            },
                        ),
                        "403": _reponse("Chèque non accepté par votre lieu.", "NonAccepte"),
                        "404": _reponse("Code inconnu.", "Inconnu"),
                        "405": _reponse("Méthode autre que POST.", "MethodeNonAutorisee"),
                        "409": _reponse(
                            "L’état du chèque interdit l’encaissement : déjà encaissé (quand, où) ou pas "
                            "encore remis à une personne.",
                            "Conflit",
                        ),
                        "410": _reponse("Chèque expiré ou annulé (définitif).", "Perime"),
                        "422": _reponse(
                            "Code mal formé ou faute de frappe (clé de contrôle), ou clé d’idempotence déjà "
                            "utilisée pour un autre chèque.",
                            "CodeIncorrect",
                        ),
                        "429": _reponse(
                            "Trop de requêtes pour ce jeton.",
                            "TropDeRequetes",
                            headers={
                                "Retry-After": {
                                    "description": "Secondes à attendre avant de réessayer.",
                                    "schema": {"type": "integer", "minimum": 1},
                                }
                            },
                        ),
                    },
                }
            }
        },
        "components": {
            "securitySchemes": {
                "jeton": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "Jeton d’API du lieu : `ein_` suivi de 40 lettres et chiffres.",
                }
            },
            "schemas": {
                "Encaissement": {
                    "type": "object",
                    "required": [
                        "statut",
                        "message",
                        "code",
                        "numero_serie",
                        "valeur",
                        "dispositif",
                        "encaisse_le",
                        "lieu",
                        "rejoue",
                    ],
                    "properties": {
                        "statut": {"type": "string", "const": "encaisse"},
                        "message": {"type": "string"},
                        "code": {"type": "string", "pattern": "^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{10}$"},
                        "numero_serie": {"type": "integer", "description": "Numéro de série du chèque."},
                        "valeur": {
                            "type": "string",
                            "pattern": "^[0-9]+\\.[0-9]{2}$",
                            "description": "Valeur en euros, chaîne décimale.",
                            "examples": ["10.00"],
                        },
                        "dispositif": {"type": "string", "description": "Nom du dispositif du chèque."},
                        "encaisse_le": {"type": "string", "format": "date-time"},
                        "lieu": {"type": "string", "description": "Nom du lieu qui a encaissé."},
                        "rejoue": {"type": "boolean", "description": "Rejeu idempotent d’un encaissement antérieur."},
                    },
                },
                "RequeteInvalide": _erreur(["requete_invalide"], "Requête mal formée."),
                "NonAuthentifie": _erreur(["non_authentifie"], "Jeton absent, inconnu ou révoqué."),
                "NonAccepte": _erreur(["non_accepte"], "Le lieu du jeton n’accepte pas ce chèque."),
                "Inconnu": _erreur(["inconnu"], "Aucun chèque ne porte ce code."),
                "MethodeNonAutorisee": _erreur(["methode_non_autorisee"], "Seul POST est accepté."),
                "Conflit": _erreur(
                    ["deja_encaisse", "pas_remis"],
                    "L’état du chèque interdit l’encaissement. Pour `deja_encaisse`, `encaisse_le` et `lieu` "
                    "disent quand et où il a été encaissé.",
                    encaisse_le={"type": "string", "format": "date-time"},
                    lieu={"type": "string"},
                ),
                "Perime": _erreur(["expire", "annule"], "Chèque expiré ou annulé."),
                "CodeIncorrect": _erreur(["faute_de_frappe", "cle_reutilisee"], "Code ou clé incorrects."),
                "TropDeRequetes": _erreur(
                    ["trop_de_requetes"],
                    "Limite de débit atteinte.",
                    reessayer_dans={"type": "integer", "minimum": 1, "description": "Secondes."},
                ),
            },
        },
    }
