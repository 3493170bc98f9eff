"""Scoring as a library: features shared with ml/, lazy model loading, predictions with reasons, model
cards, and the batch page scorer. It reads no store and calls no service: the use cases that read
members, stations and settings and call it live in services/ (member_scores, station_forecast, ...).

Nothing in this package imports numpy or xgboost at module import time: app.py imports the
scoring routes, and a Lambda container that never scores must not pay for them.
"""
