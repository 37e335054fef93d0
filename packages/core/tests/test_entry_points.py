"""The direct entry point scan gives what importlib.metadata gives."""

from __future__ import annotations

import importlib.metadata
import sys
import zipfile

import pytest

from featherkit import _entry_points


def _as_tuples(eps) -> list[tuple[str, str, str, str]]:
    return sorted(
        (ep.name, ep.value, ep.dist.name if ep.dist else "", ep.dist.version if ep.dist else "")
        for ep in eps
    )


@pytest.mark.parametrize("group", ["console_scripts", "featherkit", "pytest11", "no-such-group"])
def test_same_as_importlib_metadata_on_this_interpreter(group):
    ours = _entry_points.entry_points(group)
    theirs = importlib.metadata.entry_points(group=group)
    assert _as_tuples(ours) == _as_tuples(theirs)


def _dist(root, dirname, name, version, entry_points=None, suffix=".dist-info"):
    directory = root / f"{dirname}{suffix}"
    directory.mkdir(parents=True)
    header = "PKG-INFO" if suffix == ".egg-info" else "METADATA"
    (directory / header).write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\nName: not-this\n"
    )
    if entry_points is not None:
        (directory / "entry_points.txt").write_text(entry_points)
    return directory


def test_first_distribution_on_the_path_wins_and_parsing_follows_the_spec(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    _dist(first, "acme_plugin-1.0", "Acme.Plugin", "1.0",
          "# a comment\n[featherkit]\nacme = acme.hooks:plugin [extra]\n"
          "[console_scripts]\nacme = acme.cli:main\n")
    _dist(second, "acme_plugin-2.0", "acme-plugin", "2.0", "[featherkit]\nold = acme.old\n")
    _dist(second, "other-3.1", "other", "3.1", "[featherkit]\n other = other.mod:obj.attr \n")
    _dist(second, "legacy-0.1", "legacy", "0.1", "[featherkit]\nlegacy = legacy\n",
          suffix=".egg-info")
    _dist(second, "quiet-1.0", "quiet", "1.0")
    paths = [str(first), str(tmp_path / "missing"), str(second)]

    ours = _entry_points.entry_points("featherkit", paths)
    theirs = importlib.metadata.distributions(path=paths)
    expected = []
    seen = set()
    for dist in theirs:
        key = _entry_points.normalize(dist.metadata["Name"])
        if key in seen:
            continue
        seen.add(key)
        expected += [ep for ep in dist.entry_points if ep.group == "featherkit"]
    assert _as_tuples(ours) == _as_tuples(expected)
    assert {ep.name for ep in ours} == {"acme", "other", "legacy"}
    acme = next(ep for ep in ours if ep.name == "acme")
    assert (acme.module, acme.attr, acme.dist.name) == ("acme.hooks", "plugin", "Acme.Plugin")
    other = next(ep for ep in ours if ep.name == "other")
    assert (other.module, other.attr) == ("other.mod", "obj.attr")


def test_load_imports_the_module_and_follows_the_attribute_path(tmp_path, monkeypatch):
    package = tmp_path / "pkg_for_entry_point_test"
    package.mkdir()
    (package / "__init__.py").write_text("class Holder:\n    value = 42\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    ep = _entry_points.EntryPoint("x", "pkg_for_entry_point_test:Holder.value", "g", None)
    assert ep.load() == 42
    whole = _entry_points.EntryPoint("y", "pkg_for_entry_point_test", "g", None)
    assert whole.load() is sys.modules["pkg_for_entry_point_test"]


def test_a_zip_on_the_path_defers_to_importlib_metadata(tmp_path, monkeypatch):
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("zipped-1.0.dist-info/METADATA", "Name: zipped\nVersion: 1.0\n\n")
        zf.writestr("zipped-1.0.dist-info/entry_points.txt", "[featherkit]\nz = zipped.mod\n")
    found = _entry_points.entry_points("featherkit", [str(archive)])
    assert [(ep.name, ep.value) for ep in found] == [("z", "zipped.mod")]
    assert isinstance(found[0], importlib.metadata.EntryPoint)


def test_records_compare_by_value_and_are_immutable() -> None:
    dist = _entry_points.Distribution("acme", "1.0")
    ep = _entry_points.EntryPoint("x", "m:a", "g", dist)
    same = _entry_points.EntryPoint("x", "m:a", "g", _entry_points.Distribution("acme", "1.0"))
    assert ep == same and hash(ep) == hash(same)
    assert ep != _entry_points.EntryPoint("x", "m:a", "g", None)
    assert repr(ep) == (
        "EntryPoint(name='x', value='m:a', group='g', "
        "dist=Distribution(name='acme', version='1.0'))"
    )
    with pytest.raises(AttributeError):
        ep.name = "y"  # type: ignore[misc]
