"""``python -m course new-case ASSIGNMENT KEY``: the course builder's commands for instructors
(``make notebooks`` and ``make bundle`` are ``python -m course.regenerate`` and
``python -m course.bundle``)."""

from __future__ import annotations

import argparse
import sys

from .new_case import NewCaseError, new_case, next_steps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("new-case", help="write the skeleton of a new case, one folder, "
                                               "and list it in its assignment")
    add.add_argument("assignment", help="the assignment, e.g. jacobians")
    add.add_argument("key", help="the case's key and folder name, e.g. loss_wrt_bias")
    arguments = parser.parse_args(argv)
    try:
        new_case(arguments.assignment, arguments.key)
    except NewCaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(next_steps(arguments.assignment, arguments.key))
    return 0


if __name__ == "__main__":
    sys.exit(main())
