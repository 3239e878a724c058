/* Map of the cheques redeemed per place, on the département's dashboard (Leaflet, served by the
   app), in the manner of the public directory's maps (static/js/carte.js).

   Everything is read from data-* attributes (no inline script: the CSP forbids it):
     data-carte-encaissements          the map's element
     data-donnees                      the id of the json_script element holding the places:
                                       [{"nom", "lat", "lng", "nombre"}, …]
     data-tuiles-url, data-tuiles-attribution   the tile server (a setting; empty = no tiles)
   Each place is a circle whose area grows with its number of redeemed cheques, and whose popup
   gives the name and the number. The table after the map says the same (text alternative). */
(function () {
    "use strict";

    var MOUVEMENT_REDUIT = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var RAYON_MIN = 6;
    var RAYON_MAX = 24;

    function lieux(element) {
        var source = document.getElementById(element.getAttribute("data-donnees") || "");
        if (!source) {
            return [];
        }
        try {
            return JSON.parse(source.textContent).filter(function (lieu) {
                return typeof lieu.lat === "number" && typeof lieu.lng === "number";
            });
        } catch (erreur) {
            return [];
        }
    }

    function popup(lieu) {
        var conteneur = document.createElement("div");
        conteneur.className = "ei-popup";
        var nom = document.createElement("p");
        nom.className = "ei-popup__nom";
        nom.textContent = lieu.nom;
        var nombre = document.createElement("p");
        nombre.className = "mb-0";
        nombre.textContent = lieu.nombre.toLocaleString("fr-FR") + (lieu.nombre > 1 ? " chèques encaissés" : " chèque encaissé");
        conteneur.appendChild(nom);
        conteneur.appendChild(nombre);
        return conteneur;
    }

    function carte(element) {
        var donnees = lieux(element);
        if (!donnees.length) {
            return;
        }
        // The map's section is hidden in the HTML: it means nothing without JavaScript.
        var section = element.closest("[data-carte-section]");
        if (section) {
            section.hidden = false;
        }
        var map = L.map(element, {
            zoomControl: false,
            attributionControl: false,
            maxZoom: 18,
            minZoom: 3,
            fadeAnimation: !MOUVEMENT_REDUIT,
            zoomAnimation: !MOUVEMENT_REDUIT,
            markerZoomAnimation: !MOUVEMENT_REDUIT
        });
        L.control.zoom({ zoomInTitle: "Zoomer", zoomOutTitle: "Dézoomer" }).addTo(map);
        L.control.attribution({ prefix: '<a href="https://leafletjs.com/">Leaflet</a>' }).addTo(map);
        var url = element.getAttribute("data-tuiles-url");
        if (url) {
            L.tileLayer(url, {
                maxZoom: 18,
                attribution: element.getAttribute("data-tuiles-attribution") || ""
            }).addTo(map);
        }
        map.on("popupopen", function (evenement) {
            var bouton = evenement.popup.getElement().querySelector(".leaflet-popup-close-button");
            if (bouton) {
                bouton.setAttribute("aria-label", "Fermer");
                bouton.setAttribute("title", "Fermer");
            }
        });
        var maximum = Math.max.apply(null, donnees.map(function (lieu) { return lieu.nombre; }));
        var cercles = donnees.map(function (lieu) {
            var rayon = RAYON_MIN + (RAYON_MAX - RAYON_MIN) * Math.sqrt(lieu.nombre / maximum);
            var cercle = L.circleMarker([lieu.lat, lieu.lng], {
                radius: rayon,
                color: "#1f4e79",
                weight: 2,
                fillColor: "#1f4e79",
                fillOpacity: 0.45
            });
            cercle.bindPopup(function () { return popup(lieu); });
            return cercle.addTo(map);
        });
        var bornes = L.latLngBounds(cercles.map(function (c) { return c.getLatLng(); }));
        map.fitBounds(bornes, { padding: [30, 30], maxZoom: 12, animate: false });
        element.setAttribute("data-nb-marqueurs", String(cercles.length));
        element.setAttribute("data-prete", "1");
    }

    function demarrer() {
        if (!window.L) {
            return;
        }
        var elements = document.querySelectorAll("[data-carte-encaissements]");
        for (var i = 0; i < elements.length; i++) {
            carte(elements[i]);
        }
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", demarrer);
    } else {
        demarrer();
    }
})();
