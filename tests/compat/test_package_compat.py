"""``featherkit package`` against ``pyflyte package``: the same layout, the same task specs.

Both command lines package all the paired task modules; the archives must hold only
``<index>_<task name>_1.pb`` files at the top level, indexed with the same zero-padding, for
the same tasks, whose specs are equal up to ``allowed_differences.py`` (which has the one
package-only rule: the version featherkit writes and pyflyte leaves to flytectl).
"""

from __future__ import annotations

import re

from compat_support import VERSION

NAME = re.compile(r"^(?P<index>\d+)_(?P<task>.+)_1\.pb$")


def _by_task(members):
    found = {}
    for file_name, spec in members.items():
        match = NAME.match(file_name)
        assert match, f"{file_name!r} is not named <index>_<task name>_1.pb"
        assert match["task"] == spec.template.id.name
        found[match["task"]] = (match["index"], spec)
    return found


def test_same_tasks_and_file_naming(package_pair):
    theirs, ours = (_by_task(members) for members in package_pair)
    assert set(theirs) == set(ours)
    assert len(theirs) >= 20
    # both number from 0 with the same zero-padding width
    for side in (theirs, ours):
        indexes = sorted(index for index, _ in side.values())
        assert indexes == [str(i).zfill(len(str(len(side) - 1))) for i in range(len(side))]


def test_featherkit_numbers_tasks_by_name(package_pair):
    ours = _by_task(package_pair[1])
    assert sorted(ours, key=lambda task: ours[task][0]) == sorted(ours)


def test_packaged_specs_match(package_pair, assert_same_spec):
    theirs, ours = (_by_task(members) for members in package_pair)
    for task, (_, spec) in ours.items():
        assert spec.template.id.version == VERSION
        assert spec.template.id.project == spec.template.id.domain == ""
        assert_same_spec(theirs[task][1], spec, what=f"packaged TaskSpec of {task}")
