"""The version of ``jacobian_checks``, written by ``make notebooks`` and ``make bundle``
(``course/package_version.py``): it goes up whenever its code, cases or stored references
change, so that installing a new bundle's wheel replaces an older package."""

__version__ = "0.1.5"
CONTENT = "sha256:366c9df1c3fd82c6884dc988a9d65fd889a747b234147b25f943e64318057246"
"""The fingerprint of the code, cases and stored references this version holds."""
