"""Hypothesis profiles, chosen with the HYPOTHESIS_PROFILE environment variable.

``default`` (25 examples per test) keeps the local loop quick (plain pytest
under two minutes); ``ci`` (200 examples, as .ci/run selects) searches harder.
Neither has a deadline: run time on a shared 2-core machine is not a property
of the code.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("default", max_examples=25, deadline=None)
settings.register_profile(
    "ci", max_examples=200, deadline=None, derandomize=False, print_blob=True
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
