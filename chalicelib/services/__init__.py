"""Use cases: orchestrate domain rules, the store and the privacy layer."""
