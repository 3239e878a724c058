"""URLs of pass_numerique (encaissement): its pages come with the Pass numérique issue."""

app_name = "pass_encaissement"
urlpatterns = []
