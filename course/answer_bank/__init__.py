"""An independent bank of student answers for every case of the course, written as code.

One module per case, in the case's folder, ``cases/<assignment>/<key>/answers.py``: each
answer is a top-level function decorated with what the grader should make of it
(:mod:`.declare`: ``@right``,
``@wrong("sign_flipped")``, ``@right_prediction``, ...), and the notebook cell it stands for is
cut from the module's source (:mod:`.cells`). The bank tests the grader for false rejections and
false acceptances, and gives the diagnosis examples of ``docs/diagnoses.md``, the demo's
mistakes and the end-to-end class their answers. A new case's module starts as a copy of
``course/case_template/answers.py.tmpl`` (``python -m course new-case`` writes it). This
package is the course builder's and the tests': the grader never imports it, nor a case's
answers, and the student package holds none of them.

- :func:`every_case`, :func:`case_answers`: the answers of each case (:class:`CaseAnswers`,
  of :class:`BankAnswer`), checked for completeness.
- :func:`answer`: one answer by its case and name.
- The vocabulary of :mod:`.mistakes`, and the decorators.
"""

from .bank import BankAnswer, CaseAnswers, answer, case_answers, every_case, load_case_answers
from .cells import BankError, cell_text
from .declare import OtherDiagnosis, right, right_prediction, wrong, wrong_prediction
from .mistakes import EXPECTATIONS, MISTAKES, SHAPE_MISTAKES, VALUE_MISTAKES

__all__ = [
    "EXPECTATIONS",
    "MISTAKES",
    "SHAPE_MISTAKES",
    "VALUE_MISTAKES",
    "BankAnswer",
    "BankError",
    "CaseAnswers",
    "OtherDiagnosis",
    "answer",
    "case_answers",
    "cell_text",
    "every_case",
    "load_case_answers",
    "right",
    "right_prediction",
    "wrong",
    "wrong_prediction",
]
