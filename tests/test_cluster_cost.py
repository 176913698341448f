"""What the cluster does to cost less, and that it changes nothing it records.

Whether the rows are a local run's is for ``tests/test_cluster.py`` and
``tests/test_flags_e2e.py`` (a cluster run against serial nbgrader); here, the parts: the
instructor's gradebooks sharing an engine (``autograder.cluster.engines``), and a station's
gradebook stamped without a new interpreter (``autograder.cluster.kit.alembic_head``).
"""

from __future__ import annotations

import pytest
import sqlalchemy
from nbgrader import api
from nbgrader.api import Gradebook, MissingEntry

from autograder.cluster.engines import one_engine_per_gradebook
from autograder.cluster.kit import (
    alembic_head,
    local_course,
    make_local_gradebook,
    pack_kit,
    unpack_kit,
)
from autograder.course_config import ensure_scripts_on_path
from cases.jacobians import ASSIGNMENT


def test_gradebooks_share_one_engine_within_and_each_has_its_own_after(tmp_path):
    ensure_scripts_on_path()  # nbgrader's `alembic heads`, for the new gradebooks
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    other = f"sqlite:///{tmp_path / 'other.db'}"
    with one_engine_per_gradebook():
        with Gradebook(url) as first:
            first.add_student("ada")
            engine = first.engine
        with Gradebook(url) as second, Gradebook(other) as elsewhere:
            assert second.engine is engine and elsewhere.engine is not engine
            assert second.find_student("ada").id == "ada"  # committed by the first
            with pytest.raises(MissingEntry):
                elsewhere.find_student("ada")
    assert api.create_engine is sqlalchemy.create_engine
    with Gradebook(url) as after:
        assert after.engine is not engine
        assert after.find_student("ada").id == "ada"


def test_nbgraders_own_gradebooks_are_back_after_a_failure(tmp_path):
    close = Gradebook.close
    with pytest.raises(ValueError), one_engine_per_gradebook():
        raise ValueError("a replay failed")
    assert api.create_engine is sqlalchemy.create_engine and Gradebook.close is close


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
