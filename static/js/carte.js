/* Maps of the public directory (Leaflet + Leaflet.markercluster, served by the app).

   Everything is read from data-* attributes (no inline script: the CSP forbids it):
     data-carte="resultats"     the search results: markers for every filtered place (all pages
                                 of the list), clustered, from data-geojson-url (the public API
                                 with the page's filters; the radius around the chosen commune is
                                 applied here); without it, or if it fails, from the list items
                                 of the current page (data-liste)
     data-carte="lieu"          one place: data-lat, data-lng, data-nom
     data-tuiles-url, data-tuiles-attribution   the tile server (a setting; empty = no tiles)
     data-centre-lat, data-centre-lng, data-rayon-km   the chosen commune and distance
     data-nouvelle-fenetre="1"  links open in a new window (embedded map)
   List items carry data-url, data-nom, data-lat, data-lng; their « Situer sur la carte »
   button (data-situer) shows the place's marker: map and list stay in step. */
(function () {
    "use strict";

    var FRANCE = [46.6, 2.4];
    var RAYON_TERRE_KM = 6371.0088;  // as structures/selectors.py
    // People who ask their system for less motion get a map without animations.
    var MOUVEMENT_REDUIT = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

    function distanceKm(lat1, lng1, lat2, lng2) {
        var rad = Math.PI / 180;
        var a = Math.pow(Math.sin((lat2 - lat1) * rad / 2), 2) +
            Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.pow(Math.sin((lng2 - lng1) * rad / 2), 2);
        return 2 * RAYON_TERRE_KM * Math.asin(Math.sqrt(a));
    }

    function nombre(element, nom) {
        var valeur = element.getAttribute(nom);
        if (valeur === null || valeur === "") {
            return null;
        }
        var n = parseFloat(valeur);
        return isNaN(n) ? null : n;
    }

    function chemin(url) {
        try {
            return new URL(url, window.location.href).pathname;
        } catch (erreur) {
            return url;
        }
    }

    function creerCarte(element) {
        // The map's section is hidden in the HTML: it means nothing without JavaScript.
        var section = element.closest("[data-carte-section]");
        if (section) {
            section.hidden = false;
        }
        var carte = L.map(element, {
            zoomControl: false,
            attributionControl: false,
            maxZoom: 19,
            minZoom: 3,
            fadeAnimation: !MOUVEMENT_REDUIT,
            zoomAnimation: !MOUVEMENT_REDUIT,
            markerZoomAnimation: !MOUVEMENT_REDUIT
        });
        L.control.zoom({ zoomInTitle: "Zoomer", zoomOutTitle: "Dézoomer" }).addTo(carte);
        var attribution = L.control.attribution({ prefix: '<a href="https://leafletjs.com/">Leaflet</a>' });
        attribution.addTo(carte);
        var url = element.getAttribute("data-tuiles-url");
        if (url) {
            L.tileLayer(url, {
                maxZoom: 19,
                attribution: element.getAttribute("data-tuiles-attribution") || ""
            }).addTo(carte);
        }
        // Leaflet's popup close button is labelled in English.
        carte.on("popupopen", function (evenement) {
            var bouton = evenement.popup.getElement().querySelector(".leaflet-popup-close-button");
            if (bouton) {
                bouton.setAttribute("aria-label", "Fermer");
                bouton.setAttribute("title", "Fermer");
            }
        });
        return carte;
    }

    function contenuPopup(nom, url, nouvelleFenetre) {
        var conteneur = document.createElement("div");
        conteneur.className = "ei-popup";
        var titre = document.createElement("p");
        titre.className = "ei-popup__nom";
        titre.textContent = nom;
        conteneur.appendChild(titre);
        if (url) {
            var lien = document.createElement("a");
            lien.href = url;
            lien.textContent = "Voir la fiche du lieu";
            if (nouvelleFenetre) {
                lien.target = "_blank";
                lien.rel = "noopener";
                var note = document.createElement("span");
                note.className = "visually-hidden";
                note.textContent = " (nouvelle fenêtre)";
                lien.appendChild(note);
            }
            conteneur.appendChild(lien);
        }
        return conteneur;
    }

    function marqueur(lat, lng, nom, url, nouvelleFenetre) {
        var m = L.marker([lat, lng], { alt: nom, title: nom, riseOnHover: true });
        // Built when opened: thousands of markers must not build thousands of popups up front.
        m.bindPopup(function () {
            return contenuPopup(nom, url, nouvelleFenetre);
        });
        return m;
    }

    function iconeGroupe(groupe) {
        var n = groupe.getChildCount();
        var taille = n < 10 ? 36 : n < 100 ? 44 : 52;
        return L.divIcon({
            html: '<span aria-hidden="true">' + n + '</span><span class="visually-hidden">' + n +
                " lieux regroupés : zoomer sur ce groupe</span>",
            className: "ei-groupe",
            iconSize: L.point(taille, taille)
        });
    }

    function depuisListe(selecteur) {
        var liste = selecteur ? document.querySelector(selecteur) : null;
        var lieux = [];
        if (!liste) {
            return lieux;
        }
        var elements = liste.querySelectorAll("[data-lat][data-lng]");
        for (var i = 0; i < elements.length; i++) {
            lieux.push({
                lat: nombre(elements[i], "data-lat"),
                lng: nombre(elements[i], "data-lng"),
                nom: elements[i].getAttribute("data-nom"),
                url: elements[i].getAttribute("data-url")
            });
        }
        return lieux;
    }

    function depuisGeojson(donnees) {
        var lieux = [];
        (donnees.features || []).forEach(function (feature) {
            var geometrie = feature.geometry || {};
            var proprietes = feature.properties || {};
            if (geometrie.type !== "Point" || !geometrie.coordinates) {
                return;
            }
            lieux.push({
                lat: geometrie.coordinates[1],
                lng: geometrie.coordinates[0],
                nom: proprietes.nom || "",
                url: proprietes.url || ""
            });
        });
        return lieux;
    }

    function carteDesResultats(element) {
        var carte = creerCarte(element);
        var nouvelleFenetre = element.getAttribute("data-nouvelle-fenetre") === "1";
        var centreLat = nombre(element, "data-centre-lat");
        var centreLng = nombre(element, "data-centre-lng");
        var rayon = nombre(element, "data-rayon-km");
        var centre = centreLat !== null && centreLng !== null ? L.latLng(centreLat, centreLng) : null;
        var groupes = L.markerClusterGroup({
            iconCreateFunction: iconeGroupe,
            showCoverageOnHover: false,
            // One synchronous pass (about 0.7 s for 17,000 places on a 2-core machine) shows the
            // clusters sooner than chunked loading, whose pauses add up (docs/performance.md).
            chunkedLoading: false,
            animate: !MOUVEMENT_REDUIT
        });
        var parUrl = {};
        carte.addLayer(groupes);

        // With a commune, the map shows the whole search area (the circle of the radius).
        var zone = centre && rayon ? centre.toBounds(rayon * 2000) : null;
        if (zone) {
            L.circle(centre, {
                radius: rayon * 1000,
                interactive: false,
                className: "ei-carte__rayon"
            }).addTo(carte);
            carte.fitBounds(zone);
        } else if (centre) {
            carte.setView(centre, 11);
        } else {
            carte.setView(FRANCE, 5);
        }

        function placer(lieux) {
            var marqueurs = [];
            parUrl = {};
            lieux.forEach(function (lieu) {
                if (lieu.lat === null || lieu.lng === null) {
                    return;
                }
                var m = marqueur(lieu.lat, lieu.lng, lieu.nom, lieu.url, nouvelleFenetre);
                marqueurs.push(m);
                if (lieu.url) {
                    parUrl[chemin(lieu.url)] = m;
                }
            });
            // Fit the view first, from the markers themselves: with chunked loading the cluster
            // group is still filling up here, and clustering once at the final zoom is cheaper.
            if (marqueurs.length && !zone) {
                var bornes = L.latLngBounds(marqueurs.map(function (m) { return m.getLatLng(); }));
                carte.fitBounds(bornes, { padding: [30, 30], maxZoom: 13, animate: false });
            }
            groupes.clearLayers();
            groupes.addLayers(marqueurs);
            element.setAttribute("data-nb-marqueurs", String(marqueurs.length));
            element.setAttribute("data-prete", "1");
        }

        var url = element.getAttribute("data-geojson-url");
        var depuisLaListe = function () {
            placer(depuisListe(element.getAttribute("data-liste")));
        };
        if (url) {
            fetch(url, { headers: { Accept: "application/geo+json, application/json" } })
                .then(function (reponse) {
                    if (!reponse.ok) {
                        throw new Error("HTTP " + reponse.status);
                    }
                    return reponse.json();
                })
                .then(function (donnees) {
                    var lieux = depuisGeojson(donnees);
                    if (centre && rayon) {
                        // The API knows no distance: keep the places the list keeps.
                        lieux = lieux.filter(function (lieu) {
                            return distanceKm(centre.lat, centre.lng, lieu.lat, lieu.lng) <= rayon;
                        });
                    }
                    placer(lieux);
                })
                .catch(depuisLaListe);
        } else {
            depuisLaListe();
        }

        // « Situer sur la carte » on each list item.
        var boutons = document.querySelectorAll("[data-situer]");
        for (var i = 0; i < boutons.length; i++) {
            boutons[i].hidden = false;
            boutons[i].addEventListener("click", function (evenement) {
                var m = parUrl[chemin(evenement.currentTarget.getAttribute("data-situer"))];
                if (!m) {
                    return;
                }
                element.scrollIntoView({ behavior: MOUVEMENT_REDUIT ? "auto" : "smooth", block: "center" });
                groupes.zoomToShowLayer(m, function () {
                    m.openPopup();
                    var icone = m.getElement();
                    if (icone) {
                        icone.focus({ preventScroll: true });
                    }
                });
            });
        }
    }

    function carteDuLieu(element) {
        var lat = nombre(element, "data-lat");
        var lng = nombre(element, "data-lng");
        if (lat === null || lng === null) {
            return;
        }
        var carte = creerCarte(element);
        carte.setView([lat, lng], 15);
        marqueur(lat, lng, element.getAttribute("data-nom") || "", "", false).addTo(carte);
        element.setAttribute("data-nb-marqueurs", "1");
        element.setAttribute("data-prete", "1");
    }

    function demarrer() {
        if (!window.L) {
            return;
        }
        var cartes = document.querySelectorAll("[data-carte]");
        for (var i = 0; i < cartes.length; i++) {
            var mode = cartes[i].getAttribute("data-carte");
            if (mode === "resultats" && L.markerClusterGroup) {
                carteDesResultats(cartes[i]);
            } else if (mode === "lieu") {
                carteDuLieu(cartes[i]);
            }
        }
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", demarrer);
    } else {
        demarrer();
    }
})();
