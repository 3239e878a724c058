"""URLs of pass_numerique (api): its pages come with the Pass numérique issue."""

app_name = "pass_api"
urlpatterns = []
