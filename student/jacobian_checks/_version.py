"""The version of ``jacobian_checks``, written by ``make notebooks`` and ``make bundle``
(``course/package_version.py``): it goes up whenever the cases or the stored references
change, so that installing a new bundle's wheel replaces an older package."""

__version__ = "0.1.1"
CONTENT = "sha256:52d8af8d495208550d3527c60d7261fadc7c39ab200b46ba7d968b44b9736b7b"
"""The fingerprint of the cases and stored references this version holds."""
