"""Obligations: the deadlines each unit owes, whether each is met, who still owes one, and the
status tables of the office, the council and district offices."""
