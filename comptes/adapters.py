from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.ratelimit import respond_429
from django import forms
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by invitation only; too many failed logins answer 429."""

    def is_open_for_signup(self, request):
        return False

    def pre_authenticate(self, request, **credentials):
        try:
            super().pre_authenticate(request, **credentials)
        except forms.ValidationError as exc:
            if exc.code == "too_many_login_attempts":
                raise ImmediateHttpResponse(respond_429(request)) from exc
            raise

    def send_mail(self, template_prefix, email, context):
        context = {**context, "site_name": settings.SITE_NAME}
        return super().send_mail(template_prefix, email, context)
