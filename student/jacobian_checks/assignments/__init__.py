"""The course's assignments, one module each, with their cases in notebook order.

To add an assignment, write a module like :mod:`.jacobians` (``ASSIGNMENT``, its name, and
``CASES``, its cases) and list it in :data:`MODULES`.
"""

from __future__ import annotations

from types import ModuleType

from . import backprop, jacobians

MODULES: tuple[ModuleType, ...] = (jacobians, backprop)
"""Every assignment module, in the course's order."""
