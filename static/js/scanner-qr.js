/* Cheque code fields: focus the answer of the last submission (or the only code field), and
   offer « Scanner le QR code » next to each form marked data-cheque-scan when the browser has
   BarcodeDetector (with QR codes) and a camera. Used by the redemption page (one form) and the
   roll-call page (one form per present person). Typing always works: this script only adds.
   One camera zone ([data-scanner-zone]) is shared and moved under the form being scanned. The
   QR code holds the code or a URL ending with it; the server normalises. */
(function () {
    "use strict";

    var formulaires = Array.prototype.slice.call(document.querySelectorAll("form[data-cheque-scan]"));
    var resultat = document.querySelector("[data-resultat]");
    if (resultat) {
        resultat.focus(); // read aloud by screen readers; Tab goes on from there
    } else if (formulaires.length === 1 && formulaires[0].hasAttribute("data-focus-code")) {
        formulaires[0].querySelector("input[name=code]").focus();
    }

    var zone = document.querySelector("[data-scanner-zone]");
    if (!formulaires.length || !zone || !("BarcodeDetector" in window) || !navigator.mediaDevices ||
            !navigator.mediaDevices.getUserMedia || !navigator.mediaDevices.enumerateDevices) {
        return;
    }
    var video = zone.querySelector("[data-scanner-video]");
    var statut = zone.querySelector("[data-scanner-statut]");
    var arreter = zone.querySelector("[data-scanner-arreter]");
    var courant = null; // the form being scanned
    var boutonCourant = null;
    var flux = null;
    var minuterie = null;
    var detecteur = null;

    var formats = typeof window.BarcodeDetector.getSupportedFormats === "function" ?
        window.BarcodeDetector.getSupportedFormats() : Promise.resolve(["qr_code"]);
    formats.then(function (disponibles) {
        if (disponibles.indexOf("qr_code") === -1) {
            return null;
        }
        return navigator.mediaDevices.enumerateDevices().then(function (appareils) {
            if (!appareils.some(function (a) { return a.kind === "videoinput"; })) {
                return;
            }
            formulaires.forEach(function (f) {
                var bouton = f.querySelector("[data-scanner]");
                if (bouton) {
                    bouton.hidden = false;
                    bouton.addEventListener("click", function () { ouvrir(f, bouton); });
                }
            });
        });
    }).catch(function () { /* no camera: typing only */ });

    function couper() {
        if (minuterie) {
            window.clearTimeout(minuterie);
            minuterie = null;
        }
        if (flux) {
            flux.getTracks().forEach(function (piste) { piste.stop(); });
            flux = null;
        }
        video.srcObject = null;
        zone.hidden = true;
        if (boutonCourant) {
            boutonCourant.disabled = false;
        }
    }

    function lire() {
        if (!flux) {
            return;
        }
        detecteur.detect(video).then(function (trouves) {
            var valeur = trouves.length ? (trouves[0].rawValue || "").trim() : "";
            if (!valeur) {
                minuterie = window.setTimeout(lire, 250);
                return;
            }
            courant.querySelector("input[name=code]").value = valeur;
            statut.textContent = "QR code lu : encaissement en cours…";
            couper();
            if (typeof courant.requestSubmit === "function") {
                courant.requestSubmit();
            } else {
                courant.submit();
            }
        }).catch(function () {
            minuterie = window.setTimeout(lire, 500);
        });
    }

    function ouvrir(formulaire, bouton) {
        couper();
        courant = formulaire;
        boutonCourant = bouton;
        bouton.disabled = true;
        formulaire.parentNode.insertBefore(zone, formulaire.nextSibling);
        zone.hidden = false;
        video.hidden = false;
        statut.textContent = "Ouverture de la caméra…";
        detecteur = detecteur || new window.BarcodeDetector({formats: ["qr_code"]});
        navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}, audio: false}).then(function (ouvert) {
            flux = ouvert;
            video.srcObject = flux;
            return video.play();
        }).then(function () {
            statut.textContent = "Placez le QR code du chèque devant la caméra.";
            lire();
        }).catch(function () {
            couper();
            zone.hidden = false;
            video.hidden = true;
            statut.textContent = "La caméra n’est pas disponible : saisissez le code au clavier.";
            formulaire.querySelector("input[name=code]").focus();
        });
    }

    arreter.addEventListener("click", function () {
        var bouton = boutonCourant;
        couper();
        if (bouton) {
            bouton.focus();
        }
    });
}());
