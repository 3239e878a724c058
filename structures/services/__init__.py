"""Writes on lieux de médiation numérique. Views, forms, commands and the admin call these."""
