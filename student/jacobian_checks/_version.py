"""The version of ``jacobian_checks``, written by ``make notebooks`` and ``make bundle``
(``course/package_version.py``): it goes up whenever its code, cases or stored references
change, so that installing a new bundle's wheel replaces an older package."""

__version__ = "0.1.9"
CONTENT = "sha256:d013a709318c353a1ca16aa2f5d24a36d095c1f87bc60595e292bf2944e3bd10"
"""The fingerprint of the code, cases and stored references this version holds."""
