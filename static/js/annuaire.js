/* Directory page helpers: « Imprimer cette liste » (window.print, the print stylesheet does
   the rest) and « Copier le code » of the embeddable map. Both buttons are rendered `hidden`
   and shown here, since they do nothing without JavaScript. */
(function () {
    "use strict";

    function demarrer() {
        var imprimer = document.querySelectorAll("[data-imprimer]");
        for (var i = 0; i < imprimer.length; i++) {
            imprimer[i].hidden = false;
            imprimer[i].addEventListener("click", function () {
                window.print();
            });
        }

        var copier = document.querySelectorAll("[data-copier]");
        for (var j = 0; j < copier.length; j++) {
            (function (bouton) {
                var source = document.querySelector(bouton.getAttribute("data-copier"));
                var statut = bouton.parentNode.querySelector("[data-copier-statut]");
                if (!source || !navigator.clipboard) {
                    return;
                }
                bouton.hidden = false;
                bouton.addEventListener("click", function () {
                    navigator.clipboard.writeText(source.value).then(
                        function () {
                            if (statut) {
                                statut.textContent = "Code copié.";
                            }
                        },
                        function () {
                            source.select();
                            if (statut) {
                                statut.textContent = "Copie impossible : le code est sélectionné, copiez-le avec Ctrl+C.";
                            }
                        }
                    );
                });
            })(copier[j]);
        }
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", demarrer);
    } else {
        demarrer();
    }
})();
