"""The version of ``jacobian_checks``, written by ``make notebooks`` and ``make bundle``
(``course/package_version.py``): it goes up whenever the cases or the stored references
change, so that installing a new bundle's wheel replaces an older package."""

__version__ = "0.1.3"
CONTENT = "sha256:9f4c121d9c4f92ca27cda50f1f8a3f5b1934c6d361c8afd6c7dc82eabdbc06f7"
"""The fingerprint of the cases and stored references this version holds."""
