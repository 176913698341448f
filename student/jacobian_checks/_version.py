"""The version of ``jacobian_checks``, written by ``make notebooks`` and ``make bundle``
(``course/package_version.py``): it goes up whenever its code, cases or stored references
change, so that installing a new bundle's wheel replaces an older package."""

__version__ = "0.1.4"
CONTENT = "sha256:064cf3bc72feff13f8842a3ea94906efea6b7d30ac80ebac43018b4c7153a6cb"
"""The fingerprint of the code, cases and stored references this version holds."""
