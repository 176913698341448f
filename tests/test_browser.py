"""The student's path in a real browser: JupyterLab started in the unzipped student bundle as
its README says, with the bundle's wheel as the only ``jacobian_checks`` its kernels import.

Headless Chromium (the distribution's, driven by Playwright) finds no instructor tool of
nbgrader and no Assignments tab (no exchange is set up), opens the course text by a
double-click and finds it rendered, math included; opens a notebook, types a wrong answer,
runs its test cells and finds the diagnosis as the first line of the failed cell's output;
then types right answers, presses Validate and finds success. ``make test`` installs Chromium
(``make browser``).

Validate saves the notebook before validating, so the test never saves it itself: a Ctrl+S
just before Validate starts a second save while the first is in flight, and JupyterLab, finding
the file on disk changed since its last save, asks "File Changed" (on a loaded machine, the
first save's reply comes late). JupyterLab's autosave could race Validate's save the same way,
so it is off here.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterator

import nbformat
import pytest
from playwright.sync_api import Page, expect, sync_playwright

from cases.jacobians import ASSIGNMENT
from course.bundle import bundle_folder, write_bundle
from course.course_text import COURSE_TEXT
from tests.jupyter_servers import chromium
from tests.student_lab import student_lab

pytestmark = pytest.mark.nbgrader

NOTEBOOK = f"{ASSIGNMENT}/02_scalar_wrt_vector.ipynb"
SIGN_FLIPPED = ('import numpy as np\n\ndef dloss_dyhat(y, yhat):\n'
                '    return np.einsum("i,bj->bij", np.ones(1), y - yhat)\n')
RIGHT = {"def jacobian_shape": "def jacobian_shape(B, D):\n    return (B, 1, D)\n",
         "def dloss_dyhat": "def dloss_dyhat(y, yhat):\n    return (yhat - y)[:, None, :]\n"}
SETTINGS = {  # no news pop-up over the page; every cell rendered (no virtual scrolling);
    # no autosave racing Validate's save (see above)
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}
NBGRADER_COMMANDS = ["nbgrader:open-formgrader", "nbgrader:open-formgrader-local",
                     "nbgrader:open-create-assignment", "nbgrader:open-assignment-list",
                     "nbgrader:open-course-list"]
"""The commands of nbgrader's lab extension: its menu items and its palette entries."""
_CODE = re.compile(r"```.*?```|~~~.*?~~~|`[^`\n]*`", re.S)
_MATH = re.compile(r"\$\$.+?\$\$|\$[^$\n]+?\$", re.S)


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Iterator[str]:
    """The URL of the student's JupyterLab in the unzipped bundle, no nbgrader exchange."""
    root = tmp_path_factory.mktemp("student")
    with zipfile.ZipFile(write_bundle(ASSIGNMENT, root / "bundle.zip")) as bundle:
        bundle.extractall(root)
    scratch = root / "scratch"
    for name, values in SETTINGS.items():
        (scratch / "settings" / name).parent.mkdir(parents=True, exist_ok=True)
        (scratch / "settings" / name).write_text(json.dumps(values))
    nbgrader = scratch / "nbgrader"  # the exchange, explicitly absent on this machine
    nbgrader.mkdir()
    (nbgrader / "nbgrader_config.py").write_text(
        f"c.Exchange.root = {str(root / 'no-exchange')!r}\n")
    with student_lab(root / bundle_folder(ASSIGNMENT), scratch,
                     env={"JUPYTER_CONFIG_PATH": str(nbgrader)},
                     arguments=["--LabApp.expose_app_in_browser=True"]) as url:
        yield url


@pytest.fixture()
def lab_page(lab) -> Iterator[Page]:
    """A browser page on the JupyterLab, its layout restored, the file browser at the top."""
    with sync_playwright() as playwright:
        browser = chromium(playwright)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{lab}/lab?reset")
            page.wait_for_function("() => window.jupyterapp !== undefined", timeout=120000)
            page.evaluate("() => window.jupyterapp.restored.then(() => true)")
            yield page
        finally:
            browser.close()


@pytest.fixture()
def page(lab_page) -> Page:
    """The browser page with the notebook open and its kernel idle."""
    lab_page.evaluate(f"() => window.jupyterapp.commands.execute('docmanager:open', "
                      f"{{path: '{NOTEBOOK}'}})")
    lab_page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']",
                               timeout=120000)
    return lab_page


def replace_cell(page: Page, containing: str, code: str) -> None:
    """Replace the source of the code cell that contains ``containing`` by ``code``."""
    page.locator(".jp-CodeCell", has_text=containing).first.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(code)  # no auto-indent or auto-closed brackets


def test_the_students_lab_has_no_instructor_tools_nor_assignments_tab_and_keeps_validate(
        page):
    expect(page.get_by_role("button", name="Validate")).to_be_visible()
    assert page.evaluate("() => window.jupyterapp.isPluginActivated("
                         "'@jupyter/nbgrader:validate-assignment')")
    present = page.evaluate(f"() => {json.dumps(NBGRADER_COMMANDS)}"
                            ".filter(id => window.jupyterapp.commands.hasCommand(id))")
    assert present == []  # no Formgrader, Create Assignment, Assignments or Courses anywhere
    menus = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
    assert "File" in menus and "Nbgrader" not in menus
    tabs = " ".join(page.locator(".lm-TabBar-tabLabel").all_inner_texts())
    assert "Create Assignment" not in tabs and "Assignments" not in tabs
    assert "Error fetching courses" not in page.locator("body").inner_text()


def test_the_course_text_opens_rendered_with_its_math(lab_page, lab):
    page = lab_page
    page.locator(".jp-DirListing-item", has_text=COURSE_TEXT).dblclick()
    panel = page.locator(".jp-NotebookPanel:visible")
    course_text = nbformat.reads(page.request.get(f"{lab}/files/{COURSE_TEXT}").text(),
                                 as_version=4)
    cells = panel.locator(".jp-MarkdownCell")
    expect(cells).to_have_count(len(course_text.cells), timeout=60000)
    expect(panel.locator(".jp-MarkdownCell.jp-mod-rendered")).to_have_count(
        len(course_text.cells))
    headings = [re.sub(r"[`*]", "", re.sub(r"^#+\s*", "", cell.source.splitlines()[0]))
                for cell in course_text.cells if cell.source.startswith("#")]  # as rendered
    shown = panel.locator(".jp-RenderedMarkdown :is(h1, h2, h3, h4, h5, h6)")
    expect(shown).to_have_count(len(headings), timeout=60000)  # rendered asynchronously
    assert [text.rstrip("¶").strip() for text in shown.all_inner_texts()] == headings
    math = len(_MATH.findall(_CODE.sub("", "\n".join(c.source for c in course_text.cells))))
    if math:  # MathJax typesets asynchronously
        expect(panel.locator("mjx-container").first).to_be_visible(timeout=60000)
    text = panel.evaluate("""node => [...node.querySelectorAll('.jp-RenderedMarkdown')]
        .map(rendered => {
            const copy = rendered.cloneNode(true);
            copy.querySelectorAll('code, pre, mjx-container').forEach(n => n.remove());
            return copy.textContent; }).join('\\n')""")
    assert text.strip() and "$" not in text  # no math left as TeX
    cells.first.dblclick()  # shows the cell's Markdown, read-only
    cells.first.locator(".cm-content").click()
    page.keyboard.type("qwq")
    source = page.evaluate("() => window.jupyterapp.shell.currentWidget.content.model.cells"
                           ".get(0).sharedModel.getSource()")
    assert source == course_text.cells[0].source


def test_a_wrong_answer_shows_its_diagnosis_first(page):
    replace_cell(page, "def dloss_dyhat", SIGN_FLIPPED)
    page.get_by_role("menuitem", name="Run", exact=True).click()  # the answer and its tests
    page.get_by_role("menuitem", name="Run Selected Cell and All Below").click()
    values = page.locator(".jp-CodeCell", has_text="check_jacobian_values(dloss_dyhat").first
    error = values.locator(".jp-OutputArea-output").first
    expect(error).to_contain_text("JacobianCheckError", timeout=60000)
    assert error.inner_text().splitlines()[0] == (
        "JacobianCheckError: Your Jacobian has the wrong sign: its negative is right.")
    shape = page.locator(".jp-CodeCell", has_text="check_jacobian_shape(dloss_dyhat").first
    passed = " ".join(shape.locator(".jp-OutputArea-output").first.inner_text().split())
    assert passed.startswith(
        "Passed: dloss_dyhat(y, yhat) has the shape (B, 1, D): (256, 1, 10) at B=256, D=10,")


def test_right_answers_pass_validate(page):
    for containing, code in RIGHT.items():
        replace_cell(page, containing, code)
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Validate").click()  # it saves the notebook first
    dialog = page.locator(".jp-Dialog")
    expect(dialog).to_contain_text("Success! Your notebook passes all the tests.",
                                   timeout=120000)
