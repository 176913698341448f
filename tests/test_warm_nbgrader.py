"""Within warm_nbgrader, nbgrader shares its engines and checked schemas: the same reads,
writes and metadata errors as nbgrader's own, set up once; after it, nbgrader's own ways."""

from __future__ import annotations

import os
import shutil

import jsonschema
import nbgrader.nbgraderformat.common
import pytest
import sqlalchemy
from nbformat.v4 import new_code_cell
from nbgrader import api
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.nbgraderformat import MetadataValidator

from autograder.course_config import with_scripts_on_path
from autograder.grading.warm_nbgrader import CheckedSchemaValidation, warm_nbgrader


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


def test_gradebooks_share_one_engine_within_and_each_has_its_own_after(empty_gradebook,
                                                                       tmp_path):
    url = gradebook_url(empty_gradebook, tmp_path)
    other = gradebook_url(empty_gradebook, tmp_path, "other.db")
    with warm_nbgrader():
        with Gradebook(url) as first:
            first.add_student("ada", first_name="Ada")
            engine = first.engine
        with Gradebook(url) as second, Gradebook(other) as elsewhere:
            assert second.engine is engine and elsewhere.engine is not engine
            assert second.find_student("ada").first_name == "Ada"  # committed by the first
            with pytest.raises(MissingEntry):
                elsewhere.find_student("ada")
            second.update_or_create_student("ada", first_name="Augusta")
    assert api.create_engine is sqlalchemy.create_engine
    with Gradebook(url) as after:
        assert after.engine is not engine
        assert after.find_student("ada").first_name == "Augusta"


def test_a_gradebook_s_tables_and_course_are_made_sure_of_once_per_engine(empty_gradebook,
                                                                          tmp_path,
                                                                          monkeypatch):
    made, checked = [], []
    create_all = sqlalchemy.MetaData.create_all
    monkeypatch.setattr(sqlalchemy.MetaData, "create_all", lambda metadata, bind, **options: (
        made.append(str(bind.url)), create_all(metadata, bind, **options))[1])
    check_course = Gradebook.check_course
    monkeypatch.setattr(Gradebook, "check_course", lambda gradebook, *args, **fields: (
        checked.append(str(gradebook.engine.url)), check_course(gradebook, *args, **fields))[1])
    url = gradebook_url(empty_gradebook, tmp_path)
    new = f"sqlite:///{tmp_path / 'new.db'}"
    with warm_nbgrader():
        for name in ("ada", "grace", "alan"):
            with Gradebook(url) as gradebook:
                gradebook.add_student(name)
        with Gradebook(new) as made_here:  # a new gradebook: its tables made, and stamped
            made_here.add_student("ada")
            stamped = _alembic_version(made_here)
            courses = [course.id for course in made_here.db.query(api.Course)]
    assert made == [url, new] and checked == [url, new]
    assert courses == ["default_course"]
    with Gradebook(url) as after:  # nbgrader's own way: asked again
        assert sorted(student.id for student in after.students) == ["ada", "alan", "grace"]
        assert stamped == _alembic_version(after)  # as nbgrader stamped the empty one
    assert made == [url, new, url] and checked == [url, new, url]


def _alembic_version(gradebook):
    return gradebook.db.execute(sqlalchemy.text(
        "SELECT version_num FROM alembic_version")).scalar_one()


def test_nbgraders_own_ways_are_back_after_a_failure():
    close, schemas = Gradebook.close, nbgrader.nbgraderformat.common.jsonschema
    check_course = Gradebook.check_course
    with pytest.raises(ValueError), warm_nbgrader():
        raise ValueError("a replay failed")
    assert api.create_engine is sqlalchemy.create_engine and Gradebook.close is close
    assert api.inspect is sqlalchemy.inspect and "create_all" not in vars(api.Base.metadata)
    assert Gradebook.check_course is check_course
    assert nbgrader.nbgraderformat.common.jsonschema is schemas


def test_a_forked_process_makes_its_own_engine(empty_gradebook, tmp_path):
    url = gradebook_url(empty_gradebook, tmp_path)
    with warm_nbgrader():
        with Gradebook(url) as parent:
            parent_engine = id(parent.engine)
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: report whether it got the parent's engine, then leave
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
def test_cell_metadata_is_refused_with_nbgrader_s_own_error(bad):
    with pytest.raises(jsonschema.ValidationError) as plain:
        MetadataValidator().validate_cell(_cell(**bad))
    with warm_nbgrader():
        for _ in range(2):  # the checked schema is reused, and refuses the same way
            with pytest.raises(jsonschema.ValidationError) as warm:
                MetadataValidator().validate_cell(_cell(**bad))
            assert warm.value.message == plain.value.message
            assert list(warm.value.path) == list(plain.value.path)


def test_each_schema_is_checked_once_and_every_cell_still_validated(monkeypatch):
    checked = []
    original = jsonschema.validators.Draft4Validator.check_schema
    monkeypatch.setattr(jsonschema.validators.Draft4Validator, "check_schema",
                        classmethod(lambda cls, schema: (checked.append(1),
                                                         original.__func__(cls, schema))))
    with warm_nbgrader():
        validator = MetadataValidator()
        for points in (1, 2.5, 0):  # unusual but valid: a float, zero
            validator.validate_cell(_cell(points=points))
        with pytest.raises(jsonschema.ValidationError):
            validator.validate_cell(_cell(points=[1]))
    assert len(checked) == 1


def test_a_wrong_schema_is_still_refused():
    with pytest.raises(jsonschema.SchemaError):
        CheckedSchemaValidation().validate({}, {"type": 12})
