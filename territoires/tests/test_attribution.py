from django.template.loader import render_to_string


def test_attribution_des_sources():
    html = render_to_string("territoires/attribution.html")
    for mention in ["Insee", "La Poste", "Licence Ouverte", "decoupage-administratif", "GeoNames", "CC BY 4.0"]:
        assert mention in html
