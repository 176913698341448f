"""How Canvas and Moodle lay out a submissions download, and whose notebook a file of it is.

A file is placed by its whole path from the download's root, in the positions the LMS itself
writes; whatever a student chose (the name of an uploaded file, a folder they uploaded) can
never make it another student's. A file deeper than the LMS's layout, or whose path can be
read as two students' files, belongs to no one and is left out with the reason.

Canvas, "Download Submissions" (read in ``instructure/canvas-lms``,
``app/models/content_zipper.rb``: ``get_filename`` and ``add_upload_submission``): one flat
zip, one file per uploaded file, named
``<name>_[LATE_]<user_id>_<attachment_id>_<file name as uploaded>``, where ``<name>`` is the
student's sortable name without punctuation (``doejane``), ``LATE`` marks a late
submission (written ``LATE``, or ``late`` by the versions that lower-case the whole name),
``<user_id>`` is the Canvas user id (digits) and ``<attachment_id>`` the file's id. A student
who uploads a file with a name they used before gets it renamed ``<stem>-1.ipynb``,
``<stem>-2.ipynb``, ... (seen in ``TimHanneman/Canvas_submission_sort``, ``sub_name.awk``).
The user id is the **first** pair of numbers: the name before it comes from Canvas, while the
uploaded file name after it is the student's own, which could spell another student's ids
(``11111_22_01.ipynb``). The student id is the **Canvas user id**, the ``ID`` column of
Canvas's gradebook CSV.

Moodle, "Download all submissions" (read in ``moodle/moodle``,
``mod/assign/classes/downloader.php``: ``get_student_prefix`` and
``load_submissionplugin_filelist``): the prefix is ``<full name>_<participant id>`` (the
full name with ``_`` replaced by spaces; ``Participant`` under blind marking). With the
grader's preference "Download submissions in folders" (``assign_downloadasfolders``, on by
default since Moodle 3.1) each student has a folder
``<prefix>_assignsubmission_file/`` holding their files (older versions wrote
``<prefix>_assignsubmission_file_/``), and the subfolders they uploaded, which are theirs to
name -- ``Zoe Doe_22222_assignsubmission_file/`` too; without it the zip is flat, with files
named ``<prefix>_assignsubmission_file_<file name>``. The student id is the **participant
id**, ``assign_user_mapping.id``: a number Moodle gives each participant *of one assignment*,
the same one its grading worksheet writes as ``Participant <id>``; it differs between
assignments. Group (team) submissions are named after the group instead and are not
supported.

Ids are ASCII digits only: ``２２２２２`` (full-width) or ``٢٢٢`` (Arabic-Indic) are not ids,
and notebook names are compared exactly, so a look-alike letter (Cyrillic ``а`` for Latin
``a``) names no notebook of the assignment.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

LAYOUTS = {
    "canvas": "<name>_[LATE_]<user id>_<file id>_<notebook>.ipynb, at the top of the zip",
    "moodle": "<full name>_<participant id>_assignsubmission_file/<notebook>.ipynb (or "
              "..._assignsubmission_file_<notebook>.ipynb at the top of the zip)",
}
"""The paths each LMS writes, for messages; the keys are the names ``--from`` takes."""

NOT_A_NOTEBOOK = "not a notebook (only .ipynb files are collected)"
MOODLE_FOLDER = re.compile(r"(?P<name>.*?)_(?P<id>[0-9]+)_assignsubmission_file_?")
MOODLE_FLAT = re.compile(r"(?P<name>.*?)_(?P<id>[0-9]+)_assignsubmission_file_(?P<file>.+)")
MOODLE_ANY_FOLDER = re.compile(r"_(?P<id>[0-9]+)_assignsubmission_")
RENAMED = re.compile(r"-[0-9]+$")
"""Canvas's suffix for a file uploaded again under the same name."""


@dataclass(frozen=True)
class Placed:
    """Whose which notebook a file of a download is.

    Attributes
    ----------
    student : str
        The LMS's user or participant id (ASCII digits).
    notebook : str
        The notebook's file name, one of the assignment's, e.g. ``01_scalar_wrt_scalar.ipynb``.
    name : str
        The student's name as the LMS wrote it (may be empty).
    late : bool
        Whether the LMS marked the submission late (Canvas only).
    """

    student: str
    notebook: str
    name: str = ""
    late: bool = False


def place(path: str, lms: str, notebooks: Collection[str]) -> Placed | str:
    """Whose notebook the file at ``path`` is, or why it is no one's; pure.

    Parameters
    ----------
    path : str
        The file's path from the download's root, ``/``-separated.
    lms : {"canvas", "moodle"}
    notebooks : collection of str
        The assignment's notebook file names (``release/<assignment>/``).
    """
    parts = path.split("/")
    if not parts[-1].endswith(".ipynb"):
        return NOT_A_NOTEBOOK
    return (_canvas if lms == "canvas" else _moodle)(parts, notebooks)


def _canvas(parts: list[str], notebooks: Collection[str]) -> Placed | str:
    if len(parts) > 1:
        return ("it is in a folder, and Canvas's download has none: its folder, not Canvas, "
                "would say whose it is")
    tokens = parts[0][:-len(".ipynb")].split("_")
    first_ids = next((i for i in range(len(tokens) - 2)
                      if _number(tokens[i]) and _number(tokens[i + 1])), None)
    if first_ids is None:
        return _not_the_layout("canvas")
    before = tokens[:first_ids]
    late = bool(before) and before[-1].lower() == "late"
    uploaded = "_".join(tokens[first_ids + 2:])
    notebook = _notebook(uploaded, notebooks) or _notebook(RENAMED.sub("", uploaded), notebooks)
    if notebook is None:
        return _not_the_assignments(uploaded + ".ipynb", notebooks)
    return Placed(tokens[first_ids], notebook, "_".join(before[:-1] if late else before), late)


def _moodle(parts: list[str], notebooks: Collection[str]) -> Placed | str:
    folder = MOODLE_FOLDER.fullmatch(parts[0]) if len(parts) > 1 else None
    if len(parts) == 1:
        flat = MOODLE_FLAT.fullmatch(parts[0])
        if flat is None:
            return _not_the_layout("moodle")
        student, name, uploaded = flat["id"], flat["name"], flat["file"]
    elif folder is None:
        return _not_the_layout("moodle")
    elif len(parts) > 2:
        others = sorted({match["id"] for part in parts[1:-1]
                         for match in MOODLE_ANY_FOLDER.finditer(part)} - {folder["id"]})
        return (f"it is in a subfolder of student {folder['id']}'s folder, where Moodle puts "
                "a student's files directly"
                + (f"; the subfolder is named like the folder of student {', '.join(others)}, "
                   "and a student's upload cannot hand in for another" if others else ""))
    else:
        student, name, uploaded = folder["id"], folder["name"], parts[1]
    notebook = _notebook(uploaded[:-len(".ipynb")], notebooks)
    if notebook is None:
        return _not_the_assignments(uploaded, notebooks)
    return Placed(student, notebook, name)


def _number(token: str) -> bool:
    return token.isascii() and token.isdigit()


def _notebook(stem: str, notebooks: Collection[str]) -> str | None:
    return stem + ".ipynb" if stem + ".ipynb" in notebooks else None


def _not_the_layout(lms: str) -> str:
    return f"its path does not follow {lms.capitalize()}'s download layout {LAYOUTS[lms]}"


def _not_the_assignments(notebook: str, notebooks: Collection[str]) -> str:
    return (f"{notebook!r} is not a notebook of the assignment (those are "
            f"{', '.join(sorted(notebooks))})")
