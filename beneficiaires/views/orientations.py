"""Placeholder: replaced by the real views."""


def orienter(request, pk=None):
    raise NotImplementedError


def fiche_orientation(request, pk=None):
    raise NotImplementedError


def recues(request, pk=None):
    raise NotImplementedError


def envoyees(request, pk=None):
    raise NotImplementedError


def accepter(request, pk=None):
    raise NotImplementedError


def refuser(request, pk=None):
    raise NotImplementedError
