/* Redemption page: focus the result after a submission, and offer « Scanner le QR code » only
   when the browser has BarcodeDetector (with QR codes) and a camera. Typing always works: this
   script only adds. The QR code holds the code or a URL ending with it; the server normalises. */
(function () {
    "use strict";

    var formulaire = document.querySelector("[data-encaissement]");
    if (!formulaire) {
        return;
    }
    var champ = formulaire.querySelector("input[name=code]");
    var resultat = document.querySelector("[data-resultat]");
    if (resultat) {
        resultat.focus(); // read aloud by screen readers; Tab goes on to the code field
    } else if (champ) {
        champ.focus();
    }

    var bouton = formulaire.querySelector("[data-scanner]");
    var zone = document.querySelector("[data-scanner-zone]");
    if (!bouton || !zone || !("BarcodeDetector" in window) || !navigator.mediaDevices ||
            !navigator.mediaDevices.getUserMedia || !navigator.mediaDevices.enumerateDevices) {
        return;
    }
    var video = zone.querySelector("[data-scanner-video]");
    var statut = zone.querySelector("[data-scanner-statut]");
    var arreter = zone.querySelector("[data-scanner-arreter]");
    var flux = null;
    var minuterie = null;
    var detecteur = null;

    function formats() {
        if (typeof window.BarcodeDetector.getSupportedFormats === "function") {
            return window.BarcodeDetector.getSupportedFormats();
        }
        return Promise.resolve(["qr_code"]);
    }

    formats().then(function (disponibles) {
        if (disponibles.indexOf("qr_code") === -1) {
            return null;
        }
        return navigator.mediaDevices.enumerateDevices().then(function (appareils) {
            var camera = appareils.some(function (appareil) { return appareil.kind === "videoinput"; });
            if (camera) {
                bouton.hidden = false;
            }
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
        bouton.disabled = false;
    }

    function chercher() {
        if (!flux) {
            return;
        }
        detecteur.detect(video).then(function (trouves) {
            var valeur = trouves.length ? (trouves[0].rawValue || "").trim() : "";
            if (valeur) {
                champ.value = valeur;
                statut.textContent = "QR code lu : encaissement en cours…";
                couper();
                if (typeof formulaire.requestSubmit === "function") {
                    formulaire.requestSubmit();
                } else {
                    formulaire.submit();
                }
                return;
            }
            minuterie = window.setTimeout(chercher, 250);
        }).catch(function () {
            minuterie = window.setTimeout(chercher, 500);
        });
    }

    bouton.addEventListener("click", function () {
        bouton.disabled = true;
        zone.hidden = false;
        video.hidden = false;
        statut.textContent = "Ouverture de la caméra…";
        detecteur = new window.BarcodeDetector({formats: ["qr_code"]});
        navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}, audio: false}).then(function (ouvert) {
            flux = ouvert;
            video.srcObject = flux;
            return video.play();
        }).then(function () {
            statut.textContent = "Placez le QR code du chèque devant la caméra.";
            chercher();
        }).catch(function () {
            couper();
            zone.hidden = false;
            video.hidden = true;
            statut.textContent = "La caméra n’est pas disponible : saisissez le code au clavier.";
            champ.focus();
        });
    });

    arreter.addEventListener("click", function () {
        couper();
        bouton.focus();
    });
}());
