"""The LMS round trip: collect submissions from a Canvas or Moodle download
(:mod:`.collect_downloads`), export grades for their gradebooks (:mod:`.export`), and release the
solutions after the due date (:mod:`.solutions`). How to use them: ``docs/lms.md``."""
