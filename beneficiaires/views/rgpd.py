"""Placeholder: replaced by the real views."""


def journal_acces(request, pk=None):
    raise NotImplementedError


def export_json(request, pk=None):
    raise NotImplementedError


def export_pdf(request, pk=None):
    raise NotImplementedError


def fusionner(request, pk=None):
    raise NotImplementedError


def anonymiser(request, pk=None):
    raise NotImplementedError
