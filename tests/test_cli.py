"""The ``oshakit`` command itself: version, usage of a subcommand, a year the bundle lacks."""

from __future__ import annotations

import pytest

from oshakit import __version__
from oshakit.cli import main


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"oshakit {__version__}"


@pytest.mark.parametrize("argv, usage", [
    (["log", "BUNDLE", "--year", "2024", "--yaer", "2024"], "usage: oshakit log "),
    (["reconcile", "BUNDLE", "--out", "x", "--bogus"], "usage: oshakit reconcile "),
    (["ita", "submit", "BUNDLE", "--year", "2024", "--bogus"], "usage: oshakit ita submit "),
])
def test_a_misspelled_option_prints_the_subcommand_usage(argv, usage, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(usage), err
    assert "unrecognized arguments" in err


@pytest.mark.parametrize("command", [
    ["log", "{bundle}", "--year", "2019"],
    ["forms", "{bundle}", "--year", "2019", "--out", "{tmp}/forms"],
    ["export-ita", "{bundle}", "--year", "2019", "--out", "{tmp}/ita"],
    ["ita", "submit", "{bundle}", "--year", "2019", "--out", "{tmp}/submit"],
    ["run", "{bundle}", "--year", "2019", "--out", "{tmp}/reports", "--no-progress"],
])
def test_a_year_the_bundle_lacks_is_refused_naming_the_years(command, sample_dir, tmp_path,
                                                              capsys):
    argv = [a.format(bundle=sample_dir, tmp=tmp_path) for a in command]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "the bundle has no data for 2019; it covers 2023, 2024, 2025" in err
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_an_unreadable_bundle_folder_is_a_message_not_a_traceback(sample_dir, monkeypatch,
                                                                  capsys):
    from pathlib import Path

    real = Path.iterdir

    def refuse(self):
        if self == Path(sample_dir):
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "iterdir", refuse)
    code = main(["inspect", str(sample_dir)])
    out = capsys.readouterr()
    assert code != 0
    assert "Traceback" not in out.out + out.err
    assert "cannot be read: Permission denied" in out.err


def test_inspect_refuses_a_year_the_bundle_lacks_like_every_command(sample_dir, capsys):
    assert main(["inspect", str(sample_dir), "--year", "2019"]) == 2
    out = capsys.readouterr()
    assert "the bundle has no data for 2019; it covers 2023, 2024, 2025" in out.err
    assert "Fit to file" not in out.out
