/* Orientation slip: « Imprimer la fiche » calls window.print (the print stylesheet keeps only the
   place's details). The button is rendered `hidden` and shown here: it does nothing without
   JavaScript, where the page says to use the browser's print menu. */
(function () {
    "use strict";

    function demarrer() {
        var boutons = document.querySelectorAll("[data-imprimer]");
        for (var i = 0; i < boutons.length; i++) {
            boutons[i].hidden = false;
            boutons[i].addEventListener("click", function () {
                window.print();
            });
        }
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", demarrer);
    } else {
        demarrer();
    }
})();
