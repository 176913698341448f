"""The version of ``jacobian_checks``, written by ``make notebooks`` and ``make bundle``
(``course/package_version.py``): it goes up whenever its code, cases or stored references
change, so that installing a new bundle's wheel replaces an older package."""

__version__ = "0.1.7"
CONTENT = "sha256:fb52b506600df58d9ee492064c4464f13d9709aa00d986b5c403fd6a7c6187ac"
"""The fingerprint of the code, cases and stored references this version holds."""
