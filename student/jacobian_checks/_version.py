"""The version of ``jacobian_checks``, written by ``make notebooks`` and ``make bundle``
(``course/package_version.py``): it goes up whenever its code, cases or stored references
change, so that installing a new bundle's wheel replaces an older package."""

__version__ = "0.1.6"
CONTENT = "sha256:06ca55b2b79faa707f4ac02096ac08b72a78b8d477b18196933d2c98eb7a49d6"
"""The fingerprint of the code, cases and stored references this version holds."""
