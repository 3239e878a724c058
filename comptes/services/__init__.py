"""Writes for accounts, memberships and invitations. Views, the admin and commands call these."""
