"""Settings of the student's JupyterLab, started in this folder with

    jupyter lab --config=jupyter_server_config.py

(Jupyter reads no settings from the folder it starts in, so the README's command names this
file.) Students need nbgrader's Validate button, not the instructor's tools: this hides
nbgrader's Formgrader and Create Assignment and, when no nbgrader exchange is set up, the
Assignments and Courses tabs too, which could only say "Error fetching courses!". Validate
stays. On a JupyterHub, whose single-user server replaces the page hook below with its own,
the README's ``jupyter labextension disable`` commands do the same.
"""

import os

c = get_config()  # noqa: F821 -- provided by Jupyter when it loads this file

INSTRUCTOR_PLUGINS = ["@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment"]
INSTRUCTOR_SERVER_EXTENSIONS = ["nbgrader.server_extensions.formgrader"]
EXCHANGE_PLUGINS = ["@jupyter/nbgrader:assignment-list", "@jupyter/nbgrader:course-list",
                    "@jupyter/nbgrader:menu"]  # the menu holds only the tabs and the tools
EXCHANGE_SERVER_EXTENSIONS = ["nbgrader.server_extensions.assignment_list",
                              "nbgrader.server_extensions.course_list"]


def nbgrader_exchange_is_set_up() -> bool:
    """Whether nbgrader's exchange, with nbgrader's settings as its Assignments tab reads them
    here (``nbgrader_config.py`` in Jupyter's config directories and in this folder), exists:
    a plugged-in exchange, or the default one's folder."""
    try:
        from nbgrader.apps import NbGrader
        from nbgrader.exchange import ExchangeFactory
        from nbgrader.exchange.default import Exchange
    except ImportError:  # no nbgrader: nothing to hide
        return False
    app = NbGrader()
    app.load_config_file()
    lister = ExchangeFactory(config=app.config).List(config=app.config)
    return not isinstance(lister, Exchange) or os.path.isdir(lister.root)


hidden_plugins = list(INSTRUCTOR_PLUGINS)
hidden_server_extensions = list(INSTRUCTOR_SERVER_EXTENSIONS)
if not nbgrader_exchange_is_set_up():
    hidden_plugins += EXCHANGE_PLUGINS
    hidden_server_extensions += EXCHANGE_SERVER_EXTENSIONS


def hide_plugins(handler, page_config):
    """JupyterLab's page hook: add the hidden plugins to the page's disabled extensions."""
    disabled = list(page_config.get("disabledExtensions", []))
    return {**page_config,
            "disabledExtensions": disabled + [p for p in hidden_plugins if p not in disabled]}


c.ServerApp.jpserver_extensions.update(dict.fromkeys(hidden_server_extensions, False))
c.ServerApp.tornado_settings.update({"page_config_hook": hide_plugins})
