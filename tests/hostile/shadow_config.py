"""Configuration and start-up files submitted beside the notebook, in case the grader runs them.

Written as ``nbgrader_config.py``, ``ipython_kernel_config.py``, ``ipython_config.py`` and
``sitecustomize.py`` in the submission folder of ``01_scalar_wrt_scalar``, whose cells are
left as released (student ``files_beside``, with ``shadow_package``). If it ever runs outside
the jail, it leaves ``hostile-was-here.txt`` beside itself, and as an nbgrader configuration
it would switch the execution timeout off. Must earn 0 in all three cells and leave no file
in the course directory.
"""

import os

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "hostile-was-here.txt"),
          "a") as file:
    file.write("a submitted configuration file ran here\n")
try:
    c = get_config()  # noqa: F821
    c.Execute.timeout = None
except NameError:
    pass
