/* Setting a place's position on a Leaflet map (the place's edit page).
 *
 * Configured by data-* attributes on [data-carte-position] (no inline script: strict CSP).
 * The latitude and longitude inputs remain the source of truth and work without JavaScript:
 * a click on the map or a dragged marker writes them; typing in them moves the marker.
 * Keyboard: arrows pan the map, + and − zoom, Enter places the marker at the map's centre.
 * The "centre of the commune" checkbox moves the marker to the commune's centre when known.
 */
(function () {
    "use strict";

    function nombre(texte) {
        var valeur = parseFloat(String(texte || "").trim().replace(",", "."));
        return isFinite(valeur) ? valeur : null;
    }

    function pourChamp(valeur) {
        return valeur.toFixed(6).replace(/\.?0+$/, "");
    }

    function enFrancais(valeur) {
        return pourChamp(valeur).replace(".", ",");
    }

    function initialiser(conteneur) {
        var config = conteneur.dataset;
        var latitude = document.getElementById(config.latitudeInput);
        var longitude = document.getElementById(config.longitudeInput);
        var centreCommune = config.centreInput ? document.getElementById(config.centreInput) : null;
        var commune = config.communeInput ? document.getElementById(config.communeInput) : null;
        var statut = config.statut ? document.getElementById(config.statut) : null;
        if (!window.L || !latitude || !longitude) {
            return;
        }
        var bloc = conteneur.closest("[data-carte-bloc]");
        if (bloc) {
            bloc.classList.remove("d-none");
        }

        var carte = L.map(conteneur, { zoomControl: false }).setView(
            [nombre(config.centreLatitude) || 46.6, nombre(config.centreLongitude) || 2.4],
            parseInt(config.zoom, 10) || 6
        );
        L.control.zoom({ zoomInTitle: "Zoomer", zoomOutTitle: "Dézoomer" }).addTo(carte);
        L.tileLayer(config.tuiles, { attribution: config.attribution, maxZoom: 19 }).addTo(carte);

        var marqueur = null;

        function annoncer(message) {
            if (statut) {
                statut.textContent = message;
            }
        }

        function afficher(latlng) {
            if (marqueur) {
                marqueur.setLatLng(latlng);
                return;
            }
            marqueur = L.marker(latlng, {
                draggable: true,
                keyboard: false,
                title: "Position du lieu",
                alt: "Position du lieu",
            }).addTo(carte);
            marqueur.on("dragend", function () {
                ecrire(marqueur.getLatLng());
            });
        }

        function retirer() {
            if (marqueur) {
                carte.removeLayer(marqueur);
                marqueur = null;
            }
        }

        function ecrire(latlng) {
            var point = L.latLng(latlng).wrap();
            latitude.value = pourChamp(point.lat);
            longitude.value = pourChamp(point.lng);
            if (centreCommune) {
                centreCommune.checked = false;
            }
            annoncer(
                "Position placée : latitude " + enFrancais(point.lat) + ", longitude " +
                enFrancais(point.lng) + ". Enregistrez pour la conserver."
            );
        }

        function depuisLesChamps(recentrer) {
            var lat = nombre(latitude.value);
            var lon = nombre(longitude.value);
            if (lat !== null && lon !== null && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
                afficher([lat, lon]);
                if (recentrer) {
                    carte.panTo([lat, lon]);
                }
            } else {
                retirer();
            }
        }

        carte.on("click", function (evenement) {
            afficher(evenement.latlng);
            ecrire(evenement.latlng);
        });
        conteneur.addEventListener("keydown", function (evenement) {
            if (evenement.key === "Enter" && evenement.target === conteneur) {
                evenement.preventDefault();
                var centre = carte.getCenter();
                afficher(centre);
                ecrire(centre);
            }
        });
        latitude.addEventListener("change", function () {
            depuisLesChamps(true);
        });
        longitude.addEventListener("change", function () {
            depuisLesChamps(true);
        });
        if (centreCommune) {
            centreCommune.addEventListener("change", function () {
                if (!centreCommune.checked) {
                    return;
                }
                var nom = config.communeNom || "";
                var memeCommune = nom && commune && commune.value.trim().toLowerCase() === nom.toLowerCase();
                if (memeCommune) {
                    var centre = [nombre(config.communeLatitude), nombre(config.communeLongitude)];
                    afficher(centre);
                    carte.setView(centre, 13);
                    latitude.value = pourChamp(centre[0]);
                    longitude.value = pourChamp(centre[1]);
                    annoncer("Le lieu sera placé au centre de " + nom + " à l’enregistrement.");
                } else {
                    latitude.value = "";
                    longitude.value = "";
                    retirer();
                    annoncer("Le lieu sera placé au centre de la commune indiquée, à l’enregistrement.");
                }
            });
        }
        depuisLesChamps(false);
    }

    document.querySelectorAll("[data-carte-position]").forEach(initialiser);
})();
