"""A grading process keeps nbgrader's engines and checked schemas: the same reads, writes and
metadata errors as nbgrader's own, set up once."""

from __future__ import annotations

import os
import shutil

import jsonschema
import nbgrader.api
import nbgrader.nbgraderformat.common
import pytest
from nbformat.v4 import new_code_cell
from nbgrader.api import Gradebook
from nbgrader.nbgraderformat import MetadataValidator

from autograder.course_config import with_scripts_on_path
from autograder.grading import warm_nbgrader


@pytest.fixture(scope="module")
def empty_gradebook(tmp_path_factory):
    """An empty gradebook file, made once (nbgrader runs alembic to make one)."""
    path = tmp_path_factory.mktemp("empty") / "gradebook.db"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PATH", with_scripts_on_path()["PATH"])
        Gradebook(f"sqlite:///{path}").close()
    return path


def gradebook_url(empty_gradebook, folder, name="gradebook.db"):
    """The URL of a new copy of the empty gradebook."""
    shutil.copyfile(empty_gradebook, folder / name)
    return f"sqlite:///{folder / name}"


@pytest.fixture
def warm(monkeypatch):
    """keep_warm() for one test; nbgrader's own functions come back after it."""
    monkeypatch.setattr(nbgrader.api, "create_engine", nbgrader.api.create_engine)
    monkeypatch.setattr(nbgrader.nbgraderformat.common, "jsonschema",
                        nbgrader.nbgraderformat.common.jsonschema)
    warm_nbgrader.keep_warm()


def test_gradebooks_share_one_engine_and_see_each_others_writes(warm, empty_gradebook,
                                                               tmp_path):
    url = gradebook_url(empty_gradebook, tmp_path)
    with Gradebook(url) as first:
        first.add_student("ada", first_name="Ada")
        engine = first.engine
    with Gradebook(url) as second:
        assert second.engine is engine
        assert second.find_student("ada").first_name == "Ada"
        second.update_or_create_student("ada", first_name="Augusta")
    with Gradebook(gradebook_url(empty_gradebook, tmp_path, "other.db")) as other:
        assert other.engine is not engine
        assert [s.id for s in other.students] == []
    with Gradebook(url) as third:
        assert third.find_student("ada").first_name == "Augusta"


def test_a_forked_process_makes_its_own_engine(warm, empty_gradebook, tmp_path):
    url = gradebook_url(empty_gradebook, tmp_path)
    with Gradebook(url) as parent:
        parent_engine = id(parent.engine)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report whether it got the parent's engine, then leave at once
        with Gradebook(url) as child:
            os.write(write, b"same" if id(child.engine) == parent_engine else b"own")
        os._exit(0)
    os.close(write)
    answer = os.read(read, 16)
    os.waitpid(pid, 0)
    assert answer == b"own"


def _cell(**nbgrader_metadata):
    cell = new_code_cell("x = 1")
    cell.metadata["nbgrader"] = {"schema_version": 3, "grade": True, "solution": False,
                                 "locked": True, "task": False, "points": 1,
                                 "grade_id": "a_cell", **nbgrader_metadata}
    return cell


@pytest.mark.parametrize("bad", [{"points": "one"}, {"grade": "yes"}, {"grade_id": 7}])
def test_cell_metadata_is_refused_with_nbgrader_s_own_error(monkeypatch, bad):
    with pytest.raises(jsonschema.ValidationError) as plain:
        MetadataValidator().validate_cell(_cell(**bad))
    monkeypatch.setattr(nbgrader.nbgraderformat.common, "jsonschema",
                        nbgrader.nbgraderformat.common.jsonschema)
    warm_nbgrader.keep_warm()
    for _ in range(2):  # the checked schema is reused, and refuses the same way
        with pytest.raises(jsonschema.ValidationError) as warm:
            MetadataValidator().validate_cell(_cell(**bad))
        assert warm.value.message == plain.value.message
        assert list(warm.value.path) == list(plain.value.path)


def test_each_schema_is_checked_once_and_every_cell_still_validated(warm, monkeypatch):
    checked = []
    original = jsonschema.validators.Draft4Validator.check_schema
    monkeypatch.setattr(jsonschema.validators.Draft4Validator, "check_schema",
                        classmethod(lambda cls, schema: (checked.append(1),
                                                         original.__func__(cls, schema))))
    validator = MetadataValidator()
    for points in (1, 2.5, 0):  # unusual but valid: a float, zero
        validator.validate_cell(_cell(points=points))
    with pytest.raises(jsonschema.ValidationError):
        validator.validate_cell(_cell(points=[1]))
    assert len(checked) == 1


def test_a_wrong_schema_is_still_refused(warm):
    with pytest.raises(jsonschema.SchemaError):
        warm_nbgrader.CheckedSchemaValidation().validate({}, {"type": 12})
