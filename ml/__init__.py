"""Offline ML: synthetic population with a known truth, training, evaluation, export to chalicelib/models/."""
