from autograder.scores import GradeRow, format_score_table


def row(student, notebook, cell, score, max_score):
    return GradeRow(student, notebook, cell, score, max_score, score, None, False)


def test_the_score_table_has_a_column_per_notebook_and_the_total():
    rows = [row("ann", "01_scalar", "a", 1, 1), row("ann", "01_scalar", "b", 2, 2),
            row("ann", "02_vector", "a", 0, 4), row("bo", "01_scalar", "a", 0.5, 1)]
    assert format_score_table(rows).splitlines() == [
        "student       01       02     total",
        "ann          3/3      0/4       3/7",
        "bo         0.5/3      0/4     0.5/7",
        "",
        "Notebooks: 01 = 01_scalar, 02 = 02_vector",
    ]


def test_a_late_penalty_is_subtracted_from_the_total_as_nbgrader_export_does():
    rows = [row("ann", "01_scalar", "a", 3, 3), row("bo", "01_scalar", "a", 1, 3)]
    assert format_score_table(rows, {"ann": 1.0, "bo": 2.0}).splitlines()[1:3] == [
        "ann          3/3       2/3  (late penalty 1)",
        "bo           1/3       0/3  (late penalty 2)",  # never below 0
    ]
