"""Placeholder: replaced by the real views."""


def liste(request, pk=None):
    raise NotImplementedError


def creer(request, pk=None):
    raise NotImplementedError


def rattacher(request, pk=None):
    raise NotImplementedError


def fiche(request, pk=None):
    raise NotImplementedError


def modifier(request, pk=None):
    raise NotImplementedError
