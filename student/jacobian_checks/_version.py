"""The version of ``jacobian_checks``, written by ``make notebooks`` and ``make bundle``
(``course/package_version.py``): it goes up whenever its code, cases or stored references
change, so that installing a new bundle's wheel replaces an older package."""

__version__ = "0.1.8"
CONTENT = "sha256:08e8a03283c987d51adb78bf5453a697a9c5e8f9763edee6d4bd2ae0611eac34"
"""The fingerprint of the code, cases and stored references this version holds."""
