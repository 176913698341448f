"""The version of ``jacobian_checks``, written by ``make notebooks`` and ``make bundle``
(``course/package_version.py``): it goes up whenever the cases or the stored references
change, so that installing a new bundle's wheel replaces an older package."""

__version__ = "0.1.2"
CONTENT = "sha256:8b28b8187de81c5e42eeccd610bf05e9c03a782a2fe6eaccf571ecd7d4659500"
"""The fingerprint of the cases and stored references this version holds."""
