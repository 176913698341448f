"""How Canvas and Moodle name the files of a submissions download, as nbgrader regexps.

Each pattern is a ``FileNameCollectorPlugin.named_regexp`` for ``nbgrader zip_collect``:
nbgrader matches it (``re.match``) against the *absolute path* of every extracted file, so
each pattern starts with ``(?:.*/)?`` and describes the end of the path. Groups:
``student_id`` and ``file_id`` (the notebook name without ``.ipynb``), which nbgrader needs;
``name`` (the student's name as the LMS wrote it) and, for Canvas, ``late``, which our
collector shows the instructor and nbgrader ignores. Neither LMS puts the submission time in
its file names, so there is no ``timestamp`` group: nbgrader applies no late penalty to
LMS-collected submissions (the LMS applies its own late policy).

Canvas, "Download Submissions" (read in ``instructure/canvas-lms``,
``app/models/content_zipper.rb``: ``get_filename`` and ``add_upload_submission``): one flat
zip, one file per uploaded file, named
``<name>_[LATE_]<user_id>_<attachment_id>_<file name as uploaded>``, where ``<name>`` is the
student's sortable name without punctuation (``doejane``), ``LATE`` marks a late
submission (written ``LATE``, or ``late`` by the versions that lower-case the whole name),
``<user_id>`` is the Canvas user id (digits) and ``<attachment_id>`` the file's id. A student
who uploads a file with a name they used before gets it renamed ``<stem>-1.ipynb``,
``<stem>-2.ipynb``, ... (seen in ``TimHanneman/Canvas_submission_sort``, ``sub_name.awk``);
the pattern drops that suffix, so notebook names must not end in ``-<digits>`` themselves.
The student id is the **Canvas user id**, the ``ID`` column of Canvas's gradebook CSV.

Moodle, "Download all submissions" (read in ``moodle/moodle``,
``mod/assign/classes/downloader.php``: ``get_student_prefix`` and
``load_submissionplugin_filelist``): the prefix is ``<full name>_<participant id>`` (the
full name with ``_`` replaced by spaces; ``Participant`` under blind marking). With the
grader's preference "Download submissions in folders" (``assign_downloadasfolders``, on by
default since Moodle 3.1) each student has a folder
``<prefix>_assignsubmission_file/`` holding their files (older versions wrote
``<prefix>_assignsubmission_file_/``); without it the zip is flat, with files named
``<prefix>_assignsubmission_file_<file name>``. The student id is the **participant id**,
``assign_user_mapping.id``: a number Moodle gives each participant *of one assignment*, the
same one its grading worksheet writes as ``Participant <id>``; it differs between
assignments. Group (team) submissions are named after the group instead and are not
supported.
"""

from __future__ import annotations

CANVAS = (r"(?:.*/)?(?:(?P<name>[^/]*?)_)??(?P<late>(?i:late)_)?"
          r"(?P<student_id>\d+)_\d+_(?P<file_id>[^/]+?)(?:-\d+)?\.ipynb$")
"""Canvas: ``doejane_LATE_1234_567890_01_scalar-1.ipynb`` is student ``1234``'s
``01_scalar.ipynb``. The name is optional (anonymous grading leaves it out) and matched
lazily, so the first ``<digits>_<digits>_`` is the two ids."""

MOODLE = (r"(?:.*/)?(?P<name>[^/]*?)_(?P<student_id>\d+)_assignsubmission_file"
          r"(?:_?/|_)(?P<file_id>[^/]+)\.ipynb$")
"""Moodle: ``Jane Doe_1234_assignsubmission_file/01_scalar.ipynb`` (folders),
``Jane Doe_1234_assignsubmission_file_/01_scalar.ipynb`` (older folders) and
``Jane Doe_1234_assignsubmission_file_01_scalar.ipynb`` (flat) are participant ``1234``'s
``01_scalar.ipynb``. A file in a subfolder of the student's folder does not match."""

PATTERNS = {"canvas": CANVAS, "moodle": MOODLE}
"""The pattern of each LMS, by the name ``--from`` takes."""

LAYOUTS = {
    "canvas": "<name>_[LATE_]<user id>_<file id>_<notebook>.ipynb",
    "moodle": "<full name>_<participant id>_assignsubmission_file/<notebook>.ipynb "
              "(or ..._assignsubmission_file_<notebook>.ipynb)",
}
"""The file names each pattern expects, for messages."""
