"""URLs of pass_numerique (dispositifs): its pages come with the Pass numérique issue."""

app_name = "pass_dispositifs"
urlpatterns = []
