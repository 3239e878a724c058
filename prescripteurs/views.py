"""Placeholder: replaced by the real views."""


def liste(request, pk=None):
    raise NotImplementedError


def creer(request, pk=None):
    raise NotImplementedError


def modifier(request, pk=None):
    raise NotImplementedError


def fermer(request, pk=None):
    raise NotImplementedError


def rouvrir(request, pk=None):
    raise NotImplementedError
