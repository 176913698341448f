"""The version of ``jacobian_checks``, written by ``make notebooks`` and ``make bundle``
(``course/package_version.py``): it goes up whenever the cases or the stored references
change, so that installing a new bundle's wheel replaces an older package."""

__version__ = "0.1.0"
CONTENT = "sha256:ba6ec7299cc55d002e42333bdd39b09f407c5a92216cf568ddb0ae988252af97"
"""The fingerprint of the cases and stored references this version holds."""
