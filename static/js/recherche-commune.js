/* Autocomplete of communes on the directory's search field: the ARIA 1.2 combobox pattern
   (an input with a listbox popup, aria-activedescendant for the highlighted option).

   Markup (templates/structures/public/_champ_commune.html):
     [data-combobox][data-url]        wrapper, data-url = the JSON endpoint (?q=)
       [data-combobox-input]          the text field (name="q")
       [data-combobox-liste]          the <ul role="listbox">
       [data-combobox-code]           hidden input (name="commune"): the chosen INSEE code
       [data-combobox-statut]         polite live region (number of suggestions)
   Without JavaScript the field is a plain text input and the server reads what was typed. */
(function () {
    "use strict";

    var DELAI_MS = 250;
    var LONGUEUR_MIN = 2;

    function initialiser(racine) {
        var champ = racine.querySelector("[data-combobox-input]");
        var liste = racine.querySelector("[data-combobox-liste]");
        var code = racine.querySelector("[data-combobox-code]");
        var statut = racine.querySelector("[data-combobox-statut]");
        var url = racine.getAttribute("data-url");
        if (!champ || !liste || !code || !url) {
            return;
        }
        var communes = [];
        var actif = -1;
        var minuterie = null;
        var numeroRequete = 0;
        var choisi = champ.value;

        champ.setAttribute("role", "combobox");
        champ.setAttribute("aria-autocomplete", "list");
        champ.setAttribute("aria-expanded", "false");
        champ.setAttribute("aria-controls", liste.id);

        function annoncer(texte) {
            if (statut) {
                statut.textContent = texte;
            }
        }

        function estOuverte() {
            return !liste.hidden;
        }

        function fermer() {
            liste.hidden = true;
            champ.setAttribute("aria-expanded", "false");
            champ.removeAttribute("aria-activedescendant");
            actif = -1;
        }

        function ouvrir() {
            if (communes.length) {
                liste.hidden = false;
                champ.setAttribute("aria-expanded", "true");
            }
        }

        function surligner(index) {
            var options = liste.querySelectorAll("[role=option]");
            actif = index;
            for (var i = 0; i < options.length; i++) {
                options[i].setAttribute("aria-selected", i === index ? "true" : "false");
            }
            if (index >= 0 && options[index]) {
                champ.setAttribute("aria-activedescendant", options[index].id);
                options[index].scrollIntoView({ block: "nearest" });
            } else {
                champ.removeAttribute("aria-activedescendant");
            }
        }

        function choisir(index) {
            var commune = communes[index];
            if (!commune) {
                return;
            }
            champ.value = commune.libelle;
            code.value = commune.code_insee;
            choisi = champ.value;
            fermer();
            annoncer(commune.libelle + " choisie.");
        }

        function afficher(resultats) {
            communes = resultats;
            liste.textContent = "";
            resultats.forEach(function (commune, i) {
                var option = document.createElement("li");
                option.id = liste.id + "-" + i;
                option.className = "ei-combobox__option";
                option.setAttribute("role", "option");
                option.setAttribute("aria-selected", "false");
                option.setAttribute("data-index", String(i));
                var nom = document.createElement("span");
                nom.textContent = commune.libelle;
                var departement = document.createElement("span");
                departement.className = "ei-combobox__departement";
                departement.textContent = " — " + (commune.departement_nom || commune.departement);
                option.appendChild(nom);
                option.appendChild(departement);
                liste.appendChild(option);
            });
            actif = -1;
            if (resultats.length) {
                ouvrir();
                annoncer(
                    resultats.length +
                        (resultats.length > 1 ? " communes proposées" : " commune proposée") +
                        " : flèche bas pour les parcourir, Entrée pour choisir."
                );
            } else {
                fermer();
                annoncer(racine.getAttribute("data-combobox-aucune") || "Aucune commune proposée : vérifiez l’orthographe ou tapez le code postal.");
            }
        }

        function chercher() {
            var texte = champ.value.trim();
            if (texte.length < LONGUEUR_MIN) {
                communes = [];
                liste.textContent = "";
                fermer();
                return;
            }
            var numero = ++numeroRequete;
            fetch(url + "?q=" + encodeURIComponent(texte), { headers: { Accept: "application/json" } })
                .then(function (reponse) {
                    if (!reponse.ok) {
                        throw new Error("HTTP " + reponse.status);
                    }
                    return reponse.json();
                })
                .then(function (donnees) {
                    if (numero === numeroRequete && document.activeElement === champ) {
                        afficher(donnees.communes || []);
                    }
                })
                .catch(function () {
                    if (numero === numeroRequete) {
                        communes = [];
                        fermer();
                    }
                });
        }

        champ.addEventListener("input", function () {
            if (champ.value !== choisi) {
                code.value = "";  // the text no longer names the chosen commune
            }
            window.clearTimeout(minuterie);
            minuterie = window.setTimeout(chercher, DELAI_MS);
        });

        champ.addEventListener("keydown", function (evenement) {
            var n = communes.length;
            switch (evenement.key) {
                case "ArrowDown":
                    if (!n) {
                        return;
                    }
                    evenement.preventDefault();
                    if (!estOuverte()) {
                        ouvrir();
                    }
                    surligner(actif + 1 >= n ? 0 : actif + 1);
                    break;
                case "ArrowUp":
                    if (!n) {
                        return;
                    }
                    evenement.preventDefault();
                    if (!estOuverte()) {
                        ouvrir();
                    }
                    surligner(actif <= 0 ? n - 1 : actif - 1);
                    break;
                case "Enter":
                    if (estOuverte() && actif >= 0) {
                        evenement.preventDefault();  // choose, do not submit yet
                        choisir(actif);
                    }
                    break;
                case "Escape":
                    if (estOuverte()) {
                        evenement.preventDefault();
                        fermer();
                    }
                    break;
                case "Tab":
                    fermer();
                    break;
                default:
                    break;
            }
        });

        champ.addEventListener("blur", function () {
            window.setTimeout(fermer, 150);
        });

        // Keep the focus in the field when an option is clicked.
        liste.addEventListener("mousedown", function (evenement) {
            evenement.preventDefault();
        });
        liste.addEventListener("click", function (evenement) {
            var option = evenement.target.closest("[role=option]");
            if (option) {
                choisir(parseInt(option.getAttribute("data-index"), 10));
                champ.focus();
            }
        });
    }

    function demarrer() {
        var racines = document.querySelectorAll("[data-combobox]");
        for (var i = 0; i < racines.length; i++) {
            initialiser(racines[i]);
        }
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", demarrer);
    } else {
        demarrer();
    }
})();
