from jacobian_checks.layout import JacobianLayout, format_shape

PER_EXAMPLE_LOSS = JacobianLayout(batch=("B",), output=(1,), input=("D",))
LINEAR = JacobianLayout(batch=("B",), output=("n",), input=("n", "m"))
AVERAGED = JacobianLayout(batch=(), output=(1,), input=("n", "m"))


def test_format_shape_prints_like_python_tuples():
    assert format_shape(()) == "()"
    assert format_shape((3,)) == "(3,)"
    assert format_shape(("B", 1, "D")) == "(B, 1, D)"


def test_shape_is_batch_then_output_then_input():
    assert PER_EXAMPLE_LOSS.shape({"B": 256, "D": 10}) == (256, 1, 10)
    assert LINEAR.shape({"B": 4, "n": 3, "m": 2}) == (4, 3, 3, 2)
    assert AVERAGED.shape({"n": 3, "m": 2}) == (1, 3, 2)


def test_split_index_labels_the_groups():
    assert LINEAR.split_index((7, 0, 2, 1)) == "batch (7,) | output (0,) | input (2, 1)"
    assert AVERAGED.split_index((0, 2, 1)) == "output (0,) | input (2, 1)"
