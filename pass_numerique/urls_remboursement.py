"""URLs of pass_numerique (remboursement): its pages come with the Pass numérique issue."""

app_name = "pass_remboursement"
urlpatterns = []
