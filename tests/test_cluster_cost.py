"""What the cluster does to cost less, and that it changes nothing it records.

Whether the rows are a local run's is for ``tests/test_cluster.py`` and
``tests/test_flags_e2e.py`` (a cluster run against serial nbgrader); here, a station's
gradebook stamped without a new interpreter (``autograder.grading.warm_nbgrader.alembic_head``); the
instructor's gradebooks sharing an engine are ``tests/test_warm_nbgrader.py``'s.
"""

from __future__ import annotations

import sqlalchemy
from nbgrader import api
from nbgrader.api import Gradebook

from autograder.cluster.kit import (
    local_course,
    make_local_gradebook,
    pack_kit,
    unpack_kit,
)
from autograder.course_config import ensure_scripts_on_path
from autograder.grading.warm_nbgrader import alembic_head
from cases.jacobians import ASSIGNMENT


def test_a_station_gradebook_has_the_version_nbgrader_stamps(generated_course, tmp_path):
    """The version read in this process is the one nbgrader's ``alembic heads`` gives, and a
    station's new gradebook holds it and the assignment."""
    ensure_scripts_on_path()
    asked = api.get_alembic_version
    assert alembic_head() == asked()
    unpack_kit(pack_kit(generated_course, ASSIGNMENT), tmp_path)
    make_local_gradebook(tmp_path, ASSIGNMENT)
    assert api.get_alembic_version is asked
    with Gradebook(local_course(tmp_path).db_url) as gradebook:
        stamped = gradebook.db.execute(sqlalchemy.text(
            "SELECT version_num FROM alembic_version")).scalar_one()
        notebooks = gradebook.find_assignment(ASSIGNMENT).notebooks
    assert stamped == alembic_head()
    assert sorted(notebook.name for notebook in notebooks) == sorted(
        path.stem for path in (generated_course / "source" / ASSIGNMENT).glob("*.ipynb"))
