"""Signals for the apps above this one (pass_numerique, ateliers), which this app must not
import. Both are sent inside the service's transaction: a receiver that fails rolls it back.

- `fusion(sender, conservee, absorbee, par)`: re-point your rows from `absorbee` to `conservee`;
  return {"label": count} to have the counts journalled.
- `anonymisation(sender, beneficiaire)`: erase the personal data your rows hold about the person.
"""

from django.dispatch import Signal

fusion = Signal()
anonymisation = Signal()
