"""Hypothesis profiles: `default` for the test command, `thorough` (HYPOTHESIS_PROFILE=thorough)
for a long hunt."""

import os

from hypothesis import settings

settings.register_profile("default", max_examples=150, deadline=None)
settings.register_profile("thorough", max_examples=5000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
