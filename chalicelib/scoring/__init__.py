"""Scoring: features shared with ml/, lazy model loading, predictions with reasons.

Nothing in this package imports numpy or xgboost at module import time: app.py imports the
scoring routes, and a Lambda container that never scores must not pay for them.
"""
