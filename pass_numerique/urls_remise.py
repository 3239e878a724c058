"""URLs of pass_numerique (remise): its pages come with the Pass numérique issue."""

app_name = "pass_remise"
urlpatterns = []
